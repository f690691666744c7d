/**
 * Checks an uploaded CV with pdf-lib before anything is sent to Claude: it is a PDF, not empty,
 * not encrypted, not larger than the limit; a CV longer than `maxPages` is cut to its first pages
 * (Claude reads at most 100 pages per request, and a CV's substance is at its start).
 *
 * @module
 */
import { PDFDocument } from "pdf-lib";

/** Why a file cannot be read as a CV; `message` is written for the person who uploaded it. */
export class CvFileError extends Error {
  override name = "CvFileError";
  constructor(
    readonly reason: "empty" | "too_large" | "not_pdf" | "encrypted" | "unreadable",
    message: string,
  ) {
    super(message);
  }
}

/** Options for {@link checkCvPdf}. */
export interface PdfCheckOptions {
  /** Largest accepted file, in bytes. Default 10 MiB (the bucket's limit). */
  maxBytes?: number;
  /** Pages sent on; longer files are cut. Default 10. */
  maxPages?: number;
}

/** A PDF ready for Claude. */
export interface CheckedPdf {
  bytes: Uint8Array;
  /** Pages in the uploaded file. */
  pages: number;
  /** Pages in `bytes` (fewer when the file was cut). */
  sentPages: number;
}

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

function startsWithPdfMagic(bytes: Uint8Array): boolean {
  // the header may follow a few bytes of garbage (the PDF spec allows it within the first 1 KiB)
  const limit = Math.min(bytes.length - PDF_MAGIC.length, 1024);
  for (let start = 0; start <= limit; start++) {
    if (PDF_MAGIC.every((byte, i) => bytes[start + i] === byte)) return true;
  }
  return false;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Checks `bytes` (named `fileName` in messages) and returns what to send to Claude. */
export async function checkCvPdf(
  bytes: Uint8Array,
  fileName: string,
  options: PdfCheckOptions = {},
): Promise<CheckedPdf> {
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const maxPages = options.maxPages ?? 10;
  if (bytes.length === 0) {
    throw new CvFileError(
      "empty",
      `Cannot read CV ${fileName}: the file is empty. Upload it again.`,
    );
  }
  if (bytes.length > maxBytes) {
    throw new CvFileError(
      "too_large",
      `Cannot read CV ${fileName}: it is ${mib(bytes.length)}, more than the ${mib(maxBytes)} ` +
        "allowed. Export it again with smaller images.",
    );
  }
  if (!startsWithPdfMagic(bytes)) {
    throw new CvFileError(
      "not_pdf",
      `Cannot read CV ${fileName}: it is not a PDF. Save or export your CV as PDF and upload that.`,
    );
  }
  let document: PDFDocument;
  let pages: number;
  try {
    // loaded even when encrypted, so that `isEncrypted` answers (pdf-lib's EncryptedPDFError is
    // compiled to ES5: `instanceof` would not tell it from a damaged file)
    document = await PDFDocument.load(bytes, { updateMetadata: false, ignoreEncryption: true });
    pages = document.isEncrypted ? 0 : document.getPageCount(); // no page tree fails here
  } catch (error) {
    throw new CvFileError(
      "unreadable",
      `Cannot read CV ${fileName}: the PDF is damaged (${(error as Error).message}). Export it ` +
        "again and upload the new file.",
    );
  }
  if (document.isEncrypted) {
    throw new CvFileError(
      "encrypted",
      `Cannot read CV ${fileName}: the file is encrypted or password-protected. Upload a ` +
        "copy without a password.",
    );
  }
  if (pages === 0) {
    throw new CvFileError("empty", `Cannot read CV ${fileName}: the PDF has no pages.`);
  }
  if (pages <= maxPages) return { bytes, pages, sentPages: pages };
  const cut = await PDFDocument.create();
  const copied = await cut.copyPages(document, [...Array(maxPages).keys()]);
  for (const page of copied) cut.addPage(page);
  return { bytes: await cut.save(), pages, sentPages: maxPages };
}
