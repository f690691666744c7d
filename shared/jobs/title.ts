/**
 * The one normaliser of job titles: {@link roleTitle} reduces a title to the role it names, the
 * same way for the two purposes that read titles:
 *
 * - identity (shared/jobs/identity.ts, `normalizeTitle`): two postings of one role agree, so
 *   "Sr. Data Engineer (m/w/d)", "Senior Data Engineer" and "Senior Data Engineer:in" dedup;
 *   seniority words and team names stay, because a senior and a junior posting, or a platform
 *   and a payments one, are different jobs;
 * - search keywords (shared/cv/search_queries.ts, `normalizeSearchTitle`): a CV's title and a
 *   typed one meet in one combination; seniority words and team names go, because a search for
 *   "data engineer" finds every level and team.
 *
 * The result is in the search label normal form (shared/searches/label.ts); each purpose goes on
 * from there. tests/fixtures/title_cases.ts holds one table of titles with what each purpose
 * makes of them.
 *
 * @module
 */
import { normalLabel, plainText } from "../searches/label.ts";

/**
 * The gender tags job titles carry in Germany and France: (m/w/d), (w/m/d), (f/m/x), (h/f),
 * (m/w/div), (all genders), (gn*).
 */
const GENDER_TAG =
  /\(\s*(?:[mwfdxhi]|div)(?:\s*[/|,]\s*(?:[mwfdxhi]|div)){1,3}\s*\)|\b(?:[mwfdx]\s*\/\s*){2}[mwfdx]\b|\(\s*(?:all|alle)\s+gender[s]?\s*\)|\(\s*gn\s*\*?\s*\)/gi;

/**
 * German gender-inclusive endings: Produktmanager:in, Entwickler*in, Berater/in, Referent_in,
 * ManagerIn. The capital-I form only after the endings of German role nouns, so that LinkedIn
 * or PlugIn keep their last letters.
 */
const GENDER_SUFFIX =
  /(\p{L})(?::|\*|_|\/-?)in(nen)?\b|(er|ent|ant|eur|or|ist|at|og|ar)In(nen)?\b/gu;

/**
 * Title abbreviations, written out. A bare "sen" stays: in "SEN Teacher" it is special
 * educational needs; "sen." is senior.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = {
  "sr": "senior",
  "sr.": "senior",
  "snr": "senior",
  "snr.": "senior",
  "sen.": "senior",
  "jr": "junior",
  "jr.": "junior",
  "mgr": "manager",
  "mgr.": "manager",
  "eng": "engineer",
  "eng.": "engineer",
  "dev": "developer",
  "dev.": "developer",
};

/**
 * An abbreviation as a word of its own: not inside a longer word, a number or a dotted degree
 * ("B.Eng."); with its dot, or without one and not the first part of a hyphenated word
 * ("Dev-Ops" stays).
 */
const ABBREVIATION =
  /(?<![\p{L}\p{N}.])(?:(?:sr|snr|jr|mgr|eng|dev)(?:\.|(?![\p{L}\p{N}-]))|sen\.)(?![\p{L}\p{N}])/gu;

/** A level abbreviation hyphenated to the next word: "Sr-Data Engineer", "Jr-Developer". */
const HYPHENATED_LEVEL = /(?<![\p{L}\p{N}.])(sr|snr|jr)-(?=\p{L})/gu;

/** A dotted abbreviation glued to the next word: "sr.data engineer". */
const GLUED_ABBREVIATION = /(?<![\p{L}\p{N}.])(sr|snr|sen|jr|mgr|eng|dev)\.(?=\p{L})/gu;

/**
 * A job title as the role it names, in label normal form: without gender tags and
 * gender-inclusive endings, abbreviations written out ("Sr." → senior, "Mgr" → manager).
 * Seniority words, team names and punctuation stay.
 *
 * "Sr. Data Engineer (m/w/d)" → "senior data engineer"; "Produktmanager:in" →
 * "produktmanager"; "Jr.-Dev, B2B" → "junior-developer, b2b".
 */
export function roleTitle(title: string): string {
  // full-width letters, bidi marks and emoji go first, so that every rule below sees plain text
  const plain = plainText(title);
  // every gender tag has a parenthesis or a slash
  const untagged = (/[(/]/.test(plain) ? plain.replace(GENDER_TAG, " ") : plain)
    .replace(GENDER_SUFFIX, "$1$3");
  return normalLabel(untagged)
    .replace(GLUED_ABBREVIATION, "$1. ")
    .replace(HYPHENATED_LEVEL, "$1 ")
    .replace(ABBREVIATION, (word) => ABBREVIATIONS[word]);
}
