/**
 * The one normal form of a search label (a title keyword or a location), before any meaning is
 * read into it: Unicode NFKC (full-width letters become plain ones), without control, format,
 * bidirectional or emoji characters, lower case, single spaces, trimmed. The database keeps the
 * same rule (`private.normalize_label`) for rows written by hand;
 * `tests/label_normal_form_test.ts` runs one table of cases through both.
 *
 * @module
 */

/**
 * Characters a label never keeps: C0/C1 controls but tabs and line breaks (white space, collapsed
 * like a space), soft hyphen, the combining grapheme joiner and
 * other format characters, zero-width and bidirectional marks and overrides, the BOM, Hangul
 * fillers (invisible "letters"), variation selectors, tag characters, and emoji, pictographs and
 * other symbols (technical, geometric, dingbats). The SQL copy lists the same ranges.
 */
const STRIPPED =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u0008\u000e-\u001f\u007f-\u009f\u00ad\u034f\u061c\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\u3164\ufe00-\ufe0f\ufeff\u{1f000}-\u{1faff}\u{e0000}-\u{e007f}]/gu;

/**
 * White space a label collapses to one space, the same class in SQL (after NFKC, the other
 * Unicode spaces are plain spaces already).
 */
const SPACES = /[\t\n\v\f\r \u1680\u2028\u2029]+/g;

/** Printable ASCII: nothing to strip, already NFKC, and spaces are the only white space. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/**
 * `text` without the characters a label never keeps, then in NFKC (stripping first: a stripped
 * character between a letter and its combining mark must not keep them apart); case and spacing
 * as they were.
 */
export function plainText(text: string): string {
  return PRINTABLE_ASCII.test(text) ? text : text.replace(STRIPPED, "").normalize("NFKC");
}

/**
 * Lower case as Postgres's `lower()` makes it: one character at a time (no final-sigma rule),
 * and a dotted capital I is a plain i.
 */
function lowerAsSql(text: string): string {
  let out = "";
  for (const char of text) out += char === "\u0130" ? "i" : char.toLowerCase();
  return out;
}

/** The normal form of `text` as a label ("" when nothing is left). */
export function normalLabel(text: string): string {
  // the same rule, without the character-by-character lower case
  if (PRINTABLE_ASCII.test(text)) return text.toLowerCase().replace(/ {2,}/g, " ").trim();
  return lowerAsSql(plainText(text)).replace(SPACES, " ").replace(/^ +| +$/g, "");
}

/** Whether a label names something: it holds at least one letter, in any script. */
export function hasLetter(text: string): boolean {
  return /\p{L}/u.test(text);
}
