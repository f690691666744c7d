/**
 * Formats a world posting as a JSearch `data[]` job object in the 2025 format (as listed on
 * rapidapi.com/letscrape-6bRBa3QguO5/api/jsearch): every field, with the provider's own ids,
 * publishers, links, relative dates and location spelling.
 *
 * @module
 */
import { COMPANIES } from "./companies.ts";
import { type ApplyOption, boardsFor, boardUrl, trackedAtsUrl } from "./jsearch_links.ts";
import { countryOf } from "./places.ts";
import { createRandom, hashHex } from "./random.ts";
import type { EmploymentType, WorldPosting } from "./world.ts";

/** JSearch's machine employment type of each world type. TEMPORARY is reported as CONTRACTOR. */
export const JSEARCH_EMPLOYMENT_TYPE: Readonly<Record<EmploymentType, string>> = {
  FULL_TIME: "FULLTIME",
  PART_TIME: "PARTTIME",
  CONTRACTOR: "CONTRACTOR",
  INTERN: "INTERN",
  TEMPORARY: "CONTRACTOR",
};

const HUMAN_EMPLOYMENT_TYPE: Readonly<Record<string, string>> = {
  FULLTIME: "Full-time",
  PARTTIME: "Part-time",
  CONTRACTOR: "Contractor",
  INTERN: "Internship",
};

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Options of {@link toJSearchJob}. */
export interface JSearchJobOptions {
  /** The fake's clock, for "2 days ago". */
  now: Date;
  /** Format the within-provider duplicate (another publisher, another `job_id`). */
  duplicate?: boolean;
}

