/**
 * A canonical job builder for store and dedup tests.
 *
 * @module
 */
import type { CanonicalJob } from "../../shared/jobs/canonical_job.ts";

/** A complete canonical job; `overrides` replace top-level fields, `location` is merged. */
export function canonicalJob(
  overrides: Partial<Omit<CanonicalJob, "location">> & {
    location?: Partial<CanonicalJob["location"]>;
  } = {},
): CanonicalJob {
  const { location, ...rest } = overrides;
  return {
    provider: "jsearch",
    providerJobId: crypto.randomUUID(),
    title: "Senior Data Engineer (m/w/d)",
    company: "Zalando SE",
    workArrangement: "Hybrid",
    employmentType: "FULL_TIME",
    seniority: "5-10",
    salary: { min: 70000, max: 90000, currency: "EUR", period: "YEAR" },
    description: "Build data pipelines.",
    applyUrl: "https://boards.greenhouse.io/zalando/jobs/123",
    postedAt: new Date("2026-11-27T08:00:00Z"),
    validThrough: null,
    links: [],
    raw: { source: "test" },
    ...rest,
    location: {
      city: "Berlin",
      region: "Berlin",
      country: "DE",
      raw: "Berlin, Germany",
      ...location,
    },
  };
}
