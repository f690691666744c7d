/**
 * The employers of the fake world: legal names and brands (the two spellings the providers
 * disagree on), the applicant tracking system each one posts through, and the organisation facts
 * Active Jobs DB prints with `include_li=true`.
 *
 * @module
 */
import { slugify } from "./text.ts";

/** An industry, as LinkedIn names it and as a job ad describes it. */
export interface Industry {
  linkedin: string;
  en: string;
  de: string;
}

/** The industries of {@link COMPANIES}. */
export const INDUSTRIES: Readonly<Record<string, Industry>> = {
  fashion: {
    linkedin: "Retail Apparel and Fashion",
    en: "online fashion and lifestyle",
    de: "Online-Mode und Lifestyle",
  },
  fintech: {
    linkedin: "Financial Services",
    en: "digital banking and payments",
    de: "digitales Banking und Zahlungsverkehr",
  },
  banking: { linkedin: "Banking", en: "banking", de: "Bankwesen" },
  insurance: { linkedin: "Insurance", en: "insurance", de: "Versicherungen" },
  software: {
    linkedin: "Software Development",
    en: "business software",
    de: "Unternehmenssoftware",
  },
  internet: {
    linkedin: "Technology, Information and Internet",
    en: "consumer internet",
    de: "Internet-Plattformen",
  },
  industrial: {
    linkedin: "Automation Machinery Manufacturing",
    en: "industrial technology",
    de: "Industrietechnik",
  },
  automotive: {
    linkedin: "Motor Vehicle Manufacturing",
    en: "automotive",
    de: "Automobilbau",
  },
  food: {
    linkedin: "Food and Beverage Services",
    en: "food delivery",
    de: "Lebensmittel-Lieferung",
  },
  travel: { linkedin: "Travel Arrangements", en: "travel", de: "Reisen" },
  mobility: { linkedin: "Ground Passenger Transportation", en: "mobility", de: "Mobilität" },
  health: {
    linkedin: "Hospitals and Health Care",
    en: "digital health",
    de: "digitale Gesundheit",
  },
  energy: {
    linkedin: "Renewable Energy Power Generation",
    en: "renewable energy",
    de: "erneuerbare Energien",
  },
  retail: { linkedin: "Retail", en: "retail", de: "Handel" },
};

/** An employer. */
export interface Company {
  /** Legal name with its legal form, e.g. `Zalando SE`. Active Jobs DB prints this. */
  name: string;
  /** The name without the legal form, e.g. `Zalando`. JSearch often prints this. */
  brand: string;
  /** Slug on its applicant tracking system, e.g. `zalando`. */
  slug: string;
  /** Web domain, e.g. `zalando.de`. */
  domain: string;
  /** ISO-2 code of the headquarters country. */
  country: string;
  /** Applicant tracking system, as Active Jobs DB names it in `source`. */
  ats: string;
  /** Key of {@link INDUSTRIES}. */
  industry: string;
  employees: number;
  founded: number;
  publicCompany: boolean;
  /** Headquarters city, e.g. `Berlin`. */
  headquarters: string;
}

/**
 * One employer a line: legal name | brand | domain | country | ATS | industry | employees |
 * founded | P = public company | headquarters city.
 */
