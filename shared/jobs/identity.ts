/**
 * Job identity across providers, cheapest key first:
 *   1. provider + provider id (`job_sources`),
 *   2. the canonical apply URL (tracking parameters stripped),
 *   3. a strict fingerprint: normalised title | company | location,
 *   4. a loose fingerprint (title | company), used only when one side's location is coarse
 *      (a country only, or "Remote").
 * This module is the only place those keys are computed; SQL compares them.
 *
 * @module
 */
import { findCity, findCountry } from "../geo/places.ts";
import type { CanonicalJob } from "./canonical_job.ts";
import { roleTitle } from "./title.ts";

/** The identity keys of one posting. */
export interface JobIdentity {
  canonicalUrl: string | null;
  fingerprint: string;
  looseFingerprint: string;
  /** The location says no more than a country, or only "Remote". */
  locationIsCoarse: boolean;
}

/** Query parameters that only track where a click came from. */
const TRACKING_PARAMS = new Set([
  "gclid",
  "fbclid",
  "msclkid",
  "dclid",
  "yclid",
  "mc_cid",
  "mc_eid",
  "_hsenc",
  "_hsmi",
  "gh_src",
  "src",
  "source",
  "ref",
  "refid",
  "referrer",
  "trk",
  "trackingid",
  "tracking_id",
  "lever-source",
  "lever-origin",
  "lever-source[]",
  "jobpipeline",
  "ccuid",
  "cmp",
  "campaign",
  "sid",
  "_ga",
  "_gl",
]);

function isTrackingParam(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.startsWith("utm_") || TRACKING_PARAMS.has(lower);
}

/**
 * The apply URL with everything that varies between copies of one link removed: scheme (always
 * https), `www.`/`m.` host prefixes, default ports, fragments (except `#/` and `#!` routes of
 * single-page career sites), tracking parameters, parameter order and a trailing slash.
 *
 * Returns null for anything that cannot identify one posting: not http(s), longer than 2,000
 * characters, or without a digit in its path, query or route — a generic careers page such as
 * `https://acme.com/careers` is the apply link of every job there.
 */
export function canonicalUrl(url: string | null | undefined): string | null {
  if (!url || url.length > 2000) return null;
  const trimmed = url.trim();
  const parts = plainUrlParts(trimmed) ?? parsedUrlParts(trimmed);
  if (!parts) return null;
  const host = parts.host.toLowerCase().replace(/^(www\d?|m)\./, "");
  const params = parts.params
    .filter(([name]) => !isTrackingParam(name))
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1));
  const query = params.length
    ? "?" + params.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&")
    : "";
  let path = parts.path.replace(/\/{2,}/g, "/");
  if (path.length > 1) path = path.replace(/\/+$/, "");
  if (path === "/") path = "";
  const route = /^#[/!]/.test(parts.hash) ? parts.hash : "";
  if (!/\d/.test(path + query + route)) return null;
  return `https://${host}${path}${query}${route}`;
}

/** What {@link canonicalUrl} keeps of a parsed URL. */
interface UrlParts {
  host: string;
  /** "/" at least. */
  path: string;
  /** Query parameters, decoded, in order. */
  params: [string, string][];
  /** The fragment with its "#", or "". */
  hash: string;
}

/** An http(s) URL parsed as the URL standard parses it (the general case). */
function parsedUrlParts(url: string): UrlParts | null {
  const parsed = URL.parse(url);
  if (!parsed || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) return null;
  return {
    host: parsed.hostname,
    path: parsed.pathname,
    params: parsed.search === "" ? [] : [...parsed.searchParams.entries()],
    hash: parsed.hash,
  };
}

/**
 * An http(s) URL made only of characters the URL standard keeps as they are: a host name of
 * ASCII labels ending in a letter label (no IP address, no punycode), no port, user or
 * fragment, a path of unreserved characters without dot segments, and a query without "%" or
 * "+". Most apply links are like this; parsing them by hand gives what {@link parsedUrlParts}
 * gives, in a fraction of the time (a test holds the two to each other). Anything else: null.
 */
const PLAIN_URL =
  /^https?:\/\/((?:[a-z0-9-]+\.)+[a-z][a-z0-9-]*)(\/[\w\-.~/]*)?(?:\?([\w\-.~=&]*))?$/i;

function plainUrlParts(url: string): UrlParts | null {
  const match = PLAIN_URL.exec(url);
  if (!match) return null;
  const [, host, path = "/", query = ""] = match;
  if (/(?:^|\.)xn--/i.test(host) || /\/\.{1,2}(?=\/|$)/.test(path)) return null;
  const params: [string, string][] = [];
  for (const piece of query.split("&")) {
    if (piece === "") continue;
    const eq = piece.indexOf("=");
    params.push(eq < 0 ? [piece, ""] : [piece.slice(0, eq), piece.slice(eq + 1)]);
  }
  return { host, path, params, hash: "" };
}

