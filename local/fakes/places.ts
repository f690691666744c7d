/**
 * The fake's own geography: countries and cities that searched locations resolve to, with the
 * names, regions, coordinates and time zones both fake providers print.
 *
 * @module
 */
import { normalizeSearchText, stripDiacritics, titleCase } from "./text.ts";

/** A country the fake world knows. */
export interface Country {
  /** ISO 3166-1 alpha-2, upper case. */
  code: string;
  /** English name, as Active Jobs DB prints it in `countries_derived`. */
  name: string;
  /** Other names a search may use (normalised, lower case). */
  aliases: readonly string[];
  /** Posting language mix: the share of postings written in German. */
  germanShare: number;
  currency: string;
  timezone: string;
  latitude: number;
  longitude: number;
  /** Host of the country's Indeed site, e.g. `de.indeed.com`. */
  indeedHost: string;
  /** Primary language code, as JSearch echoes it by default. */
  language: string;
  /** True for European countries, the pool of "Remote" searches. */
  european: boolean;
}

/** A city the fake world knows. */
export interface Place {
  /** English name, e.g. `Munich`. */
  city: string;
  /** Other names a search may use (normalised, lower case), e.g. `münchen`. */
  aliases: readonly string[];
  /** Full state or region name, e.g. `Bavaria`. */
  region: string | null;
  /** County or district, as `counties_derived` prints it. */
  county: string | null;
  /** ISO-2 country code. */
  country: string;
  latitude: number;
  longitude: number;
  /** IANA time zone when it differs from the country's. */
  timezone?: string;
}

function country(
  code: string,
  name: string,
  aliases: string[],
  rest: Omit<Country, "code" | "name" | "aliases">,
): Country {
  return { code, name, aliases, ...rest };
}

const EU = { european: true } as const;

