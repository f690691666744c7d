/**
 * What the fake Claude answers for a CV: the profile of a sample CV (looked up by the
 * PDF's SHA-256 in `local/samples/profiles.json`), else a short reading of the PDF's text — the
 * first job title of a small list and the first city of the product's place table — else "not a
 * CV" with the reason. Every answer is a profile of the product's own schema.
 *
 * @module
 */
import {
  decodePDFRawStream,
  PDFArray,
  PDFContentStream,
  type PDFDocument,
  PDFRawStream,
  PDFStream,
} from "pdf-lib";
import { z } from "zod";
import { CITIES, countryByCode, findCity } from "../../shared/geo/places.ts";
import { type CvProfile, cvProfileSchema } from "../../shared/cv/profile.ts";
import type { Seniority } from "../../shared/vocabulary.ts";
import recordings from "../samples/profiles.json" with { type: "json" };

/** How an answer was made: a recorded profile, a reading of the text, or "not a CV". */
export type CvAnswerSource = "recorded" | "read" | "not_cv";

const recordedSchema = z.record(
  z.string().regex(/^[0-9a-f]{64}$/, "keys are SHA-256 hashes of the PDFs, in lower-case hex"),
  z.object({ file: z.string(), profile: cvProfileSchema }),
);

function loadRecordings(): Map<string, CvProfile> {
  const parsed = recordedSchema.safeParse(recordings);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `local/samples/profiles.json at ${issue.path.join(".")}: ${issue.message}. Make each ` +
        "profile match shared/cv/profile.ts (written by hand in the shape of a Claude answer).",
    );
  }
  return new Map(Object.entries(parsed.data).map(([hash, entry]) => [hash, entry.profile]));
}

const RECORDED = loadRecordings();

/** Job titles the reader knows, with an optional seniority word before them. */
const TITLE = new RegExp(
  String.raw`\b(?:(senior|sr\.|junior|jr\.|lead|principal)\s+)?(` + [
    "data engineer",
    "data scientist",
    "data analyst",
    "analytics engineer",
    "software engineer",
    "software developer",
    "backend developer",
    "frontend developer",
    "full stack developer",
    "devops engineer",
    "product manager",
    "product owner",
    "project manager",
    "ux designer",
    "ui designer",
    "softwareentwickler",
  ].join("|") + String.raw`)\b`,
  "i",
);

const SENIORITY: Record<string, Seniority> = {
  senior: "5-10",
  "sr.": "5-10",
  junior: "0-2",
  "jr.": "0-2",
  lead: "10+",
  principal: "10+",
};

const CITY_NAMES = CITIES.flatMap((city) => [city.name, ...city.aliases])
  .sort((a, b) => b.length - a.length)
  .map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
const CITY = new RegExp(`(?<!\\p{L})(${CITY_NAMES.join("|")})(?!\\p{L})`, "iu");

const WIN_ANSI = new TextDecoder("windows-1252");
/** Literal-string escapes; a backslash before a line break continues the line. */
const ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", b: "\b", f: "\f", "\n": "" };

/** A PDF string operand (`<48656c6c6f>` or `(Hello)`, read as WinAnsi) as text. */
function pdfString(operand: string): string {
  if (operand.startsWith("(")) {
    return operand.slice(1, -1).replace(
      /\\([0-7]{1,3}|.)/gs,
      (_, c: string) =>
        /^[0-7]/.test(c) ? WIN_ANSI.decode(Uint8Array.of(parseInt(c, 8) & 0xff)) : ESCAPES[c] ?? c,
    );
  }
  const hex = operand.slice(1, -1).replace(/\s/g, "");
  return WIN_ANSI.decode(Uint8Array.from(hex.match(/../g) ?? [], (pair) => parseInt(pair, 16)));
}

const STRING = String.raw`<[0-9A-Fa-f\s]*>|\((?:\\.|[^\\)])*\)`;
const SHOW = new RegExp(String.raw`(${STRING})\s*Tj|\[((?:${STRING}|[^\]<(])*)\]\s*TJ`, "gs");

function streamText(stream: unknown): string {
  let bytes: Uint8Array;
  try {
    if (stream instanceof PDFRawStream) bytes = decodePDFRawStream(stream).decode();
    else if (stream instanceof PDFContentStream) bytes = stream.getUnencodedContents();
    else return "";
  } catch {
    return ""; // a filter pdf-lib cannot decode: no text from this stream
  }
  const content = WIN_ANSI.decode(bytes);
  return [...content.matchAll(SHOW)].map(([, single, array]) =>
    single ? pdfString(single) : [...array.matchAll(new RegExp(STRING, "g"))]
      .map(([operand]) => pdfString(operand)).join("")
  ).join("\n");
}

/**
 * The text that `Tj` and `TJ` show on the document's pages, decoded as WinAnsi (what the standard
 * fonts use); composite fonts come out as noise, which finds no title.
 */
export function pdfText(doc: PDFDocument): string {
  return doc.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray
      ? contents.asArray().map((ref) => doc.context.lookup(ref))
      : [contents];
    return streams.filter((s) => s instanceof PDFStream).map(streamText).join("\n");
  }).join("\n");
}

const NOTHING = {
  years_experience: null,
  work_arrangements: [],
  employment_types: [],
  industries: [],
  skills: [],
  languages: [],
} as const;

/** A profile from the text alone: its first known title and first known city. */
export function readCvText(text: string): { profile: CvProfile; source: CvAnswerSource } {
  const title = TITLE.exec(text);
  if (!title) {
    const not_cv_reason = text.trim() === ""
      ? "it has no text layer, like a scanned image"
      : "none of the job titles the local Claude fake knows appears in its text";
    const profile = { is_cv: false, not_cv_reason, summary: "", job_titles: [], locations: [] };
    return { profile: cvProfileSchema.parse({ ...profile, ...NOTHING }), source: "not_cv" };
  }
  const city = findCity(CITY.exec(text)?.[1]);
  const place = city ? `${city.name}, ${countryByCode(city.country)?.name}` : null;
  const profile = {
    is_cv: true,
    not_cv_reason: null,
    summary: `${title[0]}${place ? ` in ${place}` : ""}: what the local Claude fake reads in a CV.`,
    job_titles: [{
      title: title[0],
      seniority: SENIORITY[title[1]?.toLowerCase() ?? ""] ?? "2-5",
      fit: "primary",
    }],
    locations: place ? [{ place, preference: "preferred" }] : [],
  };
  return { profile: cvProfileSchema.parse({ ...profile, ...NOTHING }), source: "read" };
}

/** The fake's answer for a checked PDF: recorded for a sample CV, else read from its text. */
export async function answerCv(
  pdf: Uint8Array<ArrayBuffer>,
  doc: PDFDocument,
): Promise<{ profile: CvProfile; source: CvAnswerSource }> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", pdf));
  const hash = [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  const recorded = RECORDED.get(hash);
  return recorded ? { profile: recorded, source: "recorded" } : readCvText(pdfText(doc));
}
