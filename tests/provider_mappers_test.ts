import assert from "node:assert/strict";
import { parseActiveJobsPage } from "../shared/providers/active_jobs_db/client.ts";
import { InvalidResponseError } from "../shared/providers/call.ts";
import { parseJSearchPage } from "../shared/providers/jsearch/client.ts";

const jsearchRecord = {
  job_id: "xWxRT0mZoH8S__eTAAAAAA==",
  job_title: "Sr. Data Engineer (m/w/d)",
  employer_name: "Zalando",
  job_publisher: "LinkedIn",
  job_employment_type: "Full-time",
  job_employment_types: ["FULLTIME"],
  job_apply_link: "https://www.linkedin.com/jobs/view/1?utm_source=google_jobs_apply",
  job_apply_is_direct: false,
  apply_options: [
    { publisher: "LinkedIn", apply_link: "https://www.linkedin.com/jobs/view/1", is_direct: false },
    {
      publisher: "Zalando Careers",
      apply_link: "https://boards.greenhouse.io/zalando/jobs/1?utm_source=google_jobs_apply",
      is_direct: true,
    },
  ],
  job_description: "Build pipelines.\n\nWith us.",
  job_is_remote: false,
  job_posted_at: "2 days ago",
  job_posted_at_timestamp: 1795651200,
  job_posted_at_datetime_utc: "2026-11-26T00:00:00.000Z",
  job_location: "Berlin, Germany",
  job_city: "Berlin",
  job_state: "Berlin",
  job_country: "DE",
  job_google_link: "https://www.google.com/search?q=jobs#vhid=1",
  job_salary: null,
  job_min_salary: 90000,
  job_max_salary: 70000,
  job_salary_period: "YEAR",
  job_highlights: { Qualifications: ["SQL"] },
};

Deno.test("JSearch record → canonical job", () => {
  const { value } = parseJSearchPage({ status: "OK", request_id: "r", data: [jsearchRecord] });
  assert.deepEqual(value.rejected, {});
  const [job] = value.jobs;
  assert.equal(job.provider, "jsearch");
  assert.equal(job.providerJobId, "xWxRT0mZoH8S__eTAAAAAA==");
  assert.equal(job.company, "Zalando");
  assert.deepEqual(job.location, {
    city: "Berlin",
    region: "Berlin",
    country: "DE",
    raw: "Berlin, Germany",
  });
  assert.equal(job.employmentType, "FULL_TIME");
  assert.equal(job.seniority, "5-10", "from the title: Sr.");
  assert.deepEqual(job.salary, { min: 70000, max: 90000, currency: null, period: "YEAR" });
  assert.equal(job.postedAt?.toISOString(), "2026-11-26T00:00:00.000Z");
  assert.equal(
    job.applyUrl,
    "https://boards.greenhouse.io/zalando/jobs/1?utm_source=google_jobs_apply",
    "the employer's own (direct) link is the apply URL",
  );
  assert.equal(job.links.length, 4, "every apply option and the Google link are kept");
  assert.equal((job.raw as Record<string, unknown>).job_description, undefined);
  assert.equal((job.raw as Record<string, unknown>).job_publisher, "LinkedIn");
});

Deno.test("JSearch: a bad record is counted by reason; a bad envelope fails the page", () => {
  const { value, records } = parseJSearchPage({
    status: "OK",
    data: [
      jsearchRecord,
      { ...jsearchRecord, job_id: undefined },
      { ...jsearchRecord, job_id: "b", job_title: "" },
      { ...jsearchRecord, job_id: "c", job_country: "Deutschland!" },
      "not an object",
    ],
  });
  assert.equal(records, 5);
  assert.equal(value.jobs.length, 2);
  const reasons = Object.keys(value.rejected).join("\n");
  assert.match(reasons, /^job_id: /m);
  assert.match(reasons, /^job_title: /m);
  assert.match(reasons, /^record: /m);
  assert.equal(Object.values(value.rejected).reduce((a, b) => a + b, 0), 3);
  // an unreadable country is dropped, not guessed
  assert.equal(value.jobs.find((job) => job.providerJobId === "c")?.location.country, null);
  assert.throws(
    () => parseJSearchPage({ status: "ERROR", error: { message: "Invalid page", code: 400 } }),
    (error: Error) => error instanceof InvalidResponseError && /Invalid page/.test(error.message),
  );
  assert.throws(() => parseJSearchPage([]), InvalidResponseError);
});