/** Every country the fake knows, keyed by ISO-2 code. */
export const COUNTRIES: Readonly<Record<string, Country>> = Object.fromEntries([
  country("DE", "Germany", ["deutschland", "brd"], {
    ...EU,
    germanShare: 0.65,
    currency: "EUR",
    timezone: "Europe/Berlin",
    latitude: 51.1657,
    longitude: 10.4515,
    indeedHost: "de.indeed.com",
    language: "de",
  }),
  country("NL", "Netherlands", ["the netherlands", "nederland", "holland"], {
    ...EU,
    germanShare: 0,
    currency: "EUR",
    timezone: "Europe/Amsterdam",
    latitude: 52.1326,
    longitude: 5.2913,
    indeedHost: "nl.indeed.com",
    language: "nl",
  }),
  country("AT", "Austria", ["österreich", "oesterreich"], {
    ...EU,
    germanShare: 0.7,
    currency: "EUR",
    timezone: "Europe/Vienna",
    latitude: 47.5162,
    longitude: 14.5501,
    indeedHost: "at.indeed.com",
    language: "de",
  }),
  country("CH", "Switzerland", ["schweiz", "suisse", "svizzera"], {
    ...EU,
    germanShare: 0.5,
    currency: "CHF",
    timezone: "Europe/Zurich",
    latitude: 46.8182,
    longitude: 8.2275,
    indeedHost: "ch.indeed.com",
    language: "de",
  }),
  country("FR", "France", [], {
    ...EU,
    germanShare: 0,
    currency: "EUR",
    timezone: "Europe/Paris",
    latitude: 46.2276,
    longitude: 2.2137,
    indeedHost: "fr.indeed.com",
    language: "fr",
  }),
  country("ES", "Spain", ["españa", "espana"], {
    ...EU,
    germanShare: 0,
    currency: "EUR",
    timezone: "Europe/Madrid",
    latitude: 40.4637,
    longitude: -3.7492,
    indeedHost: "es.indeed.com",
    language: "es",
  }),
  country("PT", "Portugal", [], {
    ...EU,
    germanShare: 0,
    currency: "EUR",
    timezone: "Europe/Lisbon",
    latitude: 39.3999,
    longitude: -8.2245,
    indeedHost: "pt.indeed.com",
    language: "pt",
  }),
  country("IE", "Ireland", ["éire"], {
    ...EU,
    germanShare: 0,
    currency: "EUR",
    timezone: "Europe/Dublin",
    latitude: 53.1424,
    longitude: -7.6921,
    indeedHost: "ie.indeed.com",
    language: "en",
  }),
  country("GB", "United Kingdom", ["great britain", "england", "britain"], {
    ...EU,
    germanShare: 0,
    currency: "GBP",
    timezone: "Europe/London",
    latitude: 55.3781,
    longitude: -3.436,
    indeedHost: "uk.indeed.com",
    language: "en",
  }),
  country("PL", "Poland", ["polska"], {
    ...EU,
    germanShare: 0,
    currency: "PLN",
    timezone: "Europe/Warsaw",
    latitude: 51.9194,
    longitude: 19.1451,
    indeedHost: "pl.indeed.com",
    language: "pl",
  }),
  country("CZ", "Czechia", ["czech republic", "česko", "tschechien"], {
    ...EU,
    germanShare: 0,
    currency: "CZK",
    timezone: "Europe/Prague",
    latitude: 49.8175,
    longitude: 15.473,
    indeedHost: "cz.indeed.com",
    language: "cs",
  }),
  country("SE", "Sweden", ["sverige"], {
    ...EU,
    germanShare: 0,
    currency: "SEK",
    timezone: "Europe/Stockholm",
    latitude: 60.1282,
    longitude: 18.6435,
    indeedHost: "se.indeed.com",
    language: "sv",
  }),
  country("DK", "Denmark", ["danmark"], {
    ...EU,
    germanShare: 0,
    currency: "DKK",
    timezone: "Europe/Copenhagen",
    latitude: 56.2639,
    longitude: 9.5018,
    indeedHost: "dk.indeed.com",
    language: "da",
  }),
  country("BE", "Belgium", ["belgië", "belgique"], {
    ...EU,
    germanShare: 0,
    currency: "EUR",
    timezone: "Europe/Brussels",
    latitude: 50.5039,
    longitude: 4.4699,
    indeedHost: "be.indeed.com",
    language: "nl",
  }),
  country("IT", "Italy", ["italia"], {
    ...EU,
    germanShare: 0,
    currency: "EUR",
    timezone: "Europe/Rome",
    latitude: 41.8719,
    longitude: 12.5674,
    indeedHost: "it.indeed.com",
    language: "it",
  }),
  country("US", "United States", ["usa", "united states of america", "america"], {
    european: false,
    germanShare: 0,
    currency: "USD",
    timezone: "America/New_York",
    latitude: 37.0902,
    longitude: -95.7129,
    indeedHost: "www.indeed.com",
    language: "en",
  }),
].map((c) => [c.code, c]));

function place(
  city: string,
  aliases: string[],
  region: string | null,
  county: string | null,
  where: [country: string, latitude: number, longitude: number, timezone?: string],
): Place {
  const [code, latitude, longitude, timezone] = where;
  const base = { city, aliases, region, county, country: code, latitude, longitude };
  return timezone ? { ...base, timezone } : base;
}

