/**
 * What the local fakes of JSearch and Active Jobs DB do that no product test shows: the world's
 * determinism and overlap, parameter validation, filters and date windows, the gateway's refusals
 * and quotas, and faults the product tests do not script (client aborts, random faults).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  createJobWorld,
  type FakeServer,
  startFakeActiveJobsDb,
  startFakeJSearch,
  startProviderFakes,
} from "../local/fakes/mod.ts";

const NOW = new Date("2026-11-28T08:00:00Z");
const DAY_MS = 86_400_000;
/** One world for most tests, so its cache makes them fast. */
const WORLD = createJobWorld();
type Json = Record<string, unknown>;
const BERLIN = { query: "data engineer in berlin", country: "de" };
const FEED = { title_filter: '"Data Engineer"', location_filter: "Germany", limit: 100 };

async function get(
  server: FakeServer,
  path: string,
  params: Json = {},
  key: string | null = "test-key",
) {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  const headers = key === null ? undefined : { "x-rapidapi-key": key };
  const response = await fetch(`${server.url}${path}?${query}`, { headers });
  const text = await response.text();
  // deno-lint-ignore no-explicit-any
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

const ids = (jobs: Json[], field = "job_id") => jobs.map((job) => String(job[field]));

Deno.test("world: deterministic, newer postings later, ads that name their skills", () => {
  const range = { from: new Date(NOW.getTime() - 14 * DAY_MS), to: NOW };
  const first = WORLD.postings({ title: "Data Engineer", location: "Berlin" }, range);
  const again = createJobWorld().postings(
    { title: ' "data  ENGINEER" ', location: "berlin" },
    range,
  );
  assert.ok(first.length > 28, `only ${first.length} postings in 14 days`);
  assert.deepEqual(again.map((p) => p.uid), first.map((p) => p.uid));
  assert.ok(first.every((p, i) => i === 0 || first[i - 1].postedAt >= p.postedAt), "newest first");
  const later = WORLD.postings({ title: "data engineer", location: "München" }, {
    from: range.from,
    to: new Date(NOW.getTime() + DAY_MS),
  });
  const munich = WORLD.postings({ title: "data engineer", location: "Munich" }, range);
  assert.ok(later.length > munich.length, "a later clock adds newer postings");
  assert.deepEqual(later.slice(-munich.length).map((p) => p.uid), munich.map((p) => p.uid));
  assert.ok(munich.every((p) => p.city === "Munich" && p.region === "Bavaria"));
  const germany = WORLD.postings({ title: "data engineer", location: "Deutschland" }, range);
  assert.ok(new Set(germany.map((p) => p.city)).size > 2, "a country spreads over its cities");
  const atlantis = WORLD.postings({ title: "data engineer", location: "Atlantis" }, range);
  assert.ok(atlantis.length > 0 && atlantis.every((p) => p.city === "Atlantis"));
  for (const language of ["de", "en"]) {
    const ad = first.find((p) => p.language === language)!;
    assert.ok(ad, `an ad in ${language}`);
    assert.match(ad.description, language === "de" ? /Deine Aufgaben/ : /What you will do/);
    assert.ok(ad.skills.every((skill) => ad.description.includes(skill)), ad.description);
  }
  assert.ok(first.every((p) => p.company.name !== p.company.brand), "a legal name and a brand");
});

Deno.test("jsearch: billing by num_pages, pages, windows, filters, 400s", async () => {
  const server = await startFakeJSearch({ world: WORLD, now: () => NOW });
  try {
    const one = await get(server, "/search", BERLIN);
    assert.equal(one.body.status, "OK");
    assert.equal(one.body.data.length, 10);
    const five = await get(server, "/search", { ...BERLIN, num_pages: 5 });
    const fifteen = await get(server, "/search", { ...BERLIN, num_pages: 15 });
    assert.deepEqual(server.requests.map((r) => r.credits), [1, 2, 3]);
    assert.equal(fifteen.headers.get("x-ratelimit-requests-remaining"), "194");
    assert.deepEqual(ids(five.body.data).slice(0, 10), ids(one.body.data));
    const page2 = await get(server, "/search", { ...BERLIN, page: 2 });
    assert.deepEqual(ids(page2.body.data), ids(five.body.data).slice(10, 20));
    const us = await get(server, "/search", { query: BERLIN.query });
    assert.deepEqual(us.body.data, [], "without country=de a Berlin search finds nothing");

    const sizes = [];
    for (const date_posted of ["today", "week", "month"]) {
      const reply = await get(server, "/search", { ...BERLIN, date_posted, num_pages: 20 });
      sizes.push(reply.body.data.length);
    }
    assert.ok(sizes[0] > 0 && sizes[0] < sizes[1] && sizes[1] < sizes[2], `${sizes}`);
    const germany = { query: "data engineer in germany", country: "de", num_pages: 3 };
    const remote = await get(server, "/search", { ...germany, work_from_home: "true" });
    assert.ok(remote.body.data.length > 0 && remote.body.data.every((j: Json) => j.job_is_remote));
    const interns = await get(server, "/search", { ...germany, employment_types: "INTERN" });
    const types = interns.body.data.map((j: Json) => String(j.job_employment_types));
    assert.ok(types.length > 0 && types.every((type: string) => type === "INTERN"));

    const missing = await get(server, "/search", { country: "de" });
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.error, {
      message: "Missing required parameter: query",
      code: 400,
    });
    for (const [name, value] of [["page", 0], ["num_pages", 21], ["date_posted", "yesterday"]]) {
      const bad = await get(server, "/search", { ...BERLIN, [name]: value });
      assert.equal(bad.status, 400);
      assert.match(bad.body.error.message, new RegExp(`parameter ${name}`));
    }
  } finally {
    await server.close();
  }
});

