/**
 * A deterministic generator of realistic CV PDFs with pdf-lib: name, headline, contact line,
 * profile, experience with dates and bullets, education, skills and languages, set in Helvetica on
 * A4 with page footers. Content streams are left uncompressed, so the fake Messages API reads the
 * text back; `pages` pads a CV into a long one, `encrypt` marks it encrypted.
 *
 * @module
 */
import { type PDFFont, type PDFPage, rgb, StandardFonts } from "pdf-lib";
import { createSampleDocument, encodableText, saveSampleDocument } from "./cv_pdf_document.ts";

/** One job on a CV. */
export interface SampleCvExperience {
  title: string;
  company: string;
  city: string;
  /** As printed, e.g. `03/2021`. */
  from: string;
  /** As printed, e.g. `02/2024`, `heute` or `present`. */
  to: string;
  bullets: string[];
}

/** The content of a sample CV. */
export interface SampleCv {
  name: string;
  /** The title line under the name, e.g. `Senior Data Engineer`. */
  headline: string;
  /** Home, as printed on the contact line, e.g. `Berlin, Deutschland`. */
  location: string;
  email: string;
  /** The profile paragraph, including what the person is looking for. */
  summary: string;
  experience: SampleCvExperience[];
  /** One line each, e.g. `M.Sc. Informatik, TU Berlin (2013 – 2015)`. */
  education: string[];
  skills: string[];
  /** e.g. `Deutsch (Muttersprache)`. */
  languages: string[];
  /** Language of headings and footers (default `en`). */
  lang?: "de" | "en";
}

/** Options of {@link buildCvPdf}. */
export interface BuildCvPdfOptions {
  /**
   * Minimum page count: a CV shorter than this gets a projects appendix until it has exactly
   * this many pages (default: as many as the content needs).
   */
  pages?: number;
  /** Mark the PDF encrypted (an `/Encrypt` trailer entry; default false). */
  encrypt?: boolean;
}

const PAGE: [number, number] = [595.28, 841.89];
const MARGIN_X = 56;
const TOP = PAGE[1] - 64;
const BOTTOM = 64;
const WIDTH = PAGE[0] - 2 * MARGIN_X;
const GRAY = rgb(0.35, 0.35, 0.35);

const HEADINGS = {
  de: {
    profile: "Profil",
    experience: "Berufserfahrung",
    education: "Ausbildung",
    skills: "Kenntnisse",
    languages: "Sprachen",
    projects: "Projekte",
    cv: "Lebenslauf",
    page: (i: number, n: number) => `Seite ${i} von ${n}`,
    project: "Projekt",
  },
  en: {
    profile: "Profile",
    experience: "Experience",
    education: "Education",
    skills: "Skills",
    languages: "Languages",
    projects: "Selected projects",
    cv: "Curriculum Vitae",
    page: (i: number, n: number) => `Page ${i} of ${n}`,
    project: "Project",
  },
} as const;

interface Style {
  size: number;
  bold?: boolean;
  gray?: boolean;
  indent?: number;
}

interface Op {
  page: number;
  y: number;
  x: number;
  text: string;
  style: Style;
  rule?: boolean;
}