/** Every city the fake knows; within a country, bigger job markets come first. */
export const PLACES: readonly Place[] = [
  place("Berlin", [], "Berlin", "Berlin", ["DE", 52.52, 13.405]),
  place("Munich", ["münchen", "muenchen"], "Bavaria", "Upper Bavaria", ["DE", 48.1351, 11.582]),
  place("Hamburg", [], "Hamburg", "Hamburg", ["DE", 53.5511, 9.9937]),
  place(
    "Frankfurt am Main",
    ["frankfurt", "frankfurt/main", "frankfurt a.m."],
    "Hesse",
    "Darmstadt",
    [
      "DE",
      50.1109,
      8.6821,
    ],
  ),
  place("Cologne", ["köln", "koeln"], "North Rhine-Westphalia", "Cologne", [
    "DE",
    50.9375,
    6.9603,
  ]),
  place("Stuttgart", [], "Baden-Württemberg", "Stuttgart", ["DE", 48.7758, 9.1829]),
  place("Düsseldorf", ["duesseldorf", "dusseldorf"], "North Rhine-Westphalia", "Düsseldorf", [
    "DE",
    51.2277,
    6.7735,
  ]),
  place("Leipzig", [], "Saxony", "Leipzig", ["DE", 51.3397, 12.3731]),
  place("Amsterdam", [], "North Holland", "Amsterdam", ["NL", 52.3676, 4.9041]),
  place("Rotterdam", [], "South Holland", "Rotterdam", ["NL", 51.9244, 4.4777]),
  place("Eindhoven", [], "North Brabant", "Eindhoven", ["NL", 51.4416, 5.4697]),
  place("Vienna", ["wien"], "Vienna", "Vienna", ["AT", 48.2082, 16.3738]),
  place("Graz", [], "Styria", "Graz", ["AT", 47.0707, 15.4395]),
  place("Zurich", ["zürich", "zuerich"], "Zurich", "Zurich District", ["CH", 47.3769, 8.5417]),
  place("Geneva", ["genève", "genf"], "Geneva", "Geneva", ["CH", 46.2044, 6.1432]),
  place("Basel", [], "Basel-City", "Basel", ["CH", 47.5596, 7.5886]),
  place("Paris", [], "Île-de-France", "Paris", ["FR", 48.8566, 2.3522]),
  place("Lyon", [], "Auvergne-Rhône-Alpes", "Rhône", ["FR", 45.764, 4.8357]),
  place("Madrid", [], "Community of Madrid", "Madrid", ["ES", 40.4168, -3.7038]),
  place("Barcelona", [], "Catalonia", "Barcelona", ["ES", 41.3874, 2.1686]),
  place("Lisbon", ["lisboa"], "Lisbon", "Lisbon", ["PT", 38.7223, -9.1393]),
  place("Porto", ["oporto"], "Porto", "Porto", ["PT", 41.1579, -8.6291]),
  place("Dublin", [], "County Dublin", "Dublin", ["IE", 53.3498, -6.2603]),
  place("Cork", [], "County Cork", "Cork", ["IE", 51.8985, -8.4756]),
  place("London", [], "England", "Greater London", ["GB", 51.5072, -0.1276]),
  place("Manchester", [], "England", "Greater Manchester", ["GB", 53.4808, -2.2426]),
  place("Warsaw", ["warszawa", "warschau"], "Masovian Voivodeship", "Warsaw", [
    "PL",
    52.2297,
    21.0122,
  ]),
  place("Kraków", ["krakow", "cracow", "krakau"], "Lesser Poland Voivodeship", "Kraków", [
    "PL",
    50.0647,
    19.945,
  ]),
  place("Prague", ["praha", "prag"], "Prague", "Prague", ["CZ", 50.0755, 14.4378]),
  place("Brno", [], "South Moravian Region", "Brno-City", ["CZ", 49.1951, 16.6068]),
  place("Stockholm", [], "Stockholm County", "Stockholm Municipality", ["SE", 59.3293, 18.0686]),
  place("Gothenburg", ["göteborg"], "Västra Götaland County", "Gothenburg Municipality", [
    "SE",
    57.7089,
    11.9746,
  ]),
  place("Copenhagen", ["københavn", "kopenhagen"], "Capital Region of Denmark", "Copenhagen", [
    "DK",
    55.6761,
    12.5683,
  ]),
  place("Aarhus", ["århus"], "Central Denmark Region", "Aarhus", ["DK", 56.1629, 10.2039]),
  place("Brussels", ["bruxelles", "brussel", "brüssel"], "Brussels-Capital Region", "Brussels", [
    "BE",
    50.8503,
    4.3517,
  ]),
  place("Milan", ["milano", "mailand"], "Lombardy", "Metropolitan City of Milan", [
    "IT",
    45.4642,
    9.19,
  ]),
  place("Rome", ["roma", "rom"], "Lazio", "Metropolitan City of Rome Capital", [
    "IT",
    41.9028,
    12.4964,
  ]),
  place("New York", ["new york city", "nyc"], "New York", "New York County", [
    "US",
    40.7128,
    -74.006,
  ]),
  place("San Francisco", [], "California", "San Francisco County", [
    "US",
    37.7749,
    -122.4194,
    "America/Los_Angeles",
  ]),
  place("Austin", [], "Texas", "Travis County", ["US", 30.2672, -97.7431, "America/Chicago"]),
  place("Seattle", [], "Washington", "King County", [
    "US",
    47.6062,
    -122.3321,
    "America/Los_Angeles",
  ]),
];

