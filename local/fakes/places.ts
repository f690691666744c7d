/**
 * Where the fake world's postings are: the product's own place table (`shared/geo/places.ts`),
 * with what the world adds per country (currency, pay level, the share of ads written in German),
 * and how a searched location becomes a scope of cities.
 *
 * @module
 */
import { CITIES, type City, COUNTRIES, resolvePlace } from "../../shared/geo/places.ts";
import { normalizeSearchText, titleCase } from "./text.ts";

/** A country the fake world knows. */
export interface Country {
  /** ISO 3166-1 alpha-2, upper case. */
  code: string;
  /** English name, as both providers print it. */
  name: string;
  /** ISO 4217 code of the pay the postings state. */
  currency: string;
  /** Pay in `currency` for one euro of German pay. */
  payFactor: number;
  /** The share of postings written in German. */
  germanShare: number;
}

/** Code, currency and pay level (pay in that currency for one euro of German pay); else EUR 1. */
const PAY = new Map(
  `CH CHF 1.4 | GB GBP 0.85 | PL PLN 2.2 | CZ CZK 12.5 | SE SEK 10.5 | DK DKK 8.2 | NO NOK 11.5
   HU HUF 190 | RO RON 2.5 | US USD 1.7 | CA CAD 1.9 | ES EUR 0.7 | PT EUR 0.55 | IT EUR 0.7`
    .split(/\s*[|\n]\s*/).map((entry) => entry.trim().split(" "))
    .map(([code, currency, level]) => [code, [currency, Number(level)] as const]),
);
const GERMAN_SHARE: Readonly<Record<string, number>> = { DE: 0.65, AT: 0.7, CH: 0.5 };

/** Every country of the product's table. */
export const COUNTRY_NAMES: readonly string[] = COUNTRIES.map((c) => c.name);

/** The country of an ISO-2 code the product's table knows; others fall back to Germany. */
export function countryOf(code: string): Country {
  const known = COUNTRIES.find((c) => c.code === code.toUpperCase()) ?? COUNTRIES[0];
  const [currency, payFactor] = PAY.get(known.code) ?? ["EUR", 1];
  const germanShare = GERMAN_SHARE[known.code] ?? 0;
  return { code: known.code, name: known.name, currency, payFactor, germanShare };
}

/** A city of a scope: its name and region. */
export type Place = Pick<City, "name"> & { region: string | null };

/** What a searched location means to the fake world. */
export interface LocationScope {
  /** Stable key: every spelling of one place shares it (`city:munich`). */
  key: string;
  /** Cities postings may be in, most postings first; null: the country, no city named. */
  places: readonly (Place | null)[];
  country: Country;
  /** The location names "Remote": every posting is remote. */
  remoteOnly: boolean;
}

/**
 * Resolves a searched location with the product's rules: a known city (`München` = `Munich`), a
 * country (`Deutschland`, spread over its cities), `Remote` (Germany, remote only), or text the
 * tables do not know: a place in Germany named after it, so every search yields postings.
 */
export function resolveLocation(location: string): LocationScope {
  const text = normalizeSearchText(location);
  const { city, country, remote } = resolvePlace(text);
  const scope = (key: string, places: (Place | null)[], code: string) => ({
    key: `${key}${remote ? "|remote" : ""}`,
    places,
    country: countryOf(code),
    remoteOnly: remote,
  });
  const citiesOf = (code: string) => CITIES.filter((c) => c.country === code);
  if (city) return scope(`city:${city.name.toLowerCase()}`, [city], city.country);
  if (country) {
    const cities = citiesOf(country.code);
    return scope(`country:${country.code}`, cities.length > 0 ? cities : [null], country.code);
  }
  if (remote || text === "") return scope("country:DE", citiesOf("DE"), "DE");
  return scope(`unknown:${text}`, [{ name: titleCase(text.split(",")[0]), region: null }], "DE");
}
