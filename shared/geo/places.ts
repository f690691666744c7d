/**
 * The places the product knows by name: European countries (English, German and native names)
 * and the cities job seekers here search most. One table serves every boundary that turns a
 * place name into a city, region and ISO country: building provider queries, mapping provider
 * records, and normalising CV locations.
 *
 * @module
 */

/** A country: ISO 3166-1 alpha-2 code, English name, and the other names people write. */
export interface Country {
  code: string;
  name: string;
  aliases: string[];
}

/** A city with its region (state) and country. */
export interface City {
  name: string;
  region: string;
  country: string;
  aliases: string[];
}

/** Countries by ISO code. */
export const COUNTRIES: readonly Country[] = [
  {
    code: "DE",
    name: "Germany",
    aliases: ["deutschland", "de", "ger", "federal republic of germany"],
  },
  { code: "AT", name: "Austria", aliases: ["österreich", "oesterreich", "at"] },
  { code: "CH", name: "Switzerland", aliases: ["schweiz", "suisse", "svizzera", "ch"] },
  { code: "NL", name: "Netherlands", aliases: ["the netherlands", "nederland", "holland", "nl"] },
  { code: "BE", name: "Belgium", aliases: ["belgien", "belgique", "belgië", "be"] },
  { code: "LU", name: "Luxembourg", aliases: ["luxemburg", "lu"] },
  { code: "FR", name: "France", aliases: ["frankreich", "fr"] },
  { code: "ES", name: "Spain", aliases: ["spanien", "españa", "espana", "es"] },
  { code: "PT", name: "Portugal", aliases: ["pt"] },
  { code: "IT", name: "Italy", aliases: ["italien", "italia", "it"] },
  { code: "IE", name: "Ireland", aliases: ["irland", "éire", "ie"] },
  {
    code: "GB",
    name: "United Kingdom",
    aliases: ["uk", "gb", "great britain", "england", "großbritannien", "vereinigtes königreich"],
  },
  { code: "DK", name: "Denmark", aliases: ["dänemark", "danmark", "dk"] },
  { code: "SE", name: "Sweden", aliases: ["schweden", "sverige", "se"] },
  { code: "NO", name: "Norway", aliases: ["norwegen", "norge", "no"] },
  { code: "FI", name: "Finland", aliases: ["finnland", "suomi", "fi"] },
  { code: "PL", name: "Poland", aliases: ["polen", "polska", "pl"] },
  { code: "CZ", name: "Czechia", aliases: ["czech republic", "tschechien", "česko", "cz"] },
  { code: "HU", name: "Hungary", aliases: ["ungarn", "magyarország", "hu"] },
  { code: "RO", name: "Romania", aliases: ["rumänien", "românia", "ro"] },
  { code: "GR", name: "Greece", aliases: ["griechenland", "gr"] },
  { code: "EE", name: "Estonia", aliases: ["estland", "ee"] },
  {
    code: "US",
    name: "United States",
    aliases: ["usa", "us", "united states of america", "america"],
  },
  { code: "CA", name: "Canada", aliases: ["kanada", "ca"] },
];

/** Cities people search for, with the names other sources use for them. */
export const CITIES: readonly City[] = [
  { name: "Berlin", region: "Berlin", country: "DE", aliases: [] },
  { name: "Munich", region: "Bavaria", country: "DE", aliases: ["münchen", "muenchen"] },
  { name: "Hamburg", region: "Hamburg", country: "DE", aliases: [] },
  {
    name: "Frankfurt am Main",
    region: "Hesse",
    country: "DE",
    aliases: ["frankfurt", "frankfurt/main", "frankfurt a.m.", "frankfurt a. m."],
  },
  { name: "Cologne", region: "North Rhine-Westphalia", country: "DE", aliases: ["köln", "koeln"] },
  { name: "Stuttgart", region: "Baden-Württemberg", country: "DE", aliases: [] },
  {
    name: "Düsseldorf",
    region: "North Rhine-Westphalia",
    country: "DE",
    aliases: ["duesseldorf", "dusseldorf"],
  },
  { name: "Leipzig", region: "Saxony", country: "DE", aliases: [] },
  { name: "Dresden", region: "Saxony", country: "DE", aliases: [] },
  { name: "Hanover", region: "Lower Saxony", country: "DE", aliases: ["hannover"] },
  { name: "Nuremberg", region: "Bavaria", country: "DE", aliases: ["nürnberg", "nuernberg"] },
  { name: "Karlsruhe", region: "Baden-Württemberg", country: "DE", aliases: [] },
  { name: "Bonn", region: "North Rhine-Westphalia", country: "DE", aliases: [] },
  { name: "Essen", region: "North Rhine-Westphalia", country: "DE", aliases: [] },
  { name: "Dortmund", region: "North Rhine-Westphalia", country: "DE", aliases: [] },
  { name: "Bremen", region: "Bremen", country: "DE", aliases: [] },
  { name: "Potsdam", region: "Brandenburg", country: "DE", aliases: [] },
  { name: "Mannheim", region: "Baden-Württemberg", country: "DE", aliases: [] },
  { name: "Heidelberg", region: "Baden-Württemberg", country: "DE", aliases: [] },
  { name: "Vienna", region: "Vienna", country: "AT", aliases: ["wien"] },
  { name: "Graz", region: "Styria", country: "AT", aliases: [] },
  { name: "Zurich", region: "Zurich", country: "CH", aliases: ["zürich", "zuerich"] },
  { name: "Geneva", region: "Geneva", country: "CH", aliases: ["genf", "genève", "geneve"] },
  { name: "Basel", region: "Basel-Stadt", country: "CH", aliases: [] },
  { name: "Amsterdam", region: "North Holland", country: "NL", aliases: [] },
  { name: "Rotterdam", region: "South Holland", country: "NL", aliases: [] },
  { name: "Brussels", region: "Brussels", country: "BE", aliases: ["brüssel", "bruxelles"] },
  { name: "Luxembourg", region: "Luxembourg", country: "LU", aliases: ["luxembourg city"] },
  { name: "Paris", region: "Île-de-France", country: "FR", aliases: [] },
  { name: "Lyon", region: "Auvergne-Rhône-Alpes", country: "FR", aliases: [] },
  { name: "Madrid", region: "Community of Madrid", country: "ES", aliases: [] },
  { name: "Barcelona", region: "Catalonia", country: "ES", aliases: [] },
  { name: "Lisbon", region: "Lisbon", country: "PT", aliases: ["lisboa", "lissabon"] },
  { name: "Milan", region: "Lombardy", country: "IT", aliases: ["milano", "mailand"] },
  { name: "Dublin", region: "Leinster", country: "IE", aliases: [] },
  { name: "London", region: "England", country: "GB", aliases: ["london, uk"] },
  {
    name: "Copenhagen",
    region: "Capital Region",
    country: "DK",
    aliases: ["kopenhagen", "københavn"],
  },
  { name: "Stockholm", region: "Stockholm County", country: "SE", aliases: [] },
  { name: "Oslo", region: "Oslo", country: "NO", aliases: [] },
  { name: "Helsinki", region: "Uusimaa", country: "FI", aliases: [] },
  { name: "Warsaw", region: "Masovia", country: "PL", aliases: ["warschau", "warszawa"] },
  { name: "Krakow", region: "Lesser Poland", country: "PL", aliases: ["kraków", "krakau"] },
  { name: "Prague", region: "Prague", country: "CZ", aliases: ["prag", "praha"] },
  { name: "Budapest", region: "Budapest", country: "HU", aliases: [] },
  { name: "Tallinn", region: "Harju County", country: "EE", aliases: [] },
  { name: "New York", region: "New York", country: "US", aliases: ["new york city", "nyc"] },
  { name: "San Francisco", region: "California", country: "US", aliases: ["sf"] },
];

