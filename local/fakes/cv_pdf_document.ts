/**
 * Deterministic PDF plumbing for the sample documents: fixed metadata (dates, producer,
 * creator), WinAnsi-safe text for the standard Helvetica fonts, saving with uncompressed content
 * streams and no object streams (so the fake Messages API can read the text back), and an
 * `/Encrypt` trailer entry for "encrypted" samples (pdf-lib cannot encrypt; its `load` then
 * throws EncryptedPDFError, which is how real checks detect encryption).
 *
 * @module
 */
import {
  PDFContentStream,
  PDFDocument,
  type PDFFont,
  PDFHexString,
  PDFName,
  PDFRawStream,
} from "pdf-lib";
import { hashHex } from "./random.ts";

/** The creation and modification date every sample carries. */
export const SAMPLE_PDF_DATE = new Date("2026-11-02T09:00:00Z");

/** The `/Producer` of every sample. */
export const SAMPLE_PDF_PRODUCER = "pdf-lib 1.17.1 (jobfeed sample generator)";

/** The `/Creator` of every sample. */
export const SAMPLE_PDF_CREATOR = "local/fakes/cv_pdf.ts";

/** Document information of a sample. */
export interface SampleMetadata {
  title: string;
  author: string;
  subject?: string;
  keywords?: string[];
  /** BCP 47, e.g. `de-DE`. */
  language?: string;
}

/** A new document with fixed metadata, so saving it twice gives identical bytes. */
export async function createSampleDocument(metadata: SampleMetadata): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(metadata.title);
  doc.setAuthor(metadata.author);
  if (metadata.subject) doc.setSubject(metadata.subject);
  if (metadata.keywords) doc.setKeywords(metadata.keywords);
  if (metadata.language) doc.setLanguage(metadata.language);
  doc.setProducer(SAMPLE_PDF_PRODUCER);
  doc.setCreator(SAMPLE_PDF_CREATOR);
  doc.setCreationDate(SAMPLE_PDF_DATE);
  doc.setModificationDate(SAMPLE_PDF_DATE);
  return doc;
}

const REPLACEMENTS: Readonly<Record<string, string>> = {
  "→": "->",
  "←": "<-",
  "≥": ">=",
  "≤": "<=",
  "−": "-",
  "‑": "-",
  "✓": "*",
  "★": "*",
  "\u2009": " ",
  "\u202f": " ",
  "ł": "l",
  "Ł": "L",
  "ı": "i",
  "İ": "I",
};

/**
 * `text` with every character `font` cannot encode replaced: known look-alikes (`→` → `->`), else
 * the letter without its diacritic (`č` → `c`), else `?`. WinAnsi keeps ä ö ü ß é € – • as is.
 */
export function encodableText(text: string, font: PDFFont): string {
  const supported = new Set(font.getCharacterSet());
  let out = "";
  for (const char of text) {
    if (supported.has(char.codePointAt(0)!)) out += char;
    else if (char in REPLACEMENTS) out += REPLACEMENTS[char];
    else {
      const base = char.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
      out += [...base].every((c) => supported.has(c.codePointAt(0)!)) && base.length > 0
        ? base
        : "?";
    }
  }
  return out;
}

/** Options of {@link saveSampleDocument}. */
export interface SaveSampleOptions {
  /** Add an `/Encrypt` dictionary to the trailer (default false). */
  encrypt?: boolean;
  /** Seeds the encryption dictionary's `/O`, `/U` and the file `/ID` (default the title). */
  seed?: string;
}

/**
 * Saves `doc` with uncompressed content streams and classic cross-reference tables; with
 * `encrypt`, marks it encrypted (RC4 128-bit `/Standard` handler entries; the content stays
 * readable bytes, as only the marker matters to the checks).
 */
export async function saveSampleDocument(
  doc: PDFDocument,
  options: SaveSampleOptions = {},
): Promise<Uint8Array> {
  const context = doc.context;
  for (const [ref, object] of context.enumerateIndirectObjects()) {
    if (object instanceof PDFContentStream) {
      const dict = object.dict.clone(context);
      dict.delete(PDFName.of("Filter"));
      context.assign(ref, PDFRawStream.of(dict, object.getUnencodedContents()));
    }
  }
  if (options.encrypt) {
    const seed = options.seed ?? doc.getTitle() ?? "sample";
    context.trailerInfo.Encrypt = context.register(context.obj({
      Filter: "Standard",
      V: 2,
      R: 3,
      Length: 128,
      P: -3904,
      O: PDFHexString.of(hashHex(`${seed}:owner`, 64)),
      U: PDFHexString.of(hashHex(`${seed}:user`, 64)),
    }));
    const id = PDFHexString.of(hashHex(`${seed}:id`, 32));
    context.trailerInfo.ID = context.obj([id, id]);
  }
  return await doc.save({
    useObjectStreams: false,
    addDefaultPage: false,
    updateFieldAppearances: false,
  });
}