const TABLE = `
Zalando SE|Zalando|zalando.de|DE|workday|fashion|15000|2008|P|Berlin
N26 GmbH|N26|n26.com|DE|greenhouse|fintech|1500|2013|-|Berlin
Siemens AG|Siemens|siemens.com|DE|workday|industrial|320000|1847|P|Munich
Celonis SE|Celonis|celonis.com|DE|greenhouse|software|3000|2011|-|Munich
Personio GmbH|Personio|personio.com|DE|personio|software|1800|2015|-|Munich
Trade Republic Bank GmbH|Trade Republic|traderepublic.com|DE|lever.co|fintech|800|2015|-|Berlin
Delivery Hero SE|Delivery Hero|deliveryhero.com|DE|smartrecruiters|food|45000|2011|P|Berlin
SAP SE|SAP|sap.com|DE|workday|software|107000|1972|P|Walldorf
HelloFresh SE|HelloFresh|hellofresh.com|DE|greenhouse|food|21000|2011|P|Berlin
Flix SE|Flix|flix.com|DE|smartrecruiters|mobility|5000|2013|-|Munich
Contentful GmbH|Contentful|contentful.com|DE|greenhouse|software|800|2013|-|Berlin
GetYourGuide Deutschland GmbH|GetYourGuide|getyourguide.com|DE|greenhouse|travel|900|2009|-|Berlin
Scout24 SE|Scout24|scout24.com|DE|personio|internet|1000|1998|P|Berlin
Allianz SE|Allianz|allianz.com|DE|workday|insurance|157000|1890|P|Munich
Robert Bosch GmbH|Bosch|bosch.com|DE|smartrecruiters|industrial|420000|1886|-|Gerlingen
Mercedes-Benz Group AG|Mercedes-Benz|mercedes-benz.com|DE|workday|automotive|166000|1926|P|Stuttgart
REWE digital GmbH|REWE digital|rewe-digital.com|DE|personio|retail|1000|2014|-|Cologne
trivago N.V.|trivago|trivago.com|DE|greenhouse|travel|700|2005|P|Düsseldorf
Deutsche Bank AG|Deutsche Bank|db.com|DE|workday|banking|90000|1870|P|Frankfurt am Main
Commerzbank AG|Commerzbank|commerzbank.de|DE|workday|banking|42000|1870|P|Frankfurt am Main
Otto GmbH & Co. KG|OTTO|otto.de|DE|smartrecruiters|retail|6000|1949|-|Hamburg
Taxfix SE|Taxfix|taxfix.de|DE|greenhouse|fintech|400|2016|-|Berlin
Raisin GmbH|Raisin|raisin.com|DE|personio|fintech|700|2012|-|Berlin
Enpal B.V.|Enpal|enpal.de|DE|join.com|energy|4000|2017|-|Berlin
Spreadshirt GmbH|Spreadshirt|spreadshirt.com|DE|personio|retail|900|2002|-|Leipzig
Adyen N.V.|Adyen|adyen.com|NL|greenhouse|fintech|4000|2006|P|Amsterdam
Booking.com B.V.|Booking.com|booking.com|NL|workday|travel|21000|1996|-|Amsterdam
Mollie B.V.|Mollie|mollie.com|NL|lever.co|fintech|800|2004|-|Amsterdam
Picnic Technologies B.V.|Picnic|picnic.app|NL|recruitee|food|10000|2015|-|Amsterdam
Bitpanda GmbH|Bitpanda|bitpanda.com|AT|lever.co|fintech|700|2014|-|Vienna
Dynatrace Austria GmbH|Dynatrace|dynatrace.com|AT|smartrecruiters|software|5000|2005|P|Linz
Scandit AG|Scandit|scandit.com|CH|greenhouse|software|400|2009|-|Zurich
On Holding AG|On|on.com|CH|greenhouse|fashion|2500|2010|P|Zurich
Swisscom AG|Swisscom|swisscom.ch|CH|smartrecruiters|internet|19000|1998|P|Bern
Doctolib SAS|Doctolib|doctolib.fr|FR|ashby|health|2800|2013|-|Paris
Qonto SAS|Qonto|qonto.com|FR|lever.co|fintech|1600|2016|-|Paris
Criteo SA|Criteo|criteo.com|FR|lever.co|internet|3500|2005|P|Paris
GlovoApp23 S.A.|Glovo|glovoapp.com|ES|greenhouse|food|3000|2015|-|Barcelona
Typeform S.L.|Typeform|typeform.com|ES|greenhouse|software|400|2012|-|Barcelona
Cabify España S.L.|Cabify|cabify.com|ES|lever.co|mobility|1500|2011|-|Madrid
Feedzai S.A.|Feedzai|feedzai.com|PT|lever.co|fintech|700|2011|-|Lisbon
Farfetch Portugal Unipessoal Lda|Farfetch|farfetch.com|PT|greenhouse|fashion|6000|2007|-|Porto
Stripe Payments Europe Ltd|Stripe|stripe.com|IE|greenhouse|fintech|8000|2010|-|Dublin
Intercom R&D Unlimited Company|Intercom|intercom.com|IE|greenhouse|software|900|2011|-|Dublin
Monzo Bank Ltd|Monzo|monzo.com|GB|greenhouse|fintech|3000|2015|-|London
Wise Payments Ltd|Wise|wise.com|GB|workable|fintech|5000|2011|P|London
Deliveroo plc|Deliveroo|deliveroo.co.uk|GB|workday|food|3000|2013|P|London
Allegro sp. z o.o.|Allegro|allegro.pl|PL|smartrecruiters|retail|7000|1999|P|Poznań
Docplanner sp. z o.o.|Docplanner|docplanner.com|PL|teamtailor|health|3000|2012|-|Warsaw
Productboard s.r.o.|Productboard|productboard.com|CZ|greenhouse|software|500|2014|-|Prague
Kiwi.com s.r.o.|Kiwi.com|kiwi.com|CZ|workable|travel|2000|2012|-|Brno
Spotify AB|Spotify|spotify.com|SE|lever.co|internet|9000|2006|P|Stockholm
Klarna Bank AB|Klarna|klarna.com|SE|workday|fintech|5000|2005|P|Stockholm
Pleo Technologies A/S|Pleo|pleo.io|DK|ashby|fintech|800|2015|-|Copenhagen
Vestas Wind Systems A/S|Vestas|vestas.com|DK|workday|energy|29000|1945|P|Aarhus
Collibra NV|Collibra|collibra.com|BE|greenhouse|software|1000|2008|-|Brussels
Satispay S.p.A.|Satispay|satispay.com|IT|teamtailor|fintech|500|2013|-|Milan
Datadog, Inc.|Datadog|datadoghq.com|US|greenhouse|software|6500|2010|P|New York
Snowflake Inc.|Snowflake|snowflake.com|US|ashby|software|7000|2012|P|Bozeman
Airbnb, Inc.|Airbnb|airbnb.com|US|greenhouse|travel|7000|2008|P|San Francisco
`;

function parseRow(line: string): Company {
  const [name, brand, domain, country, ats, industry, employees, founded, listed, city] = line
    .split("|");
  return {
    name,
    brand,
    slug: slugify(brand, { separator: "" }),
    domain,
    country,
    ats,
    industry,
    employees: Number(employees),
    founded: Number(founded),
    publicCompany: listed === "P",
    headquarters: city,
  };
}

/** Every employer of the fake world. */
export const COMPANIES: readonly Company[] = TABLE.trim().split("\n").map(parseRow);

/** LinkedIn's size band for a head count, e.g. `"1,001-5,000 employees"`. */
export function linkedinSizeBand(employees: number): string {
  const bands: [number, string][] = [
    [10, "2-10"],
    [50, "11-50"],
    [200, "51-200"],
    [500, "201-500"],
    [1000, "501-1,000"],
    [5000, "1,001-5,000"],
    [10000, "5,001-10,000"],
  ];
  const band = bands.find(([max]) => employees <= max);
  return `${band ? band[1] : "10,001+"} employees`;
}