interface Fonts {
  regular: PDFFont;
  bold: PDFFont;
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const candidate = line ? `${line} ${word}` : word;
    if (font.widthOfTextAtSize(candidate, size) <= width || !line) line = candidate;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Lays text out top to bottom over as many pages as it needs. */
function createFlow(fonts: Fonts) {
  const ops: Op[] = [];
  let page = 0;
  let y = TOP;

  function room(height: number): void {
    if (y - height < BOTTOM) {
      page++;
      y = TOP;
    }
  }
  function line(text: string, style: Style, gap = 0): void {
    const leading = style.size * 1.35;
    if (y !== TOP) y -= gap;
    room(leading);
    y -= leading;
    const font = style.bold ? fonts.bold : fonts.regular;
    ops.push({
      page,
      y,
      x: MARGIN_X + (style.indent ?? 0),
      text: encodableText(text, font),
      style,
    });
  }
  return {
    ops,
    get pages() {
      return page + 1;
    },
    line,
    paragraph(text: string, style: Style, gap = 0): void {
      const font = style.bold ? fonts.bold : fonts.regular;
      const lines = wrap(encodableText(text, font), font, style.size, WIDTH - (style.indent ?? 0));
      lines.forEach((l, i) => line(l, style, i === 0 ? gap : 0));
    },
    bullet(text: string, size: number): void {
      const font = fonts.regular;
      const lines = wrap(encodableText(text, font), font, size, WIDTH - 14);
      lines.forEach((l, i) => line(i === 0 ? `• ${l}` : l, { size, indent: i === 0 ? 4 : 12 }));
    },
    heading(text: string): void {
      y -= 14;
      room(12 * 1.35 + 40);
      line(text, { size: 12, bold: true });
      ops.push({ page, y: y - 4, x: MARGIN_X, text: "", style: { size: 0 }, rule: true });
      y -= 8;
    },
  };
}

function projectItems(cv: SampleCv, index: number): { title: string; bullets: string[] } {
  const skill = cv.skills[index % Math.max(1, cv.skills.length)] ?? "Delivery";
  const job = cv.experience[index % Math.max(1, cv.experience.length)];
  const bullet = job?.bullets[index % Math.max(1, job.bullets.length)] ??
    "Planned, delivered and documented the work with the team.";
  return {
    title: `${index + 1}. ${skill}: ${job?.company ?? "Internal"} (${2012 + (index % 13)})`,
    bullets: [bullet, `Stack: ${cv.skills.slice(0, 4).join(", ")}; outcome documented for review.`],
  };
}

function layout(cv: SampleCv, fonts: Fonts, minPages: number) {
  const words = HEADINGS[cv.lang ?? "en"];
  const flow = createFlow(fonts);
  flow.line(cv.name, { size: 22, bold: true });
  flow.line(cv.headline, { size: 13 }, 4);
  flow.line(`${cv.location} · ${cv.email}`, { size: 10, gray: true }, 2);
  flow.heading(words.profile);
  flow.paragraph(cv.summary, { size: 10.5 });
  flow.heading(words.experience);
  cv.experience.forEach((job, i) => {
    flow.line(`${job.title} — ${job.company}, ${job.city}`, { size: 11, bold: true }, i ? 8 : 0);
    flow.line(`${job.from} – ${job.to}`, { size: 9.5, gray: true }, 1);
    for (const bullet of job.bullets) flow.bullet(bullet, 10);
  });
  flow.heading(words.education);
  for (const line of cv.education) flow.paragraph(line, { size: 10.5 }, 2);
  flow.heading(words.skills);
  flow.paragraph(cv.skills.join(", "), { size: 10.5 });
  flow.heading(words.languages);
  flow.paragraph(cv.languages.join(", "), { size: 10.5 });
  if (flow.pages < minPages) {
    flow.heading(words.projects);
    for (let i = 0; flow.pages < minPages; i++) {
      const item = projectItems(cv, i);
      flow.line(`${words.project} ${item.title}`, { size: 10.5, bold: true }, 6);
      for (const bullet of item.bullets) flow.bullet(bullet, 10);
    }
  }
  return { ops: flow.ops, pages: flow.pages, words };
}

function drawOp(page: PDFPage, op: Op, fonts: Fonts): void {
  if (op.rule) {
    page.drawLine({
      start: { x: MARGIN_X, y: op.y },
      end: { x: MARGIN_X + WIDTH, y: op.y },
      thickness: 0.6,
      color: GRAY,
    });
    return;
  }
  page.drawText(op.text, {
    x: op.x,
    y: op.y,
    size: op.style.size,
    font: op.style.bold ? fonts.bold : fonts.regular,
    color: op.style.gray ? GRAY : rgb(0, 0, 0),
  });
}

/** Renders `cv` as a PDF; the same input always gives the same bytes. */
export async function buildCvPdf(
  cv: SampleCv,
  options: BuildCvPdfOptions = {},
): Promise<Uint8Array> {
  const minPages = options.pages ?? 1;
  if (!Number.isInteger(minPages) || minPages < 1) {
    throw new RangeError(`buildCvPdf: pages must be a positive integer, got ${options.pages}`);
  }
  const lang = cv.lang ?? "en";
  const doc = await createSampleDocument({
    title: `${cv.name} – ${HEADINGS[lang].cv}`,
    author: cv.name,
    subject: cv.headline,
    keywords: cv.skills.slice(0, 8),
    language: lang === "de" ? "de-DE" : "en-GB",
  });
  const fonts = {
    regular: await doc.embedFont(StandardFonts.Helvetica),
    bold: await doc.embedFont(StandardFonts.HelveticaBold),
  };
  const { ops, pages, words } = layout(cv, fonts, minPages);
  const pdfPages = Array.from({ length: pages }, () => doc.addPage(PAGE));
  for (const op of ops) drawOp(pdfPages[op.page], op, fonts);
  pdfPages.forEach((page, i) => {
    const footer = encodableText(
      `${cv.name} · ${words.cv} · ${words.page(i + 1, pages)}`,
      fonts.regular,
    );
    const width = fonts.regular.widthOfTextAtSize(footer, 8);
    page.drawText(footer, {
      x: (PAGE[0] - width) / 2,
      y: 36,
      size: 8,
      font: fonts.regular,
      color: GRAY,
    });
  });
  return await saveSampleDocument(doc, { encrypt: options.encrypt, seed: cv.email });
}
