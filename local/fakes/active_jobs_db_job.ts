/**
 * Formats a world posting as an Active Jobs DB job object
 * (rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/active-jobs-db): core fields, the
 * schema.org raw location and salary, the derived location arrays, and optionally the description,
 * the `ai_*` fields and the `linkedin_org_*` fields.
 *
 * @module
 */
import { COMPANIES, INDUSTRIES, linkedinSizeBand } from "./companies.ts";
import { countryOf, PLACES, timezoneOf } from "./places.ts";
import { createRandom, hashHex, hashString } from "./random.ts";
import { isoWithoutZone } from "./text.ts";
import type { WorldPosting } from "./world.ts";

/** Indexing delay: `date_created` is `date_posted` plus this. */
export const INDEXING_DELAY_MS = 3_600_000;

/** Options of {@link toActiveJobsDbJob}. */
export interface ActiveJobsDbJobOptions {
  /** `description_type`: which description field to add; null adds none. */
  description: "text" | "html" | null;
  /** `include_ai=true`. */
  includeAi: boolean;
  /** `include_li=true`. */
  includeLi: boolean;
}

/** The Active Jobs DB id of a posting: a string of 12 digits, stable per posting. */
export function activeJobsDbId(uid: string): string {
  const high = 100_000 + (hashString(`${uid}|ajdb`, 7) % 900_000);
  const low = hashString(`${uid}|ajdb`, 8) % 1_000_000;
  return `${high}${String(low).padStart(6, "0")}`;
}

