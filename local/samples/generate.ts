/**
 * Writes the sample documents into this directory: one CV per `SAMPLE_CVS` entry, a long CV,
 * an encrypted CV, an image-only scan, a PDF that is not a CV, plain text named `.pdf`, and an
 * empty file. Every run writes byte-identical files.
 *
 * ```sh
 * deno run -A local/samples/generate.ts
 * ```
 *
 * @module
 */
import { buildImageOnlyPdf, buildInvoicePdf, buildNotAPdf } from "../fakes/cv_bad_pdfs.ts";
import { buildCvPdf } from "../fakes/cv_pdf.ts";
import { SAMPLE_CVS } from "../fakes/cv_samples.ts";

/** Pages of `long-cv.pdf`: more than a CV upload sends to the model, well under the API's 100. */
export const LONG_CV_PAGES = 12;

/** The file name of the sample CV under `key` (`senior_data_engineer_berlin.pdf` → dashes). */
export function sampleFileName(key: string): string {
  return `${key.replace(/_/g, "-")}.pdf`;
}

/** Every sample file, by name. */
export async function buildSampleFiles(): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const [key, cv] of Object.entries(SAMPLE_CVS)) {
    files[sampleFileName(key)] = await buildCvPdf(cv);
  }
  files["long-cv.pdf"] = await buildCvPdf(SAMPLE_CVS.senior_data_engineer_berlin, {
    pages: LONG_CV_PAGES,
  });
  files["encrypted.pdf"] = await buildCvPdf(SAMPLE_CVS.data_engineer_hamburg_berlin, {
    encrypt: true,
  });
  files["image-only.pdf"] = await buildImageOnlyPdf();
  files["not-a-cv.pdf"] = await buildInvoicePdf();
  files["not-a-pdf.pdf"] = buildNotAPdf();
  files["empty.pdf"] = new Uint8Array();
  return files;
}

if (import.meta.main) {
  const dir = new URL(".", import.meta.url);
  for (const [name, bytes] of Object.entries(await buildSampleFiles())) {
    await Deno.writeFile(new URL(name, dir), bytes);
    console.log(`${name.padEnd(36)} ${String(bytes.length).padStart(8)} bytes`);
  }
}
