/**
 * The employers of the fake world: legal names and brands (the two spellings the providers
 * disagree on), and the applicant tracking system (ATS) each one posts through, with posting URLs
 * in the shapes each ATS uses. Active Jobs DB returns these URLs verbatim as `url`.
 *
 * @module
 */
import type { Random } from "./random.ts";
import { slugify } from "./text.ts";

/** What an employer does, as its ads describe it. */
const SECTORS: Readonly<Record<string, { en: string; de: string }>> = {
  fashion: { en: "online fashion", de: "Online-Mode" },
  fintech: { en: "digital banking and payments", de: "digitales Banking und Bezahlen" },
  software: { en: "business software", de: "Unternehmenssoftware" },
  industrial: { en: "industrial technology", de: "Industrietechnik" },
  food: { en: "food delivery", de: "Lebensmittel-Lieferung" },
  insurance: { en: "insurance", de: "Versicherungen" },
  retail: { en: "retail", de: "Handel" },
  energy: { en: "renewable energy", de: "erneuerbare Energien" },
};

/** An employer. */
export interface Company {
  /** Legal name with its legal form, e.g. `Zalando SE`. Active Jobs DB prints this. */
  name: string;
  /** The name without the legal form, e.g. `Zalando`. JSearch often prints this. */
  brand: string;
  /** Slug on its ATS, e.g. `zalando`. */
  slug: string;
  /** Web domain, e.g. `zalando.de`. */
  domain: string;
  /** ISO-2 code of the headquarters country. */
  country: string;
  /** The ATS, as Active Jobs DB names it in `source`. */
  ats: string;
  /** What it does, in English and German. */
  sector: { en: string; de: string };
}

/** One employer a line: legal name | domain | country | ATS | sector. */
const TABLE = `
Zalando SE|zalando.de|DE|workday|fashion
N26 GmbH|n26.com|DE|greenhouse|fintech
Siemens AG|siemens.com|DE|workday|industrial
Personio GmbH|personio.com|DE|personio|software
Trade Republic Bank GmbH|traderepublic.com|DE|lever.co|fintech
Delivery Hero SE|deliveryhero.com|DE|smartrecruiters|food
SAP SE|sap.com|DE|workday|software
Allianz SE|allianz.com|DE|workday|insurance
Robert Bosch GmbH|bosch.com|DE|smartrecruiters|industrial
Otto GmbH & Co. KG|otto.de|DE|smartrecruiters|retail
Enpal B.V.|enpal.de|DE|personio|energy
Adyen N.V.|adyen.com|NL|greenhouse|fintech
Bitpanda GmbH|bitpanda.com|AT|lever.co|fintech
Qonto SAS|qonto.com|FR|lever.co|fintech
Monzo Bank Ltd|monzo.com|GB|greenhouse|fintech
Allegro sp. z o.o.|allegro.pl|PL|smartrecruiters|retail
Pleo Technologies ApS|pleo.io|DK|lever.co|fintech
Datadog, Inc.|datadoghq.com|US|greenhouse|software
`;

const LEGAL_FORM =
  /[\s,]+(GmbH & Co\. KG|GmbH|AG|SE|KG|Ltd|Inc\.|N\.V\.|B\.V\.|SAS|ApS|sp\. z o\.o\.)$/;

/** The name without its legal form(s): `"Otto GmbH & Co. KG"` → `"Otto"`. */
export function withoutLegalForm(name: string): string {
  let out = name.trim();
  while (LEGAL_FORM.test(out)) out = out.replace(LEGAL_FORM, "").trim();
  return out || name;
}

/** Every employer of the fake world. */
export const COMPANIES: readonly Company[] = TABLE.trim().split("\n").map((line) => {
  const [name, domain, country, ats, sector] = line.split("|");
  const brand = withoutLegalForm(name);
  const slug = slugify(brand).replace(/-/g, "");
  return { name, brand, slug, domain, country, ats, sector: SECTORS[sector] };
});

/** The posting's URL on the company's ATS, e.g. `https://boards.greenhouse.io/n26/jobs/5512345`. */
export function atsUrl(company: Company, title: string, city: string | null, random: Random) {
  const { slug } = company;
  switch (company.ats) {
    case "greenhouse":
      return `https://boards.greenhouse.io/${slug}/jobs/${random.digits(7)}`;
    case "lever.co":
      return `https://jobs.lever.co/${slug}/${random.hex(8)}-${random.hex(4)}-4${random.hex(3)}`;
    case "personio":
      return `https://${slug}.jobs.personio.de/job/${random.digits(7)}`;
    case "workday": {
      const where = slugify(city ?? "Remote", { keepCase: true });
      const name = slugify(title, { keepCase: true });
      return `https://${slug}.wd3.myworkdayjobs.com/en-US/External/job/${where}/${name}_R${
        random.digits(7)
      }`;
    }
    default:
      return `https://jobs.smartrecruiters.com/${slug}/${random.digits(15)}-${slugify(title)}`;
  }
}
