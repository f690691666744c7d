/**
 * Writes the sample documents into this directory: one CV per entry of `cvs.json` (A4, Helvetica,
 * pdf-lib), a 12-page CV, an encrypted CV, an image-only scan, a PDF that is not a CV (an invoice),
 * plain text named `.pdf`, and an empty file. Fixed metadata makes every run byte-identical.
 *
 * ```sh
 * deno run -A local/samples/generate.ts
 * ```
 *
 * @module
 */
import { PDFDocument, type PDFFont, PDFHexString, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import { z } from "zod";
import cvs from "./cvs.json" with { type: "json" };

const text = z.string().min(1);
const sampleCvSchema = z.object({
  name: text,
  headline: text,
  /** Home, as the contact line prints it. */
  location: text,
  email: z.email(),
  /** The language of headings and footers. */
  lang: z.enum(["de", "en"]),
  summary: text,
  experience: z.array(z.object({
    title: text,
    company: text,
    city: text,
    from: text,
    to: text,
    bullets: z.array(text),
  })),
  education: z.array(text),
  skills: z.array(text),
  languages: z.array(text),
});

/** The content of one sample CV. */
export type SampleCv = z.infer<typeof sampleCvSchema>;

/** The sample CVs by key; `<key with dashes>.pdf` holds each one rendered. */
export const SAMPLE_CVS: Readonly<Record<string, SampleCv>> = z.record(text, sampleCvSchema)
  .parse(cvs);

/** Pages of `long-cv.pdf`: more than a CV upload sends to Claude (10), under the API's 100. */
export const LONG_CV_PAGES = 12;

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 56;
const TOP = A4[1] - 64;
const BOTTOM = 64;
const WIDTH = A4[0] - 2 * MARGIN;
const GRAY = rgb(0.35, 0.35, 0.35);
const BLACK = rgb(0, 0, 0);
const DATE = new Date("2026-11-02T09:00:00Z");
const WORDS = {
  de: ["Profil", "Berufserfahrung", "Ausbildung", "Kenntnisse", "Sprachen", "Projekte"],
  en: ["Profile", "Experience", "Education", "Skills", "Languages", "Selected projects"],
} as const;
const FOOTER = { de: ["Lebenslauf", "Seite", "von"], en: ["Curriculum Vitae", "Page", "of"] };

/** A new document whose metadata never changes, so saving it gives the same bytes every time. */
async function sampleDocument(title: string, author: string, lang = "en"): Promise<PDFDocument> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.setTitle(title);
  doc.setAuthor(author);
  doc.setLanguage(lang === "de" ? "de-DE" : "en-GB");
  doc.setProducer("pdf-lib 1.17.1");
  doc.setCreator("local/samples/generate.ts");
  doc.setCreationDate(DATE);
  doc.setModificationDate(DATE);
  return doc;
}

function wrap(line: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let current = "";
  for (const word of line.split(/\s+/)) {
    const longer = current ? `${current} ${word}` : word;
    if (!current || font.widthOfTextAtSize(longer, size) <= width) current = longer;
    else {
      lines.push(current);
      current = word;
    }
  }
  return [...lines, current];
}

interface Style {
  size?: number;
  bold?: boolean;
  gray?: boolean;
  indent?: number;
  /** Further indent of the second and later lines. */
  hang?: number;
  /** Space above the first line, in points. */
  gap?: number;
}