const activeRecord = {
  id: 883909855940,
  date_posted: "2026-11-27T06:03:15",
  date_created: "2026-11-27T07:03:15",
  date_validthrough: "2026-12-27",
  title: "Data Engineer",
  organization: "Zalando SE",
  url: "https://boards.greenhouse.io/zalando/jobs/1",
  employment_type: ["FULL_TIME"],
  salary_raw: {
    "@type": "MonetaryAmount",
    currency: "eur",
    value: { "@type": "QuantitativeValue", minValue: 60000, maxValue: 75000, unitText: "YEAR" },
  },
  description_text: "Build pipelines.",
  locations_raw: null,
  location_type: "TELECOMMUTE",
  cities_derived: null,
  regions_derived: null,
  countries_derived: ["Germany"],
  locations_derived: [{ city: null, admin: null, country: "Germany" }],
  remote_derived: true,
  ai_experience_level: null,
  ai_work_arrangement: null,
  ai_employment_type: null,
};

Deno.test("Active Jobs DB record → canonical job: UTC dates, derived fields, salary_raw", () => {
  const { value } = parseActiveJobsPage([activeRecord]);
  assert.deepEqual(value.rejected, {});
  const [job] = value.jobs;
  assert.equal(job.providerJobId, "883909855940", "numeric ids become strings");
  assert.equal(job.postedAt?.toISOString(), "2026-11-27T06:03:15.000Z", "no zone means UTC");
  assert.equal(job.validThrough?.toISOString(), "2026-12-27T00:00:00.000Z");
  assert.deepEqual(job.location, { city: null, region: null, country: "DE", raw: "Germany" });
  assert.equal(job.workArrangement, "Remote Solely");
  assert.deepEqual(job.salary, { min: 60000, max: 75000, currency: "EUR", period: "YEAR" });
  assert.equal(job.description, "Build pipelines.");
  assert.equal((job.raw as Record<string, unknown>).description_text, undefined);
});

Deno.test("Active Jobs DB: the ai_* fields win; a broken date rejects one record", () => {
  const withAi = {
    ...activeRecord,
    id: "1",
    locations_raw: [{
      "@type": "Place",
      address: { addressLocality: "München", addressRegion: "Bavaria", addressCountry: "DE" },
    }],
    ai_work_arrangement: "Hybrid",
    ai_experience_level: "2-5",
    ai_employment_type: ["PART_TIME"],
    ai_salary_minvalue: 20,
    ai_salary_maxvalue: 25,
    ai_salary_currency: "EUR",
    ai_salary_unittext: "HOUR",
  };
  const { value } = parseActiveJobsPage([withAi, {
    ...activeRecord,
    id: "2",
    date_posted: "soon",
  }]);
  assert.equal(value.jobs.length, 1);
  assert.deepEqual(value.rejected, { "date_posted: is not a date": 1 });
  const [job] = value.jobs;
  assert.deepEqual(job.location, {
    city: "München",
    region: "Bavaria",
    country: "DE",
    raw: "München, Bavaria, Germany",
  });
  assert.equal(job.workArrangement, "Hybrid");
  assert.equal(job.seniority, "2-5");
  assert.equal(job.employmentType, "PART_TIME");
  assert.deepEqual(job.salary, { min: 20, max: 25, currency: "EUR", period: "HOUR" });
  assert.throws(() => parseActiveJobsPage({ message: "oops" }), /oops/);
});

Deno.test("seniority from a title matches whole words only", async () => {
  const { seniorityFromTitle } = await import("../shared/providers/mapping.ts");
  assert.equal(seniorityFromTitle("International Sales Manager"), null);
  assert.equal(seniorityFromTitle("Internal Auditor"), null);
  assert.equal(seniorityFromTitle("Marketing Intern"), "0-2");
  assert.equal(seniorityFromTitle("Werkstudent Data (m/w/d)"), "0-2");
  assert.equal(seniorityFromTitle("Sr. Engineer"), "5-10");
  assert.equal(seniorityFromTitle("Head of Data"), "10+");
});