Deno.test("active jobs db: windows, date_filter, location and ai filters, 400s", async () => {
  const server = await startFakeActiveJobsDb({
    world: WORLD,
    now: () => NOW,
    plan: { name: "PRO", monthlyRequests: 1000, monthlyJobs: 10_000 },
  });
  const feed = async (params: Json = {}, path = "/active-ats-7d") =>
    (await get(server, path, { ...FEED, ...params })).body as Json[];
  try {
    const week = await feed();
    const day = await feed({}, "/active-ats-24h");
    assert.ok(day.length > 0 && day.length < week.length);
    assert.ok(ids(day, "id").every((id) => ids(week, "id").includes(id)), "24h is within 7d");
    const created = (job: Json) => new Date(`${job.date_created}Z`).getTime();
    assert.ok(day.every((job) => created(job) >= NOW.getTime() - DAY_MS));
    const since = "2026-11-26T08:00:00";
    const recent = await feed({ date_filter: since });
    assert.ok(recent.length > 0 && recent.every((job) => String(job.date_posted) > since));
    assert.deepEqual(await feed({ location_filter: "DE" }), [], "codes match nothing");
    const count = async (location_filter: string) => (await feed({ location_filter })).length;
    assert.equal(await count("Berlin OR Hamburg"), await count("Berlin") + await count("Hamburg"));
    const filtered = await feed({
      include_ai: "true",
      ai_work_arrangement_filter: "Remote OK,Remote Solely",
      ai_experience_level_filter: "5-10,10+",
    });
    assert.ok(filtered.length > 0 && filtered.length < week.length);
    assert.ok(filtered.every((job) => /^Remote/.test(String(job.ai_work_arrangement))));
    assert.ok(filtered.every((job) => ["5-10", "10+"].includes(String(job.ai_experience_level))));
    assert.deepEqual(await feed({ ai_taxonomies_a_filter: "Healthcare" }), []);
    assert.deepEqual(await feed({ limit: 5 }), { message: "limit must be between 10 and 100" });
    assert.deepEqual(await feed({ offset: -1 }), {
      message: "offset must be a non-negative integer",
    });
    assert.deepEqual(await feed({ date_filter: "last week" }), { message: "Invalid date_filter" });
  } finally {
    await server.close();
  }
});

Deno.test("gateway: refusals without quota headers, keys never logged, quotas", async () => {
  let now = NOW;
  const server = await startFakeActiveJobsDb({
    world: WORLD,
    now: () => now,
    keys: ["good-key"],
    unsubscribedKeys: ["other-key"],
    plan: { name: "PRO", monthlyRequests: 3, monthlyJobs: 1000, perSecond: 2 },
  });
  try {
    const refused = [
      await get(server, "/active-ats-7d", FEED, null),
      await get(server, "/active-ats-7d", FEED, "secret-key"),
      await get(server, "/active-ats-7d", FEED, "other-key"),
      await get(server, "/active-ats", FEED, "good-key"),
      await get(server, "/active-ats-expired", {}, "good-key"),
    ];
    assert.deepEqual(refused.map((r) => r.status), [401, 401, 403, 404, 403]);
    assert.deepEqual(refused[4].body, {
      message: "This endpoint requires an Ultra or Mega subscription",
    });
    assert.ok(refused.every((r) => r.headers.get("x-ratelimit-requests-remaining") === null));
    assert.ok(!JSON.stringify(server.requests).match(/good-key|secret-key|other-key/));
    assert.deepEqual(server.requests.map((r) => r.keyPresent), [false, true, true, true, true]);

    assert.equal((await get(server, "/active-ats-24h", FEED, "good-key")).status, 200);
    assert.equal((await get(server, "/active-ats-24h", FEED, "good-key")).status, 200);
    const fast = await get(server, "/active-ats-24h", FEED, "good-key");
    assert.equal(fast.status, 429);
    assert.match(fast.body.message, /rate limit per second for your plan, PRO/);
    now = new Date(NOW.getTime() + 1001);
    assert.equal((await get(server, "/active-ats-24h", FEED, "good-key")).status, 200);
    const spent = await get(server, "/active-ats-24h", FEED, "good-key");
    assert.equal(spent.status, 429);
    assert.match(spent.body.message, /MONTHLY quota for Requests on your current plan, PRO/);
    now = new Date("2026-12-01T00:00:00Z");
    const refilled = await get(server, "/active-ats-24h", FEED, "good-key");
    assert.equal(refilled.headers.get("x-ratelimit-requests-remaining"), "2", "a new month");
    assert.equal(refilled.headers.get("x-ratelimit-requests-reset"), String(31 * 86_400));
  } finally {
    await server.close();
  }
});

