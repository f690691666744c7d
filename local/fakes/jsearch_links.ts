/**
 * The links JSearch (Google for Jobs) shows: job-board URLs (LinkedIn, Indeed, StepStone, XING,
 * Glassdoor) and the company's own ATS URL as Google passes it on, with tracking parameters and
 * the small spelling differences a URL canonicaliser has to undo.
 *
 * @module
 */
import { countryOf } from "./places.ts";
import type { Random } from "./random.ts";
import { slugify } from "./text.ts";
import type { WorldPosting } from "./world.ts";

/** Google for Jobs' tracking parameters, in the order Google appends them. */
export const GOOGLE_TRACKING = "utm_campaign=google_jobs_apply&utm_source=google_jobs_apply" +
  "&utm_medium=organic";

/** A place to apply, as JSearch's `apply_options[]` lists it. */
export interface ApplyOption {
  publisher: string;
  apply_link: string;
  is_direct: boolean;
}

/** Job boards that carry postings in a country, most common first. */
export function boardsFor(country: string): string[] {
  if (country === "DE" || country === "AT") {
    return ["LinkedIn", "Indeed", "StepStone", "XING", "Glassdoor"];
  }
  return ["LinkedIn", "Indeed", "Glassdoor"];
}

function track(url: string): string {
  return `${url}${url.includes("?") ? "&" : "?"}${GOOGLE_TRACKING}`;
}

/** The posting's URL on a job board (never its ATS URL). */
export function boardUrl(board: string, posting: WorldPosting, random: Random): string {
  const title = slugify(posting.title);
  const brand = slugify(posting.company.brand);
  const city = slugify(posting.city ?? posting.countryName);
  switch (board) {
    case "LinkedIn":
      return track(`https://www.linkedin.com/jobs/view/${random.digits(10)}`);
    case "Indeed":
      return track(`https://${countryOf(posting.country).indeedHost}/viewjob?jk=${random.hex(16)}`);
    case "StepStone": {
      const name = slugify(posting.title, { keepCase: true });
      const where = slugify(posting.city ?? "Deutschland", { keepCase: true });
      const company = slugify(posting.company.brand, { keepCase: true });
      return track(
        `https://www.stepstone.de/stellenangebote--${name}-${where}-${company}--${
          random.digits(8)
        }-inline.html`,
      );
    }
    case "XING":
      return track(`https://www.xing.com/jobs/${city}-${title}-${random.digits(9)}`);
    default: {
      const end = title.length + brand.length + 1;
      return track(
        `https://www.glassdoor.com/job-listing/${title}-${brand}-JV_KO0,${title.length}_KE${
          title.length + 1
        },${end}.htm?jl=${random.digits(13)}`,
      );
    }
  }
}

/**
 * The ATS URL as Google for Jobs passes it on: tracking parameters appended, and sometimes
 * `http://`, a `www.` host, a trailing slash, or a `gh_src` / `src=LinkedIn` source parameter.
 */
export function trackedAtsUrl(atsUrl: string, random: Random): string {
  const url = new URL(atsUrl);
  if (random.chance(0.3)) url.protocol = "http:";
  if (random.chance(0.2) && !url.hostname.startsWith("www.")) url.hostname = `www.${url.hostname}`;
  if (random.chance(0.2) && !url.pathname.endsWith("/")) url.pathname = `${url.pathname}/`;
  if (random.chance(0.3)) {
    const source = url.hostname.endsWith("greenhouse.io")
      ? `gh_src=${random.hex(8)}`
      : "src=LinkedIn";
    url.search = url.search ? `${url.search}&${source}` : `?${source}`;
  }
  return track(url.toString());
}
