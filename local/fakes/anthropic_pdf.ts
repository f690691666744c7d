/**
 * What the fake Messages API learns from a PDF document block: whether it is a PDF at all,
 * whether it is encrypted, how many pages it has (pdf-lib, else counting `/Type /Page` objects)
 * and the text its pages show (decoded content streams; see `anthropic_pdf_text.ts`).
 *
 * @module
 */
import {
  decodePDFRawStream,
  PDFArray,
  PDFContentStream,
  PDFDict,
  PDFDocument,
  PDFName,
  type PDFPage,
  PDFRawStream,
  PDFRef,
  PDFStream,
} from "pdf-lib";
import { extractContentText } from "./anthropic_pdf_text.ts";

/** The verdict on one PDF. */
export type PdfInspection =
  /** A readable PDF: its page count and the text of each page (empty for image-only pages). */
  | { kind: "ok"; pages: number; pageTexts: string[] }
  /** Not a PDF, or one with no pages. */
  | { kind: "invalid" }
  /** Has an `/Encrypt` entry: password protected or encrypted. */
  | { kind: "encrypted" };

const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46, 0x2d];

function latin1(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return out;
}

function isEncryptedError(error: unknown): boolean {
  return error instanceof Error && /is encrypted/i.test(error.message);
}

function streamBytes(stream: PDFStream): Uint8Array | undefined {
  try {
    if (stream instanceof PDFContentStream) return stream.getUnencodedContents();
    if (stream instanceof PDFRawStream) return decodePDFRawStream(stream).decode();
  } catch {
    return undefined;
  }
  return undefined;
}

function contentStreams(page: PDFPage): PDFStream[] {
  const contents = page.node.Contents();
  const context = page.doc.context;
  if (contents instanceof PDFStream) return [contents];
  if (!(contents instanceof PDFArray)) return [];
  const out: PDFStream[] = [];
  for (let i = 0; i < contents.size(); i++) {
    const item = contents.get(i);
    const stream = item instanceof PDFRef ? context.lookup(item) : item;
    if (stream instanceof PDFStream) out.push(stream);
  }
  return out;
}

function compositeFonts(page: PDFPage): Set<string> {
  const out = new Set<string>();
  const fonts = page.node.Resources()?.lookupMaybe(PDFName.of("Font"), PDFDict);
  if (!fonts) return out;
  for (const [key, value] of fonts.entries()) {
    const font = page.doc.context.lookup(value);
    const subtype = font instanceof PDFDict ? font.get(PDFName.of("Subtype")) : undefined;
    if (subtype instanceof PDFName && subtype.asString() === "/Type0") {
      out.add(key.asString().slice(1));
    }
  }
  return out;
}

function pageText(page: PDFPage): string {
  const undecodableFonts = compositeFonts(page);
  return contentStreams(page)
    .map(streamBytes)
    .filter((bytes) => bytes !== undefined)
    .map((bytes) => extractContentText(bytes, { undecodableFonts }))
    .filter((text) => text.length > 0)
    .join("\n");
}

function rawInspection(bytes: Uint8Array): PdfInspection {
  const text = latin1(bytes);
  if (/\/Encrypt\s*(\d+\s+\d+\s+R|<<)/.test(text)) return { kind: "encrypted" };
  const pages = text.match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
  return pages > 0 ? { kind: "ok", pages, pageTexts: new Array(pages).fill("") } : {
    kind: "invalid",
  };
}

/** Inspects `bytes` the way the fake API checks a base64 PDF source. */
export async function inspectPdf(bytes: Uint8Array): Promise<PdfInspection> {
  if (bytes.length < PDF_MAGIC.length || PDF_MAGIC.some((b, i) => bytes[i] !== b)) {
    return { kind: "invalid" };
  }
  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false });
  } catch (error) {
    if (isEncryptedError(error)) return { kind: "encrypted" };
    return rawInspection(bytes);
  }
  let pages: PDFPage[];
  try {
    pages = doc.getPages();
  } catch {
    return rawInspection(bytes);
  }
  if (pages.length === 0) return { kind: "invalid" };
  return { kind: "ok", pages: pages.length, pageTexts: pages.map(pageText) };
}