Deno.test("faults: an aborted hold logs 499; close releases holds; random faults", async () => {
  const server = await startFakeJSearch({ world: WORLD, now: () => NOW });
  try {
    server.inject({ kind: "timeout", ms: 10_000 });
    const headers = { "x-rapidapi-key": "test-key" };
    const signal = AbortSignal.timeout(100);
    await assert.rejects(fetch(`${server.url}/search?query=x`, { headers, signal }));
    while (server.requests[0].status !== 499) await new Promise((r) => setTimeout(r, 10));
    server.inject({ kind: "timeout" });
    const held = get(server, "/search", BERLIN).catch((error: Error) => error);
    while (server.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
    await server.close();
    const result = await held;
    assert.ok(result instanceof Error || result.status === 504);
  } finally {
    await server.close();
  }

  async function suffered(seed: number) {
    const faulty = await startFakeJSearch({
      world: WORLD,
      now: () => NOW,
      randomFaults: { rate: 0.5, seed, timeoutMs: 1 },
    });
    for (let i = 0; i < 60; i++) await get(faulty, "/search", { ...BERLIN, date_posted: "today" });
    await faulty.close();
    return faulty.requests.map((r) => `${r.fault ?? "-"} ${r.status} ${r.credits}`);
  }
  const log = await suffered(7);
  assert.deepEqual(await suffered(7), log, "seeded");
  const kinds = new Set(log.map((entry) => entry.split(" ")[0]));
  assert.deepEqual([...kinds].sort(), [
    "-",
    "random:malformed_json",
    "random:server_error",
    "random:throttle",
    "random:timeout",
  ]);
  assert.ok(
    log.every((e) => e.endsWith(e.startsWith("-") || e.includes("malformed") ? " 1" : " 0")),
  );
});

Deno.test("overlap: tracked same URLs, brand vs legal name, country only, duplicates", async () => {
  const world = createJobWorld({ seed: "overlap", postingsPerDay: 20 });
  const plan = { name: "PRO" as const, monthlyRequests: 10_000, monthlyJobs: 10_000 };
  const fakes = await startProviderFakes({
    world,
    jsearch: { now: () => NOW, plan },
    activeJobsDb: { now: () => NOW, plan },
  });
  try {
    const search = { ...BERLIN, date_posted: "week", num_pages: 20 };
    const js = (await get(fakes.jsearch, "/search", search)).body.data as Json[];
    const feed = { title_filter: "Data Engineer", location_filter: "Berlin" };
    const aj = (await get(fakes.activeJobsDb, "/active-ats-7d", feed)).body as Json[];
    const bare = (url: unknown) => String(url).replace(/^https?:\/\/(www\.)?|\/?\?.*$|\/$/g, "");
    const byUrl = new Map(aj.map((job) => [bare(job.url), job]));
    const sameUrl = js.filter((job) => byUrl.has(bare(job.job_apply_link)));
    assert.ok(sameUrl.length >= 3 && sameUrl.every((job) => job.job_apply_is_direct));
    assert.ok(
      sameUrl.every((job) => String(job.job_apply_link).includes("utm_source=google_jobs_apply")),
    );
    assert.ok(
      sameUrl.some((job) => /^http:|\/\/www\.|[?&](gh_src|src)=/.test(String(job.job_apply_link))),
    );
    const others = js.filter((job) => !job.job_apply_is_direct);
    const twin = (job: Json, test: (other: Json) => boolean) =>
      aj.some((other) => other.title === job.job_title && test(other));
    const brand = others.filter((job) =>
      twin(job, (o) => String(o.organization).startsWith(`${job.employer_name} `))
    );
    assert.ok(brand.length >= 1, "brand-vs-legal-name overlaps");
    const coarse = others.filter((job) =>
      job.job_city === null && job.job_location === "Germany" &&
      twin(job, (o) =>
        o.organization === job.employer_name && String(o.cities_derived) === "Berlin")
    );
    assert.ok(coarse.length >= 1, "country-only overlaps");
    const texts = js.map((job) => `${job.job_title}|${job.employer_name}|${job.job_description}`);
    const duplicates = js.filter((_, i) => texts.indexOf(texts[i]) !== i);
    assert.ok(duplicates.length >= 1, "JSearch returns some postings twice, under another id");
    assert.equal(new Set(ids(js)).size, js.length);
  } finally {
    await fakes.close();
  }
});