/** Draws text top to bottom, adding A4 pages as they fill. */
function pageWriter(doc: PDFDocument, fonts: { regular: PDFFont; bold: PDFFont }) {
  let page: PDFPage = doc.addPage(A4);
  let y = TOP;
  const room = (height: number) => {
    if (y - height >= BOTTOM) return;
    page = doc.addPage(A4);
    y = TOP;
  };
  const paragraph = (line: string, style: Style = {}) => {
    const size = style.size ?? 10.5;
    const font = style.bold ? fonts.bold : fonts.regular;
    const width = WIDTH - (style.indent ?? 0) - (style.hang ?? 0);
    for (const [i, part] of wrap(line, font, size, width).entries()) {
      if (y !== TOP && i === 0) y -= style.gap ?? 0;
      room(size * 1.35);
      y -= size * 1.35;
      const x = MARGIN + (style.indent ?? 0) + (i > 0 ? style.hang ?? 0 : 0);
      page.drawText(part, { x, y, size, font, color: style.gray ? GRAY : BLACK });
    }
  };
  return {
    paragraph,
    bullet: (line: string) => paragraph(`• ${line}`, { size: 10, indent: 4, hang: 8 }),
    heading(title: string) {
      y -= 14;
      room(56);
      paragraph(title, { size: 12, bold: true });
      page.drawLine({
        start: { x: MARGIN, y: y - 4 },
        end: { x: MARGIN + WIDTH, y: y - 4 },
        thickness: 0.6,
        color: GRAY,
      });
      y -= 8;
    },
  };
}

/** Renders `cv`; `pages` pads it with projects to that many pages, `encrypt` marks it encrypted. */
export async function buildCvPdf(
  cv: SampleCv,
  options: { pages?: number; encrypt?: boolean } = {},
): Promise<Uint8Array> {
  const doc = await sampleDocument(`${cv.name} – ${FOOTER[cv.lang][0]}`, cv.name, cv.lang);
  const regular = await doc.embedFont(StandardFonts.Helvetica);
  const fonts = { regular, bold: await doc.embedFont(StandardFonts.HelveticaBold) };
  const out = pageWriter(doc, fonts);
  const [profile, experience, education, skills, languages, projects] = WORDS[cv.lang];
  out.paragraph(cv.name, { size: 22, bold: true });
  out.paragraph(cv.headline, { size: 13, gap: 4 });
  out.paragraph(`${cv.location} · ${cv.email}`, { size: 10, gray: true, gap: 2 });
  out.heading(profile);
  out.paragraph(cv.summary);
  out.heading(experience);
  for (const [i, job] of cv.experience.entries()) {
    const title = `${job.title} — ${job.company}, ${job.city}`;
    out.paragraph(title, { size: 11, bold: true, gap: i ? 8 : 0 });
    out.paragraph(`${job.from} – ${job.to}`, { size: 9.5, gray: true, gap: 1 });
    job.bullets.forEach(out.bullet);
  }
  out.heading(education);
  for (const line of cv.education) out.paragraph(line, { gap: 2 });
  out.heading(skills);
  out.paragraph(cv.skills.join(", "));
  out.heading(languages);
  out.paragraph(cv.languages.join(", "));
  if (doc.getPageCount() < (options.pages ?? 1)) out.heading(projects);
  for (let i = 0; doc.getPageCount() < (options.pages ?? 1); i++) {
    const job = cv.experience[i % cv.experience.length];
    const skill = cv.skills[i % cv.skills.length];
    out.paragraph(`${i + 1}. ${skill}: ${job.company} (${2012 + (i % 13)})`, {
      bold: true,
      gap: 6,
    });
    out.bullet(job.bullets[i % job.bullets.length]);
    out.bullet(`Stack: ${cv.skills.slice(0, 4).join(", ")}; outcome documented for review.`);
  }
  const [what, page, of] = FOOTER[cv.lang];
  for (const [i, sheet] of doc.getPages().entries()) {
    const footer = `${cv.name} · ${what} · ${page} ${i + 1} ${of} ${doc.getPageCount()}`;
    const x = (A4[0] - regular.widthOfTextAtSize(footer, 8)) / 2;
    sheet.drawText(footer, { x, y: 36, size: 8, font: regular, color: GRAY });
  }
  if (options.encrypt) await markEncrypted(doc, cv.email);
  return await doc.save();
}

async function hex(seed: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(seed));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Adds a Standard-handler `/Encrypt` entry to the trailer (pdf-lib cannot encrypt; its `load`
 * then throws EncryptedPDFError, which is how uploads and the API detect encryption).
 */
