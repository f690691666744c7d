import assert from "node:assert/strict";
import { activeJobsParams } from "../shared/providers/active_jobs_db/params.ts";
import {
  datePostedFor,
  jsearchCredits,
  jsearchParams,
  nextNumPages,
} from "../shared/providers/jsearch/params.ts";
import { createLimiter } from "../shared/providers/limiter.ts";
import { classifyTooManyRequests, readQuota, retryAfterMs } from "../shared/providers/rapidapi.ts";

const NOW = new Date("2026-11-28T08:00:00Z");
const days = (n: number) => ({ since: new Date(NOW.getTime() - n * 86_400_000), until: NOW });

Deno.test("JSearch: query, country and date window from the combination", () => {
  const berlin = jsearchParams(
    { titleKeyword: "data engineer", location: "berlin" },
    days(30),
    "de",
  );
  assert.deepEqual(berlin, {
    query: "data engineer in Berlin",
    country: "de",
    date_posted: "month",
  });
  const vienna = jsearchParams({ titleKeyword: "data engineer", location: "wien" }, days(1), "de");
  assert.equal(vienna.query, "data engineer in Vienna");
  assert.equal(vienna.country, "at");
  assert.equal(vienna.date_posted, "today");
  const country = jsearchParams({ titleKeyword: "nurse", location: "switzerland" }, days(3), "de");
  assert.deepEqual([country.query, country.country, country.date_posted], [
    "nurse in Switzerland",
    "ch",
    "3days",
  ]);
  const unknown = jsearchParams({ titleKeyword: "baker", location: "bielefeld" }, days(7), "de");
  assert.deepEqual([unknown.query, unknown.country, unknown.date_posted], [
    "baker in bielefeld",
    "de",
    "week",
  ]);
  assert.equal(datePostedFor(days(45)), "all");
});

Deno.test("JSearch: filters map where JSearch has them", () => {
  const params = jsearchParams(
    {
      titleKeyword: "data engineer",
      location: "remote",
      employmentType: "PART_TIME",
      seniority: "0-2",
      industry: "Technology",
    },
    days(7),
    "de",
  );
  assert.deepEqual(params, {
    query: "data engineer remote",
    country: "de",
    date_posted: "week",
    work_from_home: "true",
    employment_types: "PARTTIME",
    job_requirements: "under_3_years_experience",
  });
  const hybrid = jsearchParams(
    {
      titleKeyword: "x",
      location: "berlin",
      workArrangement: "Hybrid",
      employmentType: "VOLUNTEER",
      seniority: "5-10",
    },
    days(7),
    "de",
  );
  assert.equal(hybrid.work_from_home, undefined, "JSearch has no hybrid filter");
  assert.equal(hybrid.employment_types, undefined, "nor a volunteer type");
  assert.equal(hybrid.job_requirements, "more_than_3_years_experience");
});

Deno.test("JSearch: billing and the page policy", () => {
  assert.deepEqual([1, 2, 10, 11, 20].map(jsearchCredits), [1, 2, 2, 3, 3]);
  const base = { pagesLeft: 30, requestsRemaining: null };
  assert.equal(nextNumPages({ ...base, datePosted: "today", firstCall: true }), 1);
  assert.equal(nextNumPages({ ...base, datePosted: "today", firstCall: false }), 10);
  assert.equal(nextNumPages({ ...base, datePosted: "month", firstCall: true }), 10);
  assert.equal(nextNumPages({ ...base, datePosted: "month", firstCall: true, pagesLeft: 4 }), 4);
  assert.equal(
    nextNumPages({ ...base, datePosted: "month", firstCall: true, requestsRemaining: 1 }),
    1,
    "one request left cannot pay for a x2 call",
  );
  assert.equal(
    nextNumPages({ ...base, datePosted: "month", firstCall: true, pagesPerCall: 15 }),
    15,
  );
});

Deno.test("Active Jobs DB: endpoint, phrase title, full place name, filters, since", () => {
  const week = activeJobsParams({
    titleKeyword: "data engineer",
    location: "münchen",
    workArrangement: "Hybrid",
    employmentType: "FULL_TIME",
    seniority: "2-5",
    industry: "Data & Analytics",
  }, days(7));
  assert.equal(week.endpoint, "/active-ats-7d");
  assert.deepEqual(week.params, {
    title_filter: '"data engineer"',
    description_type: "text",
    include_ai: "true",
    limit: "100",
    location_filter: "Munich",
    ai_work_arrangement_filter: "Hybrid",
    ai_employment_type_filter: "FULL_TIME",
    ai_experience_level_filter: "2-5",
    ai_taxonomies_a_filter: "Data & Analytics",
  });
  const since = new Date("2026-11-27T12:00:00Z");
  const day = activeJobsParams({ titleKeyword: "nurse", location: "germany" }, {
    since,
    until: NOW,
  });
  assert.equal(day.endpoint, "/active-ats-24h");
  assert.equal(day.params.location_filter, "Germany");
  // two hours earlier than asked: jobs are indexed 1-2 h after their date_posted
  assert.equal(day.params.date_filter, "2026-11-27T10:00:00");
  const fullDay = activeJobsParams({ titleKeyword: "nurse", location: "germany" }, days(1));
  assert.equal(fullDay.endpoint, "/active-ats-24h");
  assert.equal(fullDay.params.date_filter, undefined, "the endpoint's own window suffices");
  const missedHours = activeJobsParams({ titleKeyword: "nurse", location: "germany" }, {
    since: new Date("2026-11-27T06:30:00Z"),
    until: NOW,
  });
  assert.equal(missedHours.endpoint, "/active-ats-7d", "25.5 hours do not fit the 24h endpoint");
  assert.equal(missedHours.params.date_filter, "2026-11-27T04:30:00");
  const three = activeJobsParams({ titleKeyword: "nurse", location: "germany" }, days(3));
  assert.equal(three.endpoint, "/active-ats-7d");
  assert.equal(three.params.date_filter, "2026-11-25T06:00:00", "since narrows the 7-day window");
  const remote = activeJobsParams({ titleKeyword: "designer", location: "remote" }, days(7));
  assert.equal(remote.params.location_filter, undefined);
  assert.equal(remote.params.ai_work_arrangement_filter, "Remote OK,Remote Solely");
});