/** Words that mean "anywhere, remotely". */
const REMOTE_WORDS = new Set([
  "remote",
  "remote only",
  "fully remote",
  "anywhere",
  "worldwide",
  "home office",
  "homeoffice",
  "work from home",
  "wfh",
]);

/** Remote words inside a longer place text. */
const REMOTE_PATTERN =
  /\b(?:fully remote|remote only|remote|anywhere|worldwide|home[- ]?office|work from home|wfh)\b/gi;

/** A place name resolved against the tables. */
export interface Place {
  city: City | null;
  country: Country | null;
  remote: boolean;
}

/** Lower-cases, trims, collapses whitespace and drops a trailing full stop. */
function key(text: string): string {
  return text.normalize("NFC").toLowerCase().replace(/\s+/g, " ").trim().replace(/\.$/, "");
}

const countryByKey = new Map<string, Country>();
for (const country of COUNTRIES) {
  for (const name of [country.name, ...country.aliases]) countryByKey.set(key(name), country);
}
const cityByKey = new Map<string, City>();
for (const city of CITIES) {
  for (const name of [city.name, ...city.aliases]) cityByKey.set(key(name), city);
}

/** The country for an ISO code or a name in English, German or the native language. */
export function findCountry(text: string | null | undefined): Country | null {
  if (!text) return null;
  return countryByKey.get(key(text)) ?? null;
}

/** The city for a name or one of its aliases ("München" and "Munich" are the same city). */
export function findCity(text: string | null | undefined): City | null {
  if (!text) return null;
  return cityByKey.get(key(text)) ?? null;
}

/** The country record for an ISO code. */
export function countryByCode(code: string): Country | null {
  return COUNTRIES.find((country) => country.code === code.toUpperCase()) ?? null;
}

/**
 * Resolves free text such as "Berlin", "Berlin, Germany", "München, Bayern, Deutschland",
 * "Germany" or "Remote" into a city and country. Parts it does not know are ignored; a text with
 * no known part resolves to nothing (city and country null).
 */
export function resolvePlace(text: string): Place {
  // "Remote, Germany", "Germany (remote)", "remote germany": remote, and where
  let remote = REMOTE_WORDS.has(key(text));
  const rest = text.replace(REMOTE_PATTERN, () => {
    remote = true;
    return " ";
  });
  const parts = rest.split(/[,/|(]|\s+-\s+/).map((part) => key(part.replace(/\)/g, ""))).filter(
    Boolean,
  );
  let city: City | null = null;
  let country: Country | null = null;
  for (const part of parts) {
    if (REMOTE_WORDS.has(part)) {
      remote = true;
      continue;
    }
    const foundCountry = countryByKey.get(part);
    // Two-letter ISO codes only count after a city ("Berlin, DE"), never on their own as a
    // first word, so "IT Support" or "DE" alone are not mistaken for a country.
    if (foundCountry && !(part.length === 2 && parts.length === 1)) {
      country ??= foundCountry;
      continue;
    }
    const foundCity = cityByKey.get(part);
    if (foundCity && !city) city = foundCity;
  }
  if (city && !country) country = countryByCode(city.country);
  if (city && country && city.country !== country.code) city = null;
  return { city, country, remote };
}