async function markEncrypted(doc: PDFDocument, seed: string): Promise<void> {
  const { context } = doc;
  context.trailerInfo.Encrypt = context.register(context.obj({
    Filter: "Standard",
    V: 2,
    R: 3,
    Length: 128,
    P: -3904,
    O: PDFHexString.of(await hex(`${seed}:owner`)),
    U: PDFHexString.of(await hex(`${seed}:user`)),
  }));
  const id = PDFHexString.of((await hex(`${seed}:id`)).slice(0, 32));
  context.trailerInfo.ID = context.obj([id, id]);
}

/** Two A4 pages of grey bars and no text layer, as a scanned CV uploads. */
async function buildImageOnlyPdf(): Promise<Uint8Array> {
  const doc = await sampleDocument("Scan 2026-11-02", "Scanner");
  for (const seed of [1, 2]) {
    const page = doc.addPage(A4);
    const ink = rgb(0.2, 0.2, 0.22);
    page.drawRectangle({ x: 0, y: 0, width: A4[0], height: A4[1], color: rgb(0.97, 0.96, 0.93) });
    page.drawRectangle({ x: MARGIN, y: 730, width: 220, height: 22, color: ink });
    for (let i = 0; i < 34; i++) {
      const width = 300 + ((i * 37 + seed * 11) % 180);
      page.drawRectangle({ x: MARGIN, y: 660 - i * 17, width, height: 7, color: ink });
    }
  }
  return await doc.save();
}

/** A one-page German invoice: a valid PDF with text, and not a CV. */
async function buildInvoicePdf(): Promise<Uint8Array> {
  const doc = await sampleDocument("Rechnung 2026-0815", "Elbfracht Logistics GmbH", "de");
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage(A4);
  const lines = [
    "Elbfracht Logistics GmbH · Am Sandtorkai 12 · 20457 Hamburg",
    "Rechnung Nr. 2026-0815 · Rechnungsdatum 02.11.2026 · Kundennummer 40 1187",
    "Pos. 1  Palettenlagerung, 42 Stellplätze × 31 Tage: 1.302,00 €",
    "Pos. 2  Kommissionierung, 1.180 Aufträge: 2.124,00 €",
    "Pos. 3  Expressversand Süddeutschland, 37 Sendungen: 518,00 €",
    "Nettobetrag 3.944,00 € · Umsatzsteuer 19 % 749,36 € · Gesamtbetrag 4.693,36 €",
    "Zahlbar innerhalb von 14 Tagen ohne Abzug. IBAN DE12 2005 0550 1234 5678 90",
  ];
  lines.forEach((line, i) => page.drawText(line, { x: MARGIN, y: 770 - i * 24, size: 10, font }));
  return await doc.save();
}

/** Every sample file, by name. */
export async function buildSampleFiles(): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  for (const [key, cv] of Object.entries(SAMPLE_CVS)) {
    files[`${key.replaceAll("_", "-")}.pdf`] = await buildCvPdf(cv);
  }
  const { senior_data_engineer_berlin: lena, data_engineer_hamburg_berlin: jonas } = SAMPLE_CVS;
  files["long-cv.pdf"] = await buildCvPdf(lena, { pages: LONG_CV_PAGES });
  files["encrypted.pdf"] = await buildCvPdf(jonas, { encrypt: true });
  files["image-only.pdf"] = await buildImageOnlyPdf();
  files["not-a-cv.pdf"] = await buildInvoicePdf();
  files["not-a-pdf.pdf"] = new TextEncoder().encode(
    "Lebenslauf\n\nLena Vogt\nSenior Data Engineer, Berlin\n\n(A text file renamed to .pdf.)\n",
  );
  files["empty.pdf"] = new Uint8Array();
  return files;
}

if (import.meta.main) {
  for (const [name, bytes] of Object.entries(await buildSampleFiles())) {
    await Deno.writeFile(new URL(name, import.meta.url), bytes);
    console.log(`${name.padEnd(36)} ${String(bytes.length).padStart(8)} bytes`);
  }
}