Deno.test("RapidAPI: quota headers, the two kinds of 429, Retry-After", () => {
  const quota = readQuota(
    new Headers({
      "x-ratelimit-requests-limit": "200",
      "x-ratelimit-requests-remaining": "17",
      "x-ratelimit-requests-reset": "775574",
      "x-ratelimit-jobs-remaining": "0",
      "x-ratelimit-jobs-limit": "250",
    }),
  );
  assert.deepEqual(quota, {
    requestsLimit: 200,
    requestsRemaining: 17,
    jobsLimit: 250,
    jobsRemaining: 0,
    resetSeconds: 775574,
  });
  const open = { ...quota, jobsRemaining: 10 };
  assert.equal(
    classifyTooManyRequests(
      "You have exceeded the MONTHLY quota for Requests on your current plan, BASIC.",
      open,
    ),
    "quota",
  );
  assert.equal(
    classifyTooManyRequests("You have exceeded the DAILY quota for Requests on your plan", open),
    "quota",
  );
  assert.equal(
    classifyTooManyRequests(
      "You have exceeded the rate limit per second for your plan, BASIC, by the API provider",
      open,
    ),
    "rate_limit",
  );
  assert.equal(classifyTooManyRequests("Too many requests", open), "rate_limit");
  assert.equal(classifyTooManyRequests("Slow down", { ...open, requestsRemaining: 0 }), "quota");
  assert.equal(
    classifyTooManyRequests("Too many requests", { ...open, requestsRemaining: 0 }),
    "quota",
    "the headers win over a throttling text",
  );
  assert.equal(
    classifyTooManyRequests("Too many requests", { ...open, jobsRemaining: 0 }),
    "quota",
  );
  assert.equal(retryAfterMs(new Headers({ "retry-after": "2" }), NOW), 2000);
  assert.equal(
    retryAfterMs(new Headers({ "retry-after": "Sat, 28 Nov 2026 08:00:05 GMT" }), NOW),
    5000,
  );
  assert.equal(retryAfterMs(new Headers(), NOW), null);
});

Deno.test("the limiter caps concurrency and spaces call starts", async () => {
  const limiter = createLimiter({ requestsPerSecond: 50, maxConcurrency: 2 });
  let active = 0;
  let peak = 0;
  const starts: number[] = [];
  await Promise.all(Array.from({ length: 6 }, () =>
    limiter.run(async () => {
      starts.push(performance.now());
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setTimeout(resolve, 70));
      active--;
    })));
  // starts 20 ms apart, each call 70 ms long: without the cap, 4 would overlap
  assert.equal(peak, 2);
  // 6 starts at most 50 per second: the last start is at least 5 intervals (100 ms) after the
  // first, minus timer slack
  assert.ok(starts.at(-1)! - starts[0] >= 90, `spread ${starts.at(-1)! - starts[0]} ms`);
});

Deno.test("the limiter never starts more than the rate in any second, even when timers fire late", async () => {
  let clock = 0;
  let jitter = 0;
  const limiter = createLimiter({
    requestsPerSecond: 5,
    maxConcurrency: 10,
    now: () => clock,
    // timers fire up to 45 ms late, unevenly (the clock moves when the timer fires)
    sleep: (ms) =>
      new Promise((resolve) =>
        setTimeout(() => {
          clock += ms + (jitter = (jitter + 17) % 46);
          resolve();
        }, 0)
      ),
  });
  const starts: number[] = [];
  await Promise.all(Array.from({ length: 30 }, () =>
    limiter.run(() => {
      starts.push(clock);
      return Promise.resolve();
    })));
  for (let i = 0; i + 5 < starts.length; i++) {
    assert.ok(
      starts[i + 5] - starts[i] >= 1000,
      `starts ${i}..${i + 5} within ${starts[i + 5] - starts[i]} ms`,
    );
  }
  for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= 200);
  // and a fractional rate keeps its average
  clock = 0;
  const slow = createLimiter({
    requestsPerSecond: 2.5,
    maxConcurrency: 10,
    now: () => clock,
    sleep: (ms) =>
      new Promise((resolve) =>
        setTimeout(() => {
          clock += ms;
          resolve();
        }, 0)
      ),
  });
  const slowStarts: number[] = [];
  await Promise.all(Array.from({ length: 11 }, () =>
    slow.run(() => {
      slowStarts.push(clock);
      return Promise.resolve();
    })));
  assert.equal(slowStarts.at(-1)! - slowStarts[0], 4000, "10 intervals of 400 ms");
});