/** When Active Jobs DB indexed the posting. */
export function dateCreated(posting: WorldPosting): Date {
  return new Date(posting.postedAt.getTime() + INDEXING_DELAY_MS);
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The plain-text description as the HTML an ATS serves. */
export function descriptionHtml(text: string): string {
  return text.split(/\n\n+/).map((block) => {
    const lines = block.split("\n");
    if (lines.every((line) => line.startsWith("• "))) {
      return `<ul>${lines.map((line) => `<li>${escapeHtml(line.slice(2))}</li>`).join("")}</ul>`;
    }
    if (lines.length === 1 && block.length < 60 && !/[.!?:]$/.test(block)) {
      return `<h3>${escapeHtml(block)}</h3>`;
    }
    return `<p>${lines.map(escapeHtml).join("<br>")}</p>`;
  }).join("\n");
}

function locationFields(posting: WorldPosting): Record<string, unknown> {
  const place = PLACES.find((p) => p.city === posting.city && p.country === posting.country);
  const country = countryOf(posting.country);
  const parts = [posting.city, posting.region, posting.countryName].filter((p) => p !== null);
  return {
    locations_raw: [{
      "@type": "Place",
      address: {
        "@type": "PostalAddress",
        addressCountry: posting.country,
        addressLocality: posting.city,
        addressRegion: posting.region,
        streetAddress: null,
      },
      latitude: posting.latitude,
      longitude: posting.longitude,
    }],
    locations_alt_raw: null,
    location_type: posting.workArrangement === "Remote Solely" ? "TELECOMMUTE" : null,
    location_requirements_raw: posting.workArrangement === "Remote Solely"
      ? [{ "@type": "Country", name: posting.countryName }]
      : null,
    cities_derived: posting.city ? [posting.city] : [],
    counties_derived: place?.county ? [place.county] : [],
    regions_derived: posting.region ? [posting.region] : [],
    countries_derived: [posting.countryName],
    locations_derived: [parts.join(", ")],
    timezones_derived: [place ? timezoneOf(place) : country.timezone],
    lats_derived: [posting.latitude],
    lngs_derived: [posting.longitude],
    remote_derived: posting.remote,
  };
}

function aiFields(posting: WorldPosting): Record<string, unknown> {
  const salary = posting.salary;
  return {
    ai_salary_currency: salary?.currency ?? null,
    ai_salary_value: salary && salary.min === salary.max ? salary.min : null,
    ai_salary_minvalue: salary && salary.min !== salary.max ? salary.min : null,
    ai_salary_maxvalue: salary && salary.min !== salary.max ? salary.max : null,
    ai_salary_unittext: salary?.period ?? null,
    ai_benefits: posting.benefitsEnglish.length > 0 ? posting.benefitsEnglish : null,
    ai_experience_level: posting.seniority,
    ai_work_arrangement: posting.workArrangement,
    ai_work_arrangement_office_days: posting.officeDays,
    ai_remote_location: posting.remote ? [posting.countryName] : null,
    ai_remote_location_derived: posting.remote ? [posting.countryName] : null,
    ai_key_skills: posting.skills,
    ai_hiring_manager_name: null,
    ai_hiring_manager_email_address: null,
    ai_core_responsibilities: posting.responsibilitiesEnglish.join(". ") + ".",
    ai_requirements_summary: posting.qualificationsEnglish.join(". ") + ".",
    ai_working_hours: posting.workingHours,
    ai_employment_type: [posting.employmentType],
    ai_job_language: posting.language,
    ai_visa_sponsorship: posting.visaSponsorship,
    ai_keywords: [...posting.skills.slice(0, 3), posting.team, posting.title.split(" (")[0]],
    ai_taxonomies_a: posting.taxonomies,
    ai_education_requirements: posting.educationRequirements,
  };
}

function linkedinFields(posting: WorldPosting): Record<string, unknown> {
  const company = COMPANIES.find((c) => c.name === posting.company.name);
  if (!company) return {};
  const industry = INDUSTRIES[company.industry];
  const hq = PLACES.find((p) => p.city === company.headquarters);
  const random = createRandom(`linkedin|${company.name}`);
  return {
    linkedin_org_employees: company.employees,
    linkedin_org_url: `https://www.linkedin.com/company/${company.slug}`,
    linkedin_org_size: linkedinSizeBand(company.employees),
    linkedin_org_slogan: `${company.brand}: ${industry.en}, made simple`,
    linkedin_org_industry: industry.linkedin,
    linkedin_org_followers: company.employees * random.int(15, 60),
    linkedin_org_headquarters: hq?.region ? `${hq.city}, ${hq.region}` : company.headquarters,
    linkedin_org_type: company.publicCompany ? "Public Company" : "Privately Held",
    linkedin_org_foundeddate: String(company.founded),
    linkedin_org_specialties: [industry.en, "Technology", "E-Commerce", "Engineering"].slice(
      0,
      random.int(2, 4),
    ),
    linkedin_org_locations: [company.headquarters],
    linkedin_org_description:
      `${company.brand} is one of Europe's leading companies in ${industry.en}, ` +
      `founded in ${company.founded}.`,
  };
}

/** The posting as an Active Jobs DB job object. */
export function toActiveJobsDbJob(
  posting: WorldPosting,
  options: ActiveJobsDbJobOptions,
): Record<string, unknown> {
  const random = createRandom(`${posting.uid}|ajdb`);
  const salary = posting.salary;
  const job: Record<string, unknown> = {
    id: activeJobsDbId(posting.uid),
    date_posted: isoWithoutZone(posting.postedAt),
    date_created: isoWithoutZone(dateCreated(posting)),
    date_validthrough: posting.validThrough ? isoWithoutZone(posting.validThrough) : null,
    title: posting.title,
    organization: posting.company.name,
    organization_url: `https://www.${posting.companyDomain}`,
    organization_logo: random.chance(0.7)
      ? `https://media.licdn.com/dms/image/v2/C4D0BAQ${
        hashHex(posting.company.name, 14)
      }/company-logo_200_200/0/${
        1600000000000 + (hashString(posting.company.name) % 100000000000)
      }?e=2147483647&v=beta`
      : null,
    url: posting.atsUrl,
    source_type: "ats",
    source: posting.ats,
    source_domain: new URL(posting.atsUrl).hostname,
    domain_derived: posting.companyDomain,
    employment_type: [posting.employmentType],
    salary_raw: salary && random.chance(0.6)
      ? {
        "@type": "MonetaryAmount",
        currency: salary.currency,
        value: {
          "@type": "QuantitativeValue",
          minValue: salary.min,
          maxValue: salary.max,
          unitText: salary.period,
        },
      }
      : null,
  };
  if (options.description === "text") job.description_text = posting.description;
  if (options.description === "html") job.description_html = descriptionHtml(posting.description);
  Object.assign(job, locationFields(posting));
  if (options.includeAi) Object.assign(job, aiFields(posting));
  if (options.includeLi) Object.assign(job, linkedinFields(posting));
  return job;
}