/** What a searched location means to the fake world. */
export interface LocationScope {
  /** Stable key of the scope: aliases of one place share it (`place:munich`). */
  key: string;
  kind: "city" | "country" | "remote" | "unknown";
  /** Cities postings may be in (for "remote", the capitals postings may name). */
  places: readonly Place[];
  /** Countries postings may be in. */
  countries: readonly Country[];
}

const REMOTE_WORDS = new Set(["remote", "remote europe", "europe", "anywhere", "homeoffice"]);

function matches(candidate: string, names: readonly string[]): boolean {
  const folded = stripDiacritics(candidate);
  return names.some((name) => name === candidate || stripDiacritics(name) === folded);
}

function placesIn(code: string): Place[] {
  return PLACES.filter((p) => p.country === code);
}

function resolveExact(text: string): LocationScope | undefined {
  if (REMOTE_WORDS.has(text)) {
    const countries = Object.values(COUNTRIES).filter((c) => c.european);
    const capitals = countries.map((c) => placesIn(c.code)[0]).filter((p) => p !== undefined);
    return { key: "remote", kind: "remote", places: capitals, countries };
  }
  const city = PLACES.find((p) => matches(text, [p.city.toLowerCase(), ...p.aliases]));
  if (city) {
    return {
      key: `place:${city.city.toLowerCase()}`,
      kind: "city",
      places: [city],
      countries: [COUNTRIES[city.country]],
    };
  }
  const found = Object.values(COUNTRIES).find((c) =>
    matches(text, [c.name.toLowerCase(), ...c.aliases])
  );
  if (found) {
    return {
      key: `country:${found.code.toLowerCase()}`,
      kind: "country",
      places: placesIn(found.code),
      countries: [found],
    };
  }
  return undefined;
}

/**
 * Resolves a searched location: a known city or alias (`München` = `Munich`), a country
 * (`Deutschland` = `Germany`), `Remote`, or `City, Country` text. Anything else is an unknown
 * place in Germany named after the text, so every search yields postings.
 */
export function resolveLocation(location: string): LocationScope {
  const text = normalizeSearchText(location);
  const exact = resolveExact(text);
  if (exact) return exact;
  const parts = text.split(",").map((p) => p.trim()).filter((p) => p.length > 0);
  for (const part of parts) {
    const partial = resolveExact(part);
    if (partial && partial.kind !== "remote") return partial;
  }
  const germany = COUNTRIES.DE;
  const unknown: Place = {
    city: titleCase(parts[0] ?? text) || "Germany",
    aliases: [],
    region: null,
    county: null,
    country: germany.code,
    latitude: germany.latitude,
    longitude: germany.longitude,
  };
  return { key: `unknown:${text}`, kind: "unknown", places: [unknown], countries: [germany] };
}

/** The country of an ISO-2 code; unknown codes fall back to Germany. */
export function countryOf(code: string): Country {
  return COUNTRIES[code.toUpperCase()] ?? COUNTRIES.DE;
}

/** The IANA time zone of a place. */
export function timezoneOf(place: Place): string {
  return place.timezone ?? countryOf(place.country).timezone;
}
