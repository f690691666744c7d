/**
 * Sample documents a CV upload must reject or flag, made as deterministically as the CVs: an
 * image-only "scan" (pages with shapes and no text layer), a real PDF that is not a CV (an
 * invoice), and plain text posing as a PDF.
 *
 * @module
 */
import { type PDFPage, rgb, StandardFonts } from "pdf-lib";
import { createSampleDocument, encodableText, saveSampleDocument } from "./cv_pdf_document.ts";

const A4: [number, number] = [595.28, 841.89];

function scannedPage(page: PDFPage, seed: number): void {
  const ink = rgb(0.2, 0.2, 0.22);
  page.drawRectangle({ x: 0, y: 0, width: A4[0], height: A4[1], color: rgb(0.97, 0.96, 0.93) });
  page.drawRectangle({ x: 56, y: 730, width: 220, height: 22, color: ink });
  page.drawRectangle({ x: 56, y: 700, width: 160, height: 12, color: ink });
  for (let i = 0; i < 34; i++) {
    const width = 300 + ((i * 37 + seed * 11) % 180);
    page.drawRectangle({ x: 56, y: 660 - i * 17, width, height: 7, color: ink, opacity: 0.8 });
  }
}

/**
 * A two-page PDF that looks like a scanned CV but has no text layer (only filled shapes), as
 * image-only uploads are: the reader finds no text.
 */
export async function buildImageOnlyPdf(): Promise<Uint8Array> {
  const doc = await createSampleDocument({ title: "Scan 2026-11-02", author: "Scanner" });
  scannedPage(doc.addPage(A4), 1);
  scannedPage(doc.addPage(A4), 2);
  return await saveSampleDocument(doc);
}

/** A one-page German invoice: a valid PDF with text that is not a CV. */
export async function buildInvoicePdf(): Promise<Uint8Array> {
  const doc = await createSampleDocument({
    title: "Rechnung 2026-0815",
    author: "Elbfracht Logistics GmbH",
    language: "de-DE",
  });
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage(A4);
  const lines: [string, number, boolean][] = [
    ["Elbfracht Logistics GmbH · Am Sandtorkai 12 · 20457 Hamburg", 9, false],
    ["Rechnung Nr. 2026-0815", 18, true],
    ["Rechnungsdatum: 02.11.2026 · Leistungszeitraum: Oktober 2026", 10, false],
    ["Kundennummer: 40 1187", 10, false],
    ["Pos. 1  Palettenlagerung, 42 Stellplätze × 31 Tage      1.302,00 €", 10.5, false],
    ["Pos. 2  Kommissionierung, 1.180 Aufträge                  2.124,00 €", 10.5, false],
    ["Pos. 3  Expressversand Süddeutschland, 37 Sendungen        518,00 €", 10.5, false],
    ["Nettobetrag                                                 3.944,00 €", 10.5, true],
    ["Umsatzsteuer 19 %                                             749,36 €", 10.5, false],
    ["Gesamtbetrag                                                4.693,36 €", 10.5, true],
    ["Zahlbar innerhalb von 14 Tagen ohne Abzug.", 10, false],
    ["IBAN DE12 2005 0550 1234 5678 90 · BIC HASPDEHHXXX", 9, false],
  ];
  let y = 770;
  for (const [text, size, isBold] of lines) {
    const face = isBold ? bold : font;
    page.drawText(encodableText(text, face), { x: 56, y, size, font: face });
    y -= size * 2.2;
  }
  return await saveSampleDocument(doc);
}

/** Plain text with a `.pdf` name: what a renamed text file uploads as. */
export function buildNotAPdf(): Uint8Array {
  return new TextEncoder().encode(
    "Lebenslauf\n\nLena Vogt\nSenior Data Engineer, Berlin\n\n" +
      "(This is a plain text file renamed to .pdf; it is not a PDF.)\n",
  );
}