/** Printable ASCII only: no diacritics to fold and no letters beyond a-z. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Lower-case words in any script: Latin diacritics folded, punctuation turned into spaces. */
function words(text: string): string {
  // the same result for ASCII text, without Unicode normalisation and property classes
  if (PRINTABLE_ASCII.test(text)) {
    return text
      .toLowerCase()
      .replace(/&/g, " and ")
      .replace(/[^a-z0-9+#]+/g, " ")
      .trim();
  }
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/ß/g, "ss")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}+#]+/gu, " ")
    .trim()
    .replace(/\s+/g, " ");
}

/** A small memo for normalisers: titles and company names repeat across a batch. */
function memoize(fn: (text: string) => string): (text: string) => string {
  const cache = new Map<string, string>();
  return (text) => {
    let value = cache.get(text);
    if (value === undefined) {
      if (cache.size >= 20_000) cache.clear();
      value = fn(text);
      cache.set(text, value);
    }
    return value;
  };
}

const normalizeTitleMemo = memoize(normalizeTitleUncached);
const normalizeCompanyMemo = memoize(normalizeCompanyUncached);
const cityKeyMemo = memoize((city) => words(findCity(city)?.name ?? city));

/**
 * A job title reduced to what identifies the role: the role it names (shared/jobs/title.ts:
 * gender tags and endings dropped, abbreviations written out) as words, so punctuation and
 * diacritics do not tell two copies of a posting apart. Seniority words stay.
 */
export function normalizeTitle(title: string): string {
  return normalizeTitleMemo(title);
}

function normalizeTitleUncached(title: string): string {
  return words(roleTitle(title));
}

/** Legal forms, longest first; stripped from the end of company names, repeatedly. */
const LEGAL_SUFFIXES = [
  "gmbh and co kgaa",
  "gmbh and co kg",
  "ag and co kgaa",
  "ag and co kg",
  "se and co kgaa",
  "se and co kg",
  "ug haftungsbeschrankt",
  "sp z o o",
  "s a r l",
  "gmbh",
  "mbh",
  "kgaa",
  "ag",
  "se",
  "kg",
  "ug",
  "ohg",
  "gbr",
  "ev",
  "e v",
  "ltd",
  "limited",
  "inc",
  "incorporated",
  "llc",
  "llp",
  "plc",
  "corp",
  "corporation",
  "co",
  "company",
  "bv",
  "b v",
  "nv",
  "n v",
  "sa",
  "sas",
  "sarl",
  "srl",
  "spa",
  "sl",
  "ab",
  "as",
  "oy",
  "aps",
  "lda",
  "group",
  "holding",
];

/** A company name without its legal form: "Zalando SE", "zalando" and "Zalando" agree. */
export function normalizeCompany(company: string | null | undefined): string {
  return company ? normalizeCompanyMemo(company) : "";
}

function normalizeCompanyUncached(company: string): string {
  let normalized = words(company);
  let changed = true;
  while (changed && normalized) {
    changed = false;
    for (const suffix of LEGAL_SUFFIXES) {
      if (normalized === suffix) break;
      if (normalized.endsWith(" " + suffix)) {
        normalized = normalized.slice(0, -suffix.length - 1).trim();
        changed = true;
        break;
      }
    }
  }
  return normalized;
}

/** The city key: known cities by their one name in any language, others by their words. */
function cityKey(city: string | null): string {
  return city ? cityKeyMemo(city) : "";
}

/** The country code for a code or a name, or null. */
function countryKey(country: string | null): string {
  if (!country) return "";
  return findCountry(country)?.code ?? country.toUpperCase();
}

/** The identity keys of a canonical job. */
export function jobIdentity(job: CanonicalJob): JobIdentity {
  const title = normalizeTitle(job.title);
  const company = normalizeCompany(job.company);
  const city = cityKey(job.location.city);
  const country = countryKey(job.location.country);
  const locationIsCoarse = city === "";
  const location = locationIsCoarse
    ? (country || (job.workArrangement === "Remote Solely" ? "remote" : ""))
    : `${city}/${country}`;
  // Without a title or an employer, two postings have nothing to be compared by: the posting
  // is only itself (a fingerprint no other posting can share).
  const own = title === "" || company === "" ? `~${job.provider}:${job.providerJobId}` : null;
  return {
    canonicalUrl: canonicalUrl(job.applyUrl),
    fingerprint: own ?? `${title}|${company}|${location}`,
    looseFingerprint: own ?? `${title}|${company}`,
    locationIsCoarse,
  };
}
