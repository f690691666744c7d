/**
 * The one normal form of a search label (a title keyword or a location), before any meaning is
 * read into it: Unicode NFKC (full-width letters become plain ones), without control, format,
 * bidirectional or emoji characters, lower case, single spaces, trimmed. The database keeps the
 * same rule (`private.normalize_label`, migration `..._label_normal_form.sql`) for rows written
 * by hand; `tests/label_normal_form_test.ts` holds the two to the same answers.
 *
 * @module
 */

/**
 * Characters a label never keeps: C0/C1 controls, soft hyphen and other format characters,
 * zero-width and bidirectional marks and overrides, the BOM, variation selectors, and emoji and
 * pictographic symbols. The SQL copy lists the same ranges.
 */
const STRIPPED =
  // deno-lint-ignore no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufe0e\ufe0f\u2600-\u27bf\u{1f000}-\u{1faff}]/gu;

/** `text` in NFKC without the characters a label never keeps; case and spacing as they were. */
export function plainText(text: string): string {
  return text.normalize("NFKC").replace(STRIPPED, "");
}

/** The normal form of `text` as a label ("" when nothing is left). */
export function normalLabel(text: string): string {
  return plainText(text).toLowerCase().replace(/\s+/g, " ").trim();
}

/** Whether a label names something: it holds at least one letter, in any script. */
export function hasLetter(text: string): boolean {
  return /\p{L}/u.test(text);
}
