/**
 * Small text helpers shared by the fakes: search normalisation, slugs, title case and the date
 * formats the two providers use.
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

/** Folds umlauts and strips other diacritics: `"Zürich Straße"` → `"Zuerich Strasse"`. */
export function transliterate(s: string): string {
  return s
    .replace(/ä/g, "ae").replace(/ö/g, "oe").replace(/ü/g, "ue")
    .replace(/Ä/g, "Ae").replace(/Ö/g, "Oe").replace(/Ü/g, "Ue").replace(/ß/g, "ss")
    .normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

/** Strips diacritics without folding umlauts (`"münchen"` → `"munchen"`), for alias matching. */
export function stripDiacritics(s: string): string {
  return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "");
}

/** Options for {@link slugify}. */
export interface SlugOptions {
  /** Separator between words (default `"-"`). */
  separator?: string;
  /** Keep the letter case (default false: lowercase). */
  keepCase?: boolean;
}

/** A URL slug: ASCII letters and digits joined by the separator. */
export function slugify(s: string, options: SlugOptions = {}): string {
  const separator = options.separator ?? "-";
  const ascii = transliterate(s);
  const words = ascii.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
  const slug = words.join(separator);
  return options.keepCase ? slug : slug.toLowerCase();
}

const ACRONYMS: Record<string, string> = {
  ai: "AI",
  ml: "ML",
  ui: "UI",
  ux: "UX",
  qa: "QA",
  it: "IT",
  sap: "SAP",
  hr: "HR",
  sre: "SRE",
  bi: "BI",
  devops: "DevOps",
  ios: "iOS",
  seo: "SEO",
  crm: "CRM",
  erp: "ERP",
  llm: "LLM",
  nlp: "NLP",
  php: "PHP",
  sql: "SQL",
  aws: "AWS",
  gcp: "GCP",
  b2b: "B2B",
  saas: "SaaS",
};

const CONNECTORS = new Set(["and", "of", "for", "und", "in", "the", "at", "de"]);

/** Title case for a normalised title, keeping acronyms: `"sre lead"` → `"SRE Lead"`. */
export function titleCase(s: string): string {
  return s.split(" ").filter((word) => word.length > 0).map((word, index) =>
    word.split("-").map((part) => {
      const lower = part.toLowerCase();
      if (ACRONYMS[lower]) return ACRONYMS[lower];
      if (index > 0 && CONNECTORS.has(lower)) return lower;
      return part.charAt(0).toUpperCase() + part.slice(1);
    }).join("-")
  ).join(" ");
}

/** ISO-8601 UTC without milliseconds or zone, the Active Jobs DB style: `2026-11-27T06:03:15`. */
export function isoWithoutZone(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** The UTC calendar day of `date` as `YYYY-MM-DD`. */
export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** Midnight UTC of the day that contains `date`. */
export function startOfUtcDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** `1234567` → `"1,234,567"` (English grouping, independent of the host locale). */
export function groupThousands(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}
