/**
 * The local fakes of JSearch and Active Jobs DB behave like the real APIs as their RapidAPI
 * listings and RapidAPI's gateway documentation describe them: determinism, paging and billing,
 * every gateway error, filters, date windows, overlap between the providers, and scripted faults.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  COMPANIES,
  createJobWorld,
  type FakeServer,
  normalizeSearchText,
  type RandomFaults,
  startFakeActiveJobsDb,
  startFakeJSearch,
  startProviderFakes,
} from "../local/fakes/mod.ts";

const NOW = new Date("2026-11-28T08:00:00Z");
const DAY_MS = 86_400_000;
const KEY = "test-key";
/** One world for most tests, so its cache makes them fast. */
const WORLD = createJobWorld();
const JSEARCH_HOST = "jsearch.p.rapidapi.com";
const AJDB_HOST = "active-jobs-db.p.rapidapi.com";

type Json = Record<string, unknown>;

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  // deno-lint-ignore no-explicit-any
  body: any;
}

interface GetOptions {
  key?: string | null;
  host?: string;
  signal?: AbortSignal;
}

async function get(
  server: FakeServer,
  path: string,
  params: Record<string, string | number> = {},
  options: GetOptions = {},
): Promise<Reply> {
  const query = new URLSearchParams(
    Object.entries(params).map(([name, value]) => [name, String(value)]),
  );
  const headers = new Headers();
  const key = options.key === undefined ? KEY : options.key;
  if (key !== null) headers.set("X-RapidAPI-Key", key);
  if (options.host) headers.set("X-RapidAPI-Host", options.host);
  const response = await fetch(`${server.url}${path}?${query}`, {
    headers,
    signal: options.signal,
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

function jsearch(server: FakeServer, params: Record<string, string | number>, key?: string) {
  return get(server, "/search", params, { key, host: JSEARCH_HOST });
}

function ajdb(server: FakeServer, path: string, params: Record<string, string | number> = {}) {
  return get(server, path, params, { host: AJDB_HOST });
}

function remaining(reply: Reply, what: "requests" | "jobs"): number {
  const value = reply.headers.get(`x-ratelimit-${what}-remaining`);
  assert.ok(value !== null, `x-ratelimit-${what}-remaining is missing`);
  return Number(value);
}

function ids(jobs: Json[], field = "job_id"): string[] {
  return jobs.map((job) => String(job[field]));
}

/** Scheme, `www.`, trailing slash and query dropped. */
function canonicalUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname.replace(/^www\./, "")}${parsed.pathname.replace(/\/$/, "")}`;
}

Deno.test("world: deterministic per search and day, later clocks add newer postings", () => {
  const search = { title: "Data Engineer", location: "Berlin" };
  const range = { from: new Date(NOW.getTime() - 14 * DAY_MS), to: NOW };
  const first = createJobWorld().postings(search, range);
  const again = createJobWorld().postings(
    { title: ' "data   ENGINEER" ', location: "berlin " },
    range,
  );
  assert.ok(first.length > 14 * 2, `only ${first.length} postings in 14 days`);
  assert.deepEqual(again.map((p) => p.uid), first.map((p) => p.uid));
  assert.equal(new Set(first.map((p) => p.uid)).size, first.length);
  for (let i = 1; i < first.length; i++) {
    assert.ok(first[i - 1].postedAt >= first[i].postedAt, "newest first");
  }

  const later = createJobWorld().postings(search, {
    from: range.from,
    to: new Date(NOW.getTime() + 2 * DAY_MS),
  });
  assert.ok(later.length > first.length);
  const laterIds = new Set(later.map((p) => p.uid));
  assert.ok(first.every((p) => laterIds.has(p.uid)), "a later clock keeps the earlier postings");
  assert.ok(first.every((p) => p.postedAt <= NOW), "never after `to`");

  const other = createJobWorld({ seed: "other" }).postings(search, range);
  assert.notDeepEqual(other.map((p) => p.uid), first.map((p) => p.uid));

  const munich = WORLD.postings({ title: "data engineer", location: "München" }, range);
  assert.deepEqual(
    munich.map((p) => p.uid),
    WORLD.postings({ title: "data engineer", location: "Munich" }, range).map((p) => p.uid),
  );
  assert.ok(munich.every((p) => p.city === "Munich" && p.region === "Bavaria"));
  const germany = WORLD.postings({ title: "data engineer", location: "Deutschland" }, range);
  assert.ok(new Set(germany.map((p) => p.city)).size > 2, "a country search spreads over cities");
  assert.ok(germany.every((p) => p.country === "DE" && p.countryName === "Germany"));
  const remote = WORLD.postings({ title: "data engineer", location: "Remote" }, range);
  assert.ok(remote.every((p) => p.remote) && new Set(remote.map((p) => p.country)).size > 1);
  const unknown = WORLD.postings({ title: "data engineer", location: "Atlantis" }, range);
  assert.ok(
    unknown.length > 0 && unknown.every((p) => p.country === "DE" && p.city === "Atlantis"),
  );

  for (const p of first) {
    assert.ok(p.description.length >= 800 && p.description.length <= 2500, p.description);
    assert.match(p.title, /Data Engineer/);
    assert.notEqual(p.company.name, p.company.brand, "a legal name and a brand");
    assert.ok(p.atsUrl.startsWith("https://"));
    assert.equal(p.overlapStyle === null, p.visibility !== "both");
  }
  assert.equal(normalizeSearchText('  "Data   Engineer" '), "data engineer");
});

Deno.test("both fakes: same search, same ids; a later clock adds newer ones", async () => {
  let now = NOW;
  const fakes = await startProviderFakes({
    world: WORLD,
    jsearch: { now: () => now },
    activeJobsDb: { now: () => now },
  });
  try {
    const query = { query: "data engineer in berlin", country: "de", date_posted: "week" };
    const feed = { title_filter: "Data Engineer", location_filter: "Berlin", limit: 100 };
    const js1 = ids((await jsearch(fakes.jsearch, { ...query, num_pages: 10 })).body.data);
    const aj1 = ids((await ajdb(fakes.activeJobsDb, "/active-ats-7d", feed)).body, "id");
    assert.deepEqual(
      ids((await jsearch(fakes.jsearch, { ...query, num_pages: 10 })).body.data),
      js1,
    );
    assert.deepEqual(ids((await ajdb(fakes.activeJobsDb, "/active-ats-7d", feed)).body, "id"), aj1);
    assert.ok(js1.length > 0 && aj1.length > 0);

    now = new Date(NOW.getTime() + DAY_MS);
    const js2 = ids((await jsearch(fakes.jsearch, { ...query, num_pages: 10 })).body.data);
    const aj2 = ids((await ajdb(fakes.activeJobsDb, "/active-ats-7d", feed)).body, "id");
    for (const [before, after] of [[js1, js2], [aj1, aj2]]) {
      const added = after.filter((id) => !before.includes(id));
      assert.ok(added.length > 0, "a day later there are newer postings");
      assert.deepEqual(after.slice(0, added.length), added, "newer postings come first");
      const kept = after.filter((id) => before.includes(id));
      assert.deepEqual(
        kept,
        before.filter((id) => after.includes(id)),
        "older ones keep their order",
      );
      assert.ok(kept.length > before.length / 2);
    }
  } finally {
    await fakes.close();
  }
});

Deno.test("jsearch: num_pages 1/5/15 bills 1/2/3 requests and returns 10/50/150 jobs", async () => {
  const server = await startFakeJSearch({ world: WORLD, now: () => NOW });
  try {
    const query = { query: "data engineer in berlin", country: "de" };
    const one = await jsearch(server, { ...query });
    assert.equal(one.status, 200);
    assert.equal(one.body.status, "OK");
    assert.match(one.body.request_id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-/);
    assert.deepEqual(one.body.parameters, {
      query: "data engineer in berlin",
      page: 1,
      num_pages: 1,
      date_posted: "all",
      country: "de",
      language: "de",
    });
    assert.equal(one.body.data.length, 10);
    assert.equal(remaining(one, "requests"), 199);
    assert.equal(one.headers.get("x-ratelimit-jobs-remaining"), null);
    const five = await jsearch(server, { ...query, num_pages: 5 });
    assert.equal(five.body.data.length, 50);
    assert.equal(remaining(five, "requests"), 197);
    const fifteen = await jsearch(server, { ...query, num_pages: 15 });
    assert.ok(fifteen.body.data.length > 100 && fifteen.body.data.length <= 150);
    assert.equal(remaining(fifteen, "requests"), 194);
    assert.deepEqual(server.requests.map((r) => r.credits), [1, 2, 3]);
    assert.deepEqual(ids(five.body.data).slice(0, 10), ids(one.body.data), "pages concatenate");
    const page2 = await jsearch(server, { ...query, page: 2 });
    assert.deepEqual(ids(page2.body.data), ids(five.body.data).slice(10, 20));
    assert.equal(server.usage().requestsRemaining, 193);

    const job = one.body.data[0] as Json;
    for (
      const field of [
        "job_id",
        "job_title",
        "employer_name",
        "employer_logo",
        "employer_website",
        "job_publisher",
        "job_employment_type",
        "job_employment_types",
        "job_apply_link",
        "job_apply_is_direct",
        "apply_options",
        "job_description",
        "job_is_remote",
        "job_posted_at",
        "job_posted_at_timestamp",
        "job_posted_at_datetime_utc",
        "job_location",
        "job_city",
        "job_state",
        "job_country",
        "job_latitude",
        "job_longitude",
        "job_benefits",
        "job_google_link",
        "job_salary",
        "job_min_salary",
        "job_max_salary",
        "job_salary_period",
        "job_highlights",
        "job_onet_soc",
        "job_onet_job_zone",
      ]
    ) {
      assert.ok(field in job, `job object lacks ${field}`);
    }
    assert.match(String(job.job_id), /^[A-Za-z0-9_-]{22}==$/);
    assert.equal(job.job_country, "DE");
    assert.match(String(job.job_posted_at), /ago|just now/);
    assert.equal(typeof job.job_posted_at_timestamp, "number");
    const all = fifteen.body.data as Json[];
    const times = all.map((j) => Number(j.job_posted_at_timestamp));
    assert.ok(times.every((t, i) => i === 0 || times[i - 1] >= t), "newest first");
  } finally {
    await server.close();
  }
});

Deno.test("jsearch: parameter errors answer 400 in the JSearch error shape", async () => {
  const server = await startFakeJSearch({ world: WORLD, now: () => NOW });
  try {
    const missing = await jsearch(server, { country: "de" });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.status, "ERROR");
    assert.match(missing.body.request_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(missing.body.error, {
      message: "Missing required parameter: query",
      code: 400,
    });
    for (
      const [name, value] of [
        ["page", 0],
        ["page", 101],
        ["page", "two"],
        ["num_pages", 21],
        ["date_posted", "yesterday"],
      ] as const
    ) {
      const bad = await jsearch(server, { query: "data engineer in berlin", [name]: value });
      assert.equal(bad.status, 400, `${name}=${value}`);
      assert.match(bad.body.error.message, new RegExp(name));
    }
  } finally {
    await server.close();
  }
});

Deno.test("jsearch: country filter, date windows and job filters", async () => {
  const server = await startFakeJSearch({ world: WORLD, now: () => NOW });
  try {
    const us = await jsearch(server, { query: "data engineer in berlin" });
    assert.equal(us.status, 200);
    assert.deepEqual(us.body.data, [], "without country=de a Berlin search finds nothing");
    assert.equal(us.body.parameters.country, "us");

    const windows: Record<string, Set<string>> = {};
    for (const window of ["today", "week", "month"]) {
      const reply = await jsearch(server, {
        query: "data engineer in berlin",
        country: "de",
        date_posted: window,
        num_pages: 20,
      });
      windows[window] = new Set(ids(reply.body.data));
      const oldest = Math.min(
        ...reply.body.data.map((j: Json) => Number(j.job_posted_at_timestamp)),
      );
      const reach = { today: 1, week: 7, month: 30 }[window]! * DAY_MS + DAY_MS;
      assert.ok(oldest * 1000 >= NOW.getTime() - reach, `${window} reaches too far back`);
    }
    assert.ok(windows.today.size > 0);
    assert.ok(windows.today.size < windows.week.size && windows.week.size < windows.month.size);
    assert.ok([...windows.today].every((id) => windows.week.has(id)));
    assert.ok([...windows.week].every((id) => windows.month.has(id)));

    const query = { query: "data engineer in germany", country: "de", num_pages: 3 };
    const remote = await jsearch(server, { ...query, work_from_home: "true" });
    assert.ok(remote.body.data.length > 0);
    assert.ok(remote.body.data.every((j: Json) => j.job_is_remote === true));
    const interns = await jsearch(server, { ...query, employment_types: "INTERN" });
    assert.ok(interns.body.data.length > 0);
    assert.ok(
      interns.body.data.every((j: Json) => (j.job_employment_types as string[])[0] === "INTERN"),
    );
    const projected = await jsearch(server, { ...query, fields: "job_id,employer_name,job_title" });
    assert.deepEqual(Object.keys(projected.body.data[0]), ["job_id", "employer_name", "job_title"]);
  } finally {
    await server.close();
  }
});

Deno.test("active jobs db: bare array, paging ends short, a job credit a record", async () => {
  const server = await startFakeActiveJobsDb({ world: WORLD, now: () => NOW });
  try {
    const params = { title_filter: '"Data Engineer"', location_filter: "Berlin", limit: 10 };
    const seen: string[] = [];
    let jobsLeft = 250;
    let requestsLeft = 10_000;
    let page: Reply;
    let offset = 0;
    do {
      page = await ajdb(server, "/active-ats-7d", { ...params, offset });
      assert.equal(page.status, 200);
      assert.ok(Array.isArray(page.body), "the top level is a bare array");
      jobsLeft -= page.body.length;
      requestsLeft -= 1;
      assert.equal(remaining(page, "jobs"), jobsLeft);
      assert.equal(remaining(page, "requests"), requestsLeft);
      assert.equal(page.headers.get("x-ratelimit-jobs-limit"), "250");
      seen.push(...ids(page.body, "id"));
      offset += 10;
    } while (page.body.length === 10);
    assert.ok(page.body.length < 10, "the last page is short");
    assert.ok(seen.length > 10);
    assert.equal(new Set(seen).size, seen.length, "no record twice across pages");
    assert.deepEqual(server.usage(), { requestsRemaining: requestsLeft, jobsRemaining: jobsLeft });

    const first = (await ajdb(server, "/active-ats-7d", params)).body[0] as Json;
    assert.match(String(first.id), /^\d+$/);
    assert.match(String(first.date_posted), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
    assert.equal(
      new Date(`${first.date_created}Z`).getTime() - new Date(`${first.date_posted}Z`).getTime(),
      3_600_000,
    );
    assert.equal(first.source_type, "ats");
    assert.ok(!("description_text" in first) && !("description_html" in first));
    assert.ok(!("ai_work_arrangement" in first) && !("linkedin_org_url" in first));
    assert.deepEqual(first.countries_derived, ["Germany"]);
    assert.match((first.locations_derived as string[])[0], /^Berlin, Berlin, Germany$/);

    const rich = (await ajdb(server, "/active-ats-7d", {
      ...params,
      description_type: "text",
      include_ai: "true",
      include_li: "true",
    })).body[0] as Json;
    assert.equal(typeof rich.description_text, "string");
    for (
      const field of ["ai_taxonomies_a", "ai_key_skills", "ai_experience_level", "linkedin_org_url"]
    ) {
      assert.ok(field in rich, field);
    }
    const html = (await ajdb(server, "/active-ats-7d", { ...params, description_type: "html" }))
      .body[0] as Json;
    assert.match(String(html.description_html), /<ul><li>/);
  } finally {
    await server.close();
  }
});

Deno.test("active jobs db: windows, date_filter, location and ai filters, validation", async () => {
  const server = await startFakeActiveJobsDb({ world: WORLD, now: () => NOW });
  try {
    const base = { title_filter: "Data Engineer", location_filter: "Germany", limit: 100 };
    const week = (await ajdb(server, "/active-ats-7d", base)).body as Json[];
    const day = (await ajdb(server, "/active-ats-24h", base)).body as Json[];
    assert.ok(day.length > 0 && day.length < week.length);
    const weekIds = new Set(ids(week, "id"));
    assert.ok(ids(day, "id").every((id) => weekIds.has(id)), "24h is within 7d");
    for (const job of day) {
      const created = new Date(`${job.date_created}Z`).getTime();
      assert.ok(created >= NOW.getTime() - DAY_MS && created <= NOW.getTime());
    }

    const since = new Date(NOW.getTime() - 2 * DAY_MS).toISOString().slice(0, 19);
    const recent = (await ajdb(server, "/active-ats-7d", { ...base, date_filter: since }))
      .body as Json[];
    assert.ok(recent.length > 0 && recent.length < week.length);
    assert.ok(recent.every((job) => String(job.date_posted) > since));
    const byDay = await ajdb(server, "/active-ats-7d", { ...base, date_filter: "2026-11-27" });
    assert.ok(byDay.body.every((job: Json) => String(job.date_posted) >= "2026-11-27T00:00:01"));

    const iso = await ajdb(server, "/active-ats-7d", { ...base, location_filter: "DE" });
    assert.deepEqual(iso.body, [], "ISO codes match nothing");
    const berlin = (await ajdb(server, "/active-ats-7d", { ...base, location_filter: "Berlin" }))
      .body as Json[];
    const hamburg = (await ajdb(server, "/active-ats-7d", { ...base, location_filter: "Hamburg" }))
      .body as Json[];
    const either = (await ajdb(server, "/active-ats-7d", {
      ...base,
      location_filter: "Berlin OR Hamburg",
    })).body as Json[];
    assert.equal(either.length, Math.min(100, berlin.length + hamburg.length));

    const filtered = (await ajdb(server, "/active-ats-7d", {
      ...base,
      include_ai: "true",
      ai_work_arrangement_filter: "Remote OK,Remote Solely",
      ai_experience_level_filter: "5-10,10+",
    })).body as Json[];
    assert.ok(filtered.length > 0 && filtered.length < week.length);
    for (const job of filtered) {
      assert.ok(["Remote OK", "Remote Solely"].includes(String(job.ai_work_arrangement)));
      assert.ok(["5-10", "10+"].includes(String(job.ai_experience_level)));
    }
    const taxonomy = await ajdb(server, "/active-ats-7d", {
      ...base,
      ai_taxonomies_a_filter: "Healthcare",
    });
    assert.deepEqual(taxonomy.body, []);

    for (
      const [params, message] of [
        [{ limit: 5 }, "limit must be between 10 and 100"],
        [{ limit: 101 }, "limit must be between 10 and 100"],
        [{ offset: -1 }, "offset must be a non-negative integer"],
        [{ date_filter: "last week" }, "Invalid date_filter"],
      ] as const
    ) {
      const bad = await ajdb(server, "/active-ats-7d", { ...base, ...params });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body, { message });
    }
  } finally {
    await server.close();
  }
});

Deno.test("gateway: 401, 403, 404 carry no quota headers; the key is never logged", async () => {
  const server = await startFakeJSearch({
    world: WORLD,
    now: () => NOW,
    keys: ["good-key"],
    unsubscribedKeys: ["other-api-key"],
  });
  try {
    const query = { query: "data engineer in berlin", country: "de" };
    const missing = await get(server, "/search", query, { key: null });
    const wrong = await jsearch(server, query, "secret-wrong-key");
    for (const reply of [missing, wrong]) {
      assert.equal(reply.status, 401);
      assert.deepEqual(reply.body, {
        message: "Invalid API key. Go to https://docs.rapidapi.com/docs/keys for more info.",
      });
    }
    const unsubscribed = await jsearch(server, query, "other-api-key");
    assert.equal(unsubscribed.status, 403);
    assert.deepEqual(unsubscribed.body, { message: "You are not subscribed to this API." });
    const unknown = await get(server, "/jobs", query, { key: "good-key" });
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { message: "Endpoint '/jobs' does not exist" });
    for (const reply of [missing, wrong, unsubscribed, unknown]) {
      assert.equal(reply.headers.get("x-ratelimit-requests-remaining"), null);
      assert.equal(reply.headers.get("content-type"), "application/json");
      assert.equal(reply.headers.get("server"), "RapidAPI-0.0.45");
      assert.match(reply.headers.get("x-rapidapi-request-id") ?? "", /^[0-9a-f]{64}$/);
    }
    const ok = await jsearch(server, query, "good-key");
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("x-rapidapi-version"), "0.0.45");
    assert.equal(ok.headers.get("x-rapidapi-region"), "AWS - eu-central-1");
    assert.equal(
      ok.headers.get("x-ratelimit-requests-reset"),
      String((3 * DAY_MS - 8 * 3_600_000) / 1000),
    );

    assert.deepEqual(server.requests.map((r) => [r.status, r.keyPresent, r.credits]), [
      [401, false, 0],
      [401, true, 0],
      [403, true, 0],
      [404, true, 0],
      [200, true, 1],
    ]);
    assert.equal(server.requests[1].host, JSEARCH_HOST);
    assert.equal(server.requests[4].params.query, "data engineer in berlin");
    const log = JSON.stringify(server.requests);
    for (const key of ["good-key", "secret-wrong-key", "other-api-key"]) {
      assert.ok(!log.includes(key), `${key} leaked into the log`);
    }
    server.clearLog();
    assert.equal(server.requests.length, 0);

    const ajdbServer = await startFakeActiveJobsDb({ world: WORLD, now: () => NOW });
    try {
      const plain = await ajdb(ajdbServer, "/active-ats");
      assert.equal(plain.status, 404);
      assert.deepEqual(plain.body, { message: "Endpoint '/active-ats' does not exist" });
      const ultra = await ajdb(ajdbServer, "/active-ats-6m", { title_filter: "Data Engineer" });
      assert.equal(ultra.status, 403);
      assert.deepEqual(ultra.body, {
        message: "This endpoint requires an Ultra or Mega subscription",
      });
    } finally {
      await ajdbServer.close();
    }
  } finally {
    await server.close();
  }
});

Deno.test("gateway: monthly requests and jobs quotas answer 429 and spend nothing", async () => {
  let now = NOW;
  const fakes = await startProviderFakes({
    world: WORLD,
    jsearch: { now: () => now },
    activeJobsDb: { now: () => now },
  });
  try {
    const query = { query: "data engineer in berlin", country: "de" };
    fakes.jsearch.setQuota({ requestsRemaining: 1 });
    const tooBig = await jsearch(fakes.jsearch, { ...query, num_pages: 2 });
    assert.equal(tooBig.status, 429);
    assert.deepEqual(tooBig.body, {
      message: "You have exceeded the MONTHLY quota for Requests on your current plan, BASIC. " +
        "Upgrade your plan at https://rapidapi.com/letscrape-6bRBa3QguO5/api/jsearch",
    });
    assert.equal(remaining(tooBig, "requests"), 1);
    assert.equal((await jsearch(fakes.jsearch, query)).status, 200);
    const spent = await jsearch(fakes.jsearch, query);
    assert.equal(spent.status, 429);
    assert.equal(remaining(spent, "requests"), 0);
    assert.deepEqual(fakes.jsearch.usage(), { requestsRemaining: 0 });
    now = new Date("2026-12-01T00:00:00Z");
    const refilled = await jsearch(fakes.jsearch, query);
    assert.equal(refilled.status, 200, "a new month refills the quota");
    assert.equal(remaining(refilled, "requests"), 199);
    now = NOW;

    const feed = { title_filter: "Data Engineer", location_filter: "Germany", limit: 10 };
    fakes.activeJobsDb.setQuota({ jobsRemaining: 3 });
    const full = await ajdb(fakes.activeJobsDb, "/active-ats-7d", feed);
    assert.equal(full.status, 200);
    assert.equal(full.body.length, 10, "an admitted request returns its full page");
    assert.equal(remaining(full, "jobs"), 0, "job credits clamp at 0");
    const out = await ajdb(fakes.activeJobsDb, "/active-ats-7d", feed);
    assert.equal(out.status, 429);
    assert.deepEqual(out.body, {
      message: "You have exceeded the MONTHLY quota for Jobs on your current plan, BASIC. " +
        "Upgrade your plan at https://rapidapi.com/" +
        "fantastic-jobs-fantastic-jobs-default/api/active-jobs-db",
    });
    assert.ok(remaining(out, "requests") > 0);
    assert.deepEqual(fakes.activeJobsDb.usage(), { requestsRemaining: 9_999, jobsRemaining: 0 });
    assert.deepEqual(
      fakes.activeJobsDb.requests.map((r) => [r.status, r.credits, r.jobsReturned]),
      [
        [200, 1, 10],
        [429, 0, 0],
      ],
    );
  } finally {
    await fakes.close();
  }
});

Deno.test("gateway: per-second limit answers 429 while monthly requests remain", async () => {
  let now = NOW;
  const server = await startFakeActiveJobsDb({
    world: WORLD,
    now: () => now,
    plan: { name: "ULTRA", monthlyRequests: 20_000, monthlyJobs: 20_000, perSecond: 2 },
  });
  try {
    const feed = { title_filter: "Data Engineer", location_filter: "Berlin", limit: 10 };
    const first = await ajdb(server, "/active-ats-24h", feed);
    assert.equal(first.status, 200);
    assert.equal(first.headers.get("x-ratelimit-limit"), "2");
    assert.equal(first.headers.get("x-ratelimit-remaining"), "1");
    assert.equal((await ajdb(server, "/active-ats-24h", feed)).status, 200);
    const third = await ajdb(server, "/active-ats-24h", feed);
    assert.equal(third.status, 429);
    assert.deepEqual(third.body, {
      message:
        "You have exceeded the rate limit per second for your plan, ULTRA, by the API provider",
    });
    assert.equal(remaining(third, "requests"), 19_998);
    assert.equal(third.headers.get("x-ratelimit-remaining"), "0");
    now = new Date(NOW.getTime() + 1001);
    assert.equal((await ajdb(server, "/active-ats-24h", feed)).status, 200);

    const backfill = await ajdb(server, "/active-ats-6m", { ...feed, limit: 500 });
    assert.equal(backfill.status, 200, "ULTRA may call the 6m backfill");
    assert.ok(backfill.body.length > 100);
    now = new Date(NOW.getTime() + 3000);
    const expired = await ajdb(server, "/active-ats-expired");
    assert.equal(expired.status, 200);
    assert.ok(
      Array.isArray(expired.body) && expired.body.every((id: unknown) => typeof id === "string"),
    );
  } finally {
    await server.close();
  }
});

Deno.test("faults: throttle_then_forbidden, status with retry-after, path filter", async () => {
  const server = await startFakeJSearch({ world: WORLD, now: () => NOW });
  try {
    const query = { query: "data engineer in berlin", country: "de" };
    server.inject({ kind: "throttle_then_forbidden" });
    const throttled = await jsearch(server, query);
    assert.equal(throttled.status, 429);
    assert.deepEqual(throttled.body, { message: "Too many requests" });
    assert.ok(remaining(throttled, "requests") > 0);
    const forbidden = await jsearch(server, query);
    assert.equal(forbidden.status, 403);
    assert.deepEqual(forbidden.body, { message: "You are not subscribed to this API." });
    assert.equal((await jsearch(server, query)).status, 200);

    server.inject({ kind: "status", status: 503, retryAfter: 7 }, { times: 2, path: "/search" });
    server.inject({ kind: "status", status: 500 }, { path: "/elsewhere" });
    for (let i = 0; i < 2; i++) {
      const unavailable = await jsearch(server, query);
      assert.equal(unavailable.status, 503);
      assert.equal(unavailable.headers.get("retry-after"), "7");
      assert.equal(typeof unavailable.body.message, "string");
    }
    assert.equal((await jsearch(server, query)).status, 200, "the /elsewhere fault stays queued");
    assert.deepEqual(
      server.requests.map((r) => [r.status, r.credits, r.fault ?? null]),
      [
        [429, 0, "throttle_then_forbidden"],
        [403, 0, "throttle_then_forbidden"],
        [200, 1, null],
        [503, 0, "status"],
        [503, 0, "status"],
        [200, 1, null],
      ],
    );
  } finally {
    await server.close();
  }
});

Deno.test("faults: a cut-off body is billed as its page, malformed records as a page", async () => {
  const fakes = await startProviderFakes({
    world: WORLD,
    jsearch: { now: () => NOW },
    activeJobsDb: { now: () => NOW },
  });
  try {
    const query = { query: "data engineer in berlin", country: "de" };
    fakes.jsearch.inject({ kind: "malformed_json" });
    const broken = await jsearch(fakes.jsearch, query);
    assert.equal(broken.status, 200);
    assert.equal(broken.body, undefined, "the body does not parse");
    assert.ok(broken.text.startsWith('{"status":"OK"'));
    assert.equal(remaining(broken, "requests"), 199, "the API answered: the proxy bills it");

    fakes.jsearch.inject({ kind: "malformed_records", count: 3 });
    const records = await jsearch(fakes.jsearch, query);
    assert.equal(records.body.data.length, 13);
    const extra = records.body.data.slice(10) as Json[];
    assert.ok(extra.some((job) => !("job_id" in job)));
    assert.ok(extra.some((job) => !("job_title" in job)));
    assert.ok(
      extra.some((job) => Number.isNaN(Date.parse(String(job.job_posted_at_datetime_utc)))),
    );
    assert.equal(fakes.jsearch.usage().requestsRemaining, 198);

    const feed = { title_filter: "Data Engineer", location_filter: "Germany", limit: 10 };
    fakes.activeJobsDb.inject({ kind: "malformed_json" });
    const cut = await ajdb(fakes.activeJobsDb, "/active-ats-7d", feed);
    assert.equal(cut.status, 200);
    assert.equal(cut.body, undefined);
    assert.equal(remaining(cut, "jobs"), 240, "the 10 records of the page it cut are billed");
    fakes.activeJobsDb.inject({ kind: "malformed_records", count: 2 });
    const page = await ajdb(fakes.activeJobsDb, "/active-ats-7d", feed);
    assert.equal(page.body.length, 12);
    assert.equal(remaining(page, "jobs"), 228);
    assert.deepEqual(
      [...fakes.jsearch.requests, ...fakes.activeJobsDb.requests].map((r) => [
        r.status,
        r.credits,
        r.jobsReturned,
        r.fault,
      ]),
      [
        [200, 1, 10, "malformed_json"],
        [200, 1, 13, "malformed_records"],
        [200, 1, 10, "malformed_json"],
        [200, 1, 12, "malformed_records"],
      ],
    );
    assert.ok(!("id" in page.body[10]) && !("title" in page.body[11]));
  } finally {
    await fakes.close();
  }
});

Deno.test("faults: a timeout the client aborts, and one the server's close releases", async () => {
  const server = await startFakeJSearch({ world: WORLD, now: () => NOW });
  try {
    const query = { query: "data engineer in berlin", country: "de" };
    server.inject({ kind: "timeout", ms: 10_000 });
    await assert.rejects(
      get(server, "/search", query, { signal: AbortSignal.timeout(200) }),
      (error: Error) => error.name === "TimeoutError",
    );
    for (let i = 0; i < 100 && server.requests[0]?.status !== 499; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(server.requests[0].status, 499, "the fake saw the client go away");
    assert.equal(server.requests[0].fault, "timeout");
    assert.equal(server.usage().requestsRemaining, 200);

    server.inject({ kind: "latency", ms: 50 });
    const started = performance.now();
    assert.equal((await jsearch(server, query)).status, 200);
    assert.ok(performance.now() - started >= 45);

    server.inject({ kind: "timeout" });
    const held = get(server, "/search", query).catch((error: Error) => error);
    while (server.requests.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await server.close();
    const result = await held;
    assert.ok(result instanceof Error || result.status === 504);
  } finally {
    await server.close();
  }
});

Deno.test("faults: random ones are seeded, at about their rate, after scripted ones", async () => {
  const query = { query: "data engineer in berlin", country: "de", date_posted: "today" };
  /** `count` requests to a fake with `randomFaults`: each one's fault, status, credits. */
  async function suffered(randomFaults: RandomFaults, count: number, scripted = false) {
    const server = await startFakeJSearch({ world: WORLD, now: () => NOW, randomFaults });
    try {
      if (scripted) server.inject({ kind: "status", status: 418 });
      const replies: Reply[] = [];
      for (let i = 0; i < count; i++) replies.push(await jsearch(server, query));
      return server.requests.map((request, i) => ({
        fault: request.fault ?? null,
        status: request.status,
        credits: request.credits,
        retryAfter: replies[i].headers.get("retry-after"),
        parses: replies[i].body !== undefined,
      }));
    } finally {
      await server.close();
    }
  }
  const none = await suffered({ rate: 0, seed: 3 }, 40);
  assert.ok(none.every((r) => r.fault === null && r.status === 200 && r.credits === 1));

  const all = await suffered({ rate: 1, seed: 3, timeoutMs: 1 }, 60);
  assert.ok(all.every((r) => r.fault !== null && r.fault.startsWith("random:")));
  const byKind = Object.groupBy(all, (r) => r.fault!);
  assert.deepEqual(Object.keys(byKind).sort(), [
    "random:malformed_json",
    "random:server_error",
    "random:throttle",
    "random:timeout",
  ]);
  for (const r of byKind["random:throttle"]!) {
    assert.equal(r.status, 429);
    assert.ok(r.retryAfter === "0" || r.retryAfter === "1", `retry-after ${r.retryAfter}`);
  }
  assert.ok(byKind["random:server_error"]!.every((r) => [500, 502, 503].includes(r.status)));
  assert.ok(byKind["random:timeout"]!.every((r) => r.status === 504));
  assert.ok(byKind["random:malformed_json"]!.every((r) => r.status === 200 && !r.parses));
  assert.ok(
    all.every((r) => r.credits === (r.fault === "random:malformed_json" ? 1 : 0)),
    "only a cut-off body is billed",
  );

  const some = await suffered({ rate: 0.3, seed: 7, timeoutMs: 1 }, 200);
  const faulted = some.filter((r) => r.fault !== null).length;
  assert.ok(faulted >= 40 && faulted <= 80, `${faulted} of 200 requests faulted at rate 0.3`);
  const again = await suffered({ rate: 0.3, seed: 7, timeoutMs: 1 }, 200);
  assert.deepEqual(again.map((r) => [r.fault, r.status]), some.map((r) => [r.fault, r.status]));

  const only = await suffered({ rate: 1, kinds: ["server_error"] }, 5, true);
  assert.deepEqual(only.map((r) => r.fault), ["status", ...Array(4).fill("random:server_error")]);
  assert.equal(only[0].status, 418, "a scripted fault comes first");
  await assert.rejects(
    async () => await startFakeJSearch({ randomFaults: { rate: 1.5 } }),
    /rate must be 0 to 1/,
  );
});

Deno.test("overlap: postings both providers carry, in the documented variants", async () => {
  const world = createJobWorld({ seed: "overlap", postingsPerDay: 20 });
  const fakes = await startProviderFakes({
    world,
    jsearch: { now: () => NOW },
    activeJobsDb: {
      now: () => NOW,
      plan: { name: "PRO", monthlyRequests: 10_000, monthlyJobs: 10_000 },
    },
  });
  try {
    const js = (await jsearch(fakes.jsearch, {
      query: "data engineer in berlin",
      country: "de",
      date_posted: "week",
      num_pages: 20,
    })).body.data as Json[];
    const aj: Json[] = [];
    for (let offset = 0;; offset += 100) {
      const page = (await ajdb(fakes.activeJobsDb, "/active-ats-7d", {
        title_filter: "Data Engineer",
        location_filter: "Berlin",
        offset,
      })).body as Json[];
      aj.push(...page);
      if (page.length < 100) break;
    }
    const legal = new Map(COMPANIES.map((c) => [c.brand, c.name]));

    const byUrl = new Map(aj.map((job) => [canonicalUrl(String(job.url)), job]));
    const sameUrl = js.filter((job) =>
      (job.apply_options as Json[]).some((o) =>
        o.is_direct && byUrl.has(canonicalUrl(String(o.apply_link)))
      )
    );
    assert.ok(sameUrl.length >= 3, `only ${sameUrl.length} same-URL overlaps`);
    for (const job of sameUrl) {
      assert.equal(job.job_apply_is_direct, true);
      assert.match(
        String(job.job_apply_link),
        /utm_campaign=google_jobs_apply&utm_source=google_jobs_apply/,
      );
      const other = byUrl.get(canonicalUrl(String(job.job_apply_link)))!;
      assert.notEqual(job.job_apply_link, other.url);
      assert.equal(job.job_title, other.title);
    }
    assert.ok(
      sameUrl.some((job) =>
        /^http:|\/\/www\.|\/\?|[?&](gh_src|src)=/.test(String(job.job_apply_link))
      ),
      "some tracked URLs differ by scheme, www., trailing slash or source parameter",
    );

    const urls = new Set(aj.map((job) => canonicalUrl(String(job.url))));
    const viaBoards = js.filter((job) =>
      (job.apply_options as Json[]).every((o) => !urls.has(canonicalUrl(String(o.apply_link))))
    );
    const fingerprint = viaBoards.filter((job) =>
      job.job_city === "Berlin" &&
      aj.some((other) =>
        other.title === job.job_title &&
        other.organization === legal.get(String(job.employer_name)) &&
        other.organization !== job.employer_name
      )
    );
    assert.ok(fingerprint.length >= 1, "brand-vs-legal-name overlaps exist");
    const coarse = viaBoards.filter((job) =>
      job.job_city === null && job.job_state === null && job.job_location === "Germany" &&
      aj.some((other) =>
        other.title === job.job_title && other.organization === job.employer_name &&
        (other.cities_derived as string[])[0] === "Berlin"
      )
    );
    assert.ok(coarse.length >= 1, "country-only overlaps exist");

    const byText = new Map<string, Json[]>();
    for (const job of js) {
      const key = `${job.job_title}|${job.employer_name}|${job.job_description}`;
      byText.set(key, [...(byText.get(key) ?? []), job]);
    }
    const duplicates = [...byText.values()].filter((group) => group.length > 1);
    assert.ok(duplicates.length >= 1, "JSearch returns some postings twice");
    for (const [a, b] of duplicates) {
      assert.notEqual(a.job_id, b.job_id);
      assert.notEqual(a.job_publisher, b.job_publisher);
    }
    assert.equal(new Set(ids(js)).size, js.length, "job ids are unique");
    assert.ok(js.length > 40 && aj.length > 40);
  } finally {
    await fakes.close();
  }
});
