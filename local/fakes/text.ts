/**
 * Small text helpers shared by the fakes: search normalisation, slugs, title case and the date
 * format Active Jobs DB uses.
 *
 * @module
 */

/**
 * Normalises a search title or location for comparison: trims, strips surrounding double quotes,
 * lowercases and collapses whitespace. `"  Data   Engineer "` and `data engineer` are equal.
 */
export function normalizeSearchText(s: string): string {
  let text = s.trim();
  while (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    text = text.slice(1, -1).trim();
  }
  return text.toLowerCase().replace(/\s+/g, " ");
}

/** A URL slug: ASCII letters and digits joined by `-`, umlauts folded (`ü` → `ue`). */
export function slugify(s: string, options: { keepCase?: boolean } = {}): string {
  const folded = s.replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue").replace(/ß/g, "ss")
    .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  const slug = folded.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0).join("-");
  return options.keepCase ? slug : slug.toLowerCase();
}

const ACRONYMS = new Map(
  ["AI", "ML", "UI", "UX", "QA", "IT", "SAP", "HR", "SRE", "BI", "DevOps", "iOS", "SEO", "CRM"]
    .map((word) => [word.toLowerCase(), word]),
);
const CONNECTORS = new Set(["and", "of", "for", "und", "in", "the", "at"]);

/** Title case for a normalised title, keeping acronyms: `"sre lead"` → `"SRE Lead"`. */
export function titleCase(s: string): string {
  return s.split(" ").filter((word) => word.length > 0).map((word, index) =>
    word.split("-").map((part) => {
      const lower = part.toLowerCase();
      if (ACRONYMS.has(lower)) return ACRONYMS.get(lower);
      if (index > 0 && CONNECTORS.has(lower)) return lower;
      return part.charAt(0).toUpperCase() + part.slice(1);
    }).join("-")
  ).join(" ");
}

/** ISO-8601 UTC without milliseconds or zone, the Active Jobs DB style: `2026-11-27T06:03:15`. */
export function isoWithoutZone(date: Date): string {
  return date.toISOString().slice(0, 19);
}
