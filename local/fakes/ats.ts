/**
 * Canonical posting URLs on applicant tracking systems, in the shapes each ATS really uses
 * (Greenhouse, Lever, Personio, Workday, SmartRecruiters, Ashby, Recruitee, Teamtailor, Workable,
 * JOIN). Active Jobs DB returns these verbatim as `url`.
 *
 * @module
 */
import type { Company } from "./companies.ts";
import type { Random } from "./random.ts";
import { slugify } from "./text.ts";

/** Inputs of {@link buildAtsUrl}. */
export interface AtsUrlOptions {
  company: Company;
  title: string;
  /** City of the posting; null for a fully remote one. */
  city: string | null;
  random: Random;
}

/** The posting's URL on the company's ATS, e.g. `https://boards.greenhouse.io/n26/jobs/5512345`. */
export function buildAtsUrl(options: AtsUrlOptions): string {
  const { company, title, city, random } = options;
  const slug = company.slug;
  const titleSlug = slugify(title);
  switch (company.ats) {
    case "greenhouse":
      return `https://boards.greenhouse.io/${slug}/jobs/${random.digits(7)}`;
    case "lever.co":
      return `https://jobs.lever.co/${slug}/${random.uuid()}`;
    case "personio":
      return `https://${slug}.jobs.personio.de/job/${random.digits(7)}`;
    case "workday": {
      const place = slugify(city ?? "Remote", { keepCase: true });
      const name = slugify(title, { keepCase: true });
      const id = random.digits(7);
      return `https://${slug}.wd3.myworkdayjobs.com/en-US/External/job/${place}/${name}_R${id}`;
    }
    case "smartrecruiters": {
      const name = slugify(company.brand, { separator: "", keepCase: true });
      return `https://jobs.smartrecruiters.com/${name}/${random.digits(15)}-${titleSlug}`;
    }
    case "ashby":
      return `https://jobs.ashbyhq.com/${slug}/${random.uuid()}`;
    case "recruitee":
      return `https://${slug}.recruitee.com/o/${titleSlug}-${random.digits(5)}`;
    case "teamtailor":
      return `https://${slug}.teamtailor.com/jobs/${random.digits(7)}-${titleSlug}`;
    case "workable":
      return `https://apply.workable.com/${slug}/j/${random.hex(10).toUpperCase()}/`;
    case "join.com":
      return `https://join.com/companies/${slug}/${random.digits(8)}-${titleSlug}`;
    default:
      return `https://careers.${company.domain}/jobs/${random.digits(7)}`;
  }
}