/** A Google-docid-like job id: 16 bytes, base64url with padding, ending `AAAAAA==`. */
export function jsearchJobId(seedText: string): string {
  const hex = hashHex(seedText, 24) + "00000000";
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 16; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

function postedAtText(age: number): string {
  if (age < HOUR_MS) return "just now";
  if (age < DAY_MS) {
    const hours = Math.floor(age / HOUR_MS);
    return hours === 1 ? "1 hour ago" : `${hours} hours ago`;
  }
  const days = Math.floor(age / DAY_MS);
  if (days >= 30) return "30+ days ago";
  return days === 1 ? "1 day ago" : `${days} days ago`;
}

/** What Google knows of the posting time: the hour for fresh postings, else the day. */
function reportedPostedAt(postedAt: Date, now: Date): Date {
  const t = postedAt.getTime();
  const step = now.getTime() - t < DAY_MS ? HOUR_MS : DAY_MS;
  return new Date(Math.floor(t / step) * step);
}

/**
 * The employer name as Google for Jobs often prints it: the legal name without its legal form
 * ("Zalando SE" → "Zalando", "Otto GmbH & Co. KG" → "Otto"). A brand that is a different word
 * ("Wise Payments Ltd" vs "Wise") is not produced: no strict fingerprint could match it.
 */
function withoutLegalForm(name: string): string {
  const forms =
    /[\s,]+(GmbH & Co\. KGaA|GmbH & Co\. KG|AG & Co\. KGaA|SE & Co\. KGaA|GmbH|AG|SE|KG|KGaA|UG|mbH|Ltd|Limited|Inc\.?|LLC|plc|N\.V\.|B\.V\.|S\.A\.|SAS|S\.p\.A\.|AB|ASA|A\/S|Oy|Oyj)$/;
  let out = name.trim();
  for (let i = 0; i < 3 && forms.test(out); i++) out = out.replace(forms, "").trim();
  return out || name;
}

function logoUrl(brand: string): string | null {
  const hash = hashHex(`logo|${brand}`, 40);
  if (parseInt(hash.slice(0, 2), 16) < 40) return null;
  const token = btoa(hash).replace(/[+/=]/g, "").slice(0, 40);
  return `https://encrypted-tbn0.gstatic.com/images?q=tbn:ANd9GcR${token}&s`;
}

function googleLink(posting: WorldPosting, jobId: string): string {
  const docid = encodeURIComponent(jobId);
  return `https://www.google.com/search?q=jobs&gl=${posting.country.toLowerCase()}` +
    `&hl=${posting.language}&udm=8#vhid=vt%3D20/docid%3D${docid}&vssid=jobs-detail-viewer`;
}

/** The posting as a JSearch job object. */
export function toJSearchJob(
  posting: WorldPosting,
  options: JSearchJobOptions,
): Record<string, unknown> {
  const duplicate = options.duplicate ?? false;
  const random = createRandom(`${posting.uid}|jsearch`);
  const jobId = jsearchJobId(`${posting.uid}|jsearch${duplicate ? "|duplicate" : ""}`);
  const style = posting.overlapStyle;
  const boards = boardsFor(posting.country);

  // Publishers and links. "same_url": the ATS URL (tracked) is the direct apply link. Every
  // other posting (other overlap styles, JSearch-only): job board links only.
  const direct = style === "same_url";
  const careers = `${posting.company.brand} Careers`;
  const others = random.sample(boards, random.int(1, Math.min(3, boards.length)));
  const applyOptions: ApplyOption[] = others.map((board) => ({
    publisher: board,
    apply_link: boardUrl(board, posting, random),
    is_direct: false,
  }));
  if (direct) {
    applyOptions.unshift({
      publisher: careers,
      apply_link: trackedAtsUrl(posting.atsUrl, random),
      is_direct: true,
    });
  }
  let primary = applyOptions[0];
  if (duplicate) {
    const used = new Set(applyOptions.map((o) => o.publisher));
    const board = boards.find((b) => !used.has(b)) ?? boards[boards.length - 1];
    const link = boardUrl(board, posting, createRandom(`${posting.uid}|jsearch|duplicate`));
    primary = { publisher: board, apply_link: link, is_direct: false };
    applyOptions.splice(0, applyOptions.length, primary);
  }

  const brandName = style === "fingerprint";
  const coarse = style === "coarse_location";
  const country = countryOf(posting.country);
  const company = COMPANIES.find((c) => c.name === posting.company.name);
  const now = options.now;
  const posted = reportedPostedAt(posting.postedAt, now);
  const types = [JSEARCH_EMPLOYMENT_TYPE[posting.employmentType]];
  const city = coarse ? null : posting.city;
  const highlights: Record<string, string[]> = {
    Qualifications: posting.qualifications,
    Responsibilities: posting.responsibilities,
  };
  if (posting.benefits.length > 0) highlights.Benefits = posting.benefits;
  const salary = posting.salary;
  const job: Record<string, unknown> = {
    job_id: jobId,
    job_title: posting.title,
    employer_name: brandName ? withoutLegalForm(posting.company.name) : posting.company.name,
    employer_logo: logoUrl(posting.company.brand),
    employer_website: company && random.chance(0.85) ? `https://www.${company.domain}` : null,
    job_publisher: primary.publisher,
    job_employment_type: types.map((t) => HUMAN_EMPLOYMENT_TYPE[t]).join(" and "),
    job_employment_types: types,
    job_apply_link: primary.apply_link,
    job_apply_is_direct: primary.is_direct,
    apply_options: applyOptions,
    job_description: posting.description,
    job_is_remote: posting.remote,
    job_posted_at: postedAtText(now.getTime() - posting.postedAt.getTime()),
    job_posted_at_timestamp: Math.floor(posted.getTime() / 1000),
    job_posted_at_datetime_utc: posted.toISOString(),
    job_location: city ? `${city}, ${posting.countryName}` : posting.countryName,
    job_city: city,
    job_state: coarse ? null : posting.region,
    job_country: posting.country,
    job_latitude: coarse ? country.latitude : posting.latitude,
    job_longitude: coarse ? country.longitude : posting.longitude,
    job_benefits: posting.benefitCodes.length > 0 ? posting.benefitCodes : null,
    job_google_link: googleLink(posting, jobId),
    job_salary: null,
    job_min_salary: salary?.min ?? null,
    job_max_salary: salary?.max ?? null,
    job_salary_period: salary?.period ?? null,
    job_highlights: highlights,
    job_onet_soc: posting.onetSoc,
    job_onet_job_zone: posting.seniority === "0-2" ? "3" : "4",
  };
  if (posting.validThrough) {
    job.job_offer_expiration_datetime_utc = posting.validThrough.toISOString();
    job.job_offer_expiration_timestamp = Math.floor(posting.validThrough.getTime() / 1000);
  }
  return job;
}
