/**
 * Line-level helpers of the fake CV reader: cleaning extracted lines, finding section headings,
 * job-title phrases, date ranges and the cities of the fake world a line mentions.
 *
 * @module
 */
import { COUNTRIES, type Place, PLACES } from "./places.ts";
import { stripDiacritics } from "./text.ts";
import {
  type CvSection,
  ROLE_NOUNS,
  SECTION_HEADINGS,
  type Seniority,
  SENIORITY_PREFIXES,
} from "./cv_vocabulary.ts";

/** A bullet, dash or dot that opens a list item. */
export const BULLET = /^[•·▪‣\-*–]\s+/;

const FOOTER = /(^|\s)(seite|page)\s+\d+\s+(von|of|\/)\s+\d+\s*$/i;

/** Trimmed, non-empty lines of `text`, without running page footers (`Seite 1 von 2`). */
export function cleanLines(text: string): string[] {
  return text.split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, " ").trim())
    .filter((line) => line.length > 0 && !FOOTER.test(line));
}

/** The section a heading line opens, if it is one (short, and starts with a known heading). */
export function sectionOf(line: string): CvSection | undefined {
  if (line.length > 60 || BULLET.test(line)) return undefined;
  return SECTION_HEADINGS.find(([pattern]) => pattern.test(line))?.[1];
}

/** Lowercase, diacritics stripped, whitespace collapsed: for comparing words. */
export function foldText(text: string): string {
  return stripDiacritics(text.toLowerCase()).replace(/\s+/g, " ").trim();
}

const ROLE_END = new RegExp(`(${ROLE_NOUNS.join("|")})(in|innen)?$`, "i");
const TITLE_WORD = /^[A-ZÄÖÜ0-9][\p{L}0-9/&+.-]*$/u;
const SEPARATORS = /\s+(?:—|–|\||@|at|bei)\s+|\s+-\s+/;

/** A job title, split into its seniority prefix and its base. */
export interface TitleParts {
  /** The title as written, e.g. `Sr. Backend Developer`. */
  title: string;
  /** Without the seniority prefix, e.g. `Backend Developer`. */
  base: string;
  /** The seniority the prefix states, if any. */
  seniority: Seniority | null;
}

/**
 * Reads `phrase` as a job title: one to five capitalised words, the last ending in a role noun
 * (`Engineer`, `Designer`, `Entwickler`, `Produktmanagerin` …), after an optional seniority
 * prefix (`Senior`, `Sr.`, `Werkstudent` …).
 */
export function parseTitle(phrase: string): TitleParts | undefined {
  const title = phrase.replace(/\s+/g, " ").trim();
  let base = title;
  let seniority: Seniority | null = null;
  for (const [pattern, level] of SENIORITY_PREFIXES) {
    if (pattern.test(base)) {
      base = base.replace(pattern, "");
      seniority = level;
      break;
    }
  }
  const words = base.split(" ");
  if (words.length < 1 || words.length > 5) return undefined;
  if (!words.every((word) => TITLE_WORD.test(word))) return undefined;
  if (!ROLE_END.test(words[words.length - 1])) return undefined;
  return { title, base, seniority };
}

/** A line that names a role: the title before the first separator, and what follows it. */
export interface TitleLine {
  parts: TitleParts;
  /** Text after the separator (`Company, City`), or null. */
  rest: string | null;
}

/** Reads `line` as `Title — Company, City` (or `Title | …`, `Title at …`, or a bare title). */
export function parseTitleLine(line: string): TitleLine | undefined {
  if (BULLET.test(line)) return undefined;
  const match = SEPARATORS.exec(line);
  const head = match ? line.slice(0, match.index) : line;
  const parts = parseTitle(head);
  if (!parts) return undefined;
  const rest = match ? line.slice(match.index + match[0].length).trim() : null;
  return { parts, rest: rest || null };
}

/** A span of work, as `YYYY-MM` strings; `to` null means ongoing. */
export interface DateRange {
  from: string;
  to: string | null;
}

const MONTH_YEAR = String.raw`(?:(\d{1,2})[./])?((?:19|20)\d{2})`;
const ONGOING = String.raw`(heute|today|present|now|aktuell|current|jetzt|dato)`;
const RANGE = new RegExp(
  `${MONTH_YEAR}\\s*(?:–|—|-|bis|to|until)\\s*(?:${MONTH_YEAR}|${ONGOING})`,
  "i",
);

function yearMonth(month: string | undefined, year: string, fallbackMonth: number): string {
  const m = month ? Math.min(12, Math.max(1, Number(month))) : fallbackMonth;
  return `${year}-${String(m).padStart(2, "0")}`;
}

/** The first date range in `line` (`03/2019 – heute`, `2015 - 2019`), if any. */
export function parseDateRange(line: string): DateRange | undefined {
  const match = RANGE.exec(line);
  if (!match) return undefined;
  const [, fromMonth, fromYear, toMonth, toYear] = match;
  return {
    from: yearMonth(fromMonth, fromYear, 1),
    to: toYear ? yearMonth(toMonth, toYear, 12) : null,
  };
}

/** A city of the fake world found in a text. */
export interface FoundPlace {
  place: Place;
  /** English country name, e.g. `Germany`. */
  country: string;
}

const PLACE_MATCHERS = PLACES.map((place) => {
  const names = [...new Set([place.city, ...place.aliases].map(foldText))];
  const escaped = names.map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  return { place, pattern: new RegExp(`(^|[^\\p{L}])(${escaped.join("|")})(?=$|[^\\p{L}])`, "u") };
});

/** Cities of the fake world `text` mentions (`München` finds Munich), in order of mention. */
export function findPlaces(text: string): FoundPlace[] {
  const folded = foldText(text);
  const hits: { index: number; found: FoundPlace }[] = [];
  for (const { place, pattern } of PLACE_MATCHERS) {
    const match = pattern.exec(folded);
    if (match) {
      const country = COUNTRIES[place.country]?.name ?? place.country;
      hits.push({ index: match.index, found: { place, country } });
    }
  }
  return hits.sort((a, b) => a.index - b.index).map((hit) => hit.found);
}
