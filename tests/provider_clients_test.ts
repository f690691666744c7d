import assert from "node:assert/strict";
import { createJobWorld } from "../local/fakes/mod.ts";
import { fetchActiveJobsDb } from "../shared/providers/active_jobs_db/client.ts";
import { fetchJSearch } from "../shared/providers/jsearch/client.ts";
import { memoryBudgetLedger } from "../shared/providers/budget.ts";
import { memoryUsageLedger, sqlUsageLedger } from "../shared/providers/ledger.ts";
import { loadConfig } from "../shared/config.ts";
import { databaseBackedSessions } from "../shared/providers/database_sessions.ts";
import { DEFAULT_PAGING_SETTINGS, fetchAllProviders, fetchFrom } from "../shared/providers/mod.ts";
import { createProviderSession } from "../shared/providers/session.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { lastDays, startProviderHarness } from "./support/providers.ts";

const berlin = { titleKeyword: "data engineer", location: "berlin" };
const munich = { titleKeyword: "product manager", location: "munich" };
const PRO = { name: "PRO" as const, monthlyRequests: 10_000 };
const ULTRA = { name: "ULTRA" as const, monthlyRequests: 10_000, monthlyJobs: 20_000 };

function spentRequests(fake: { usage(): { requestsRemaining: number } }, limit: number) {
  return limit - fake.usage().requestsRemaining;
}

Deno.test("JSearch pages to the end, 10 pages per call, billed x2 per call", async () => {
  const h = await startProviderHarness({ jsearch: { plan: PRO } });
  try {
    const result = await fetchJSearch(h.sessions.jsearch, berlin, lastDays(30));
    assert.equal(result.status, "ok");
    assert.equal(result.window, "month");
    const log = h.fakes.jsearch.requests;
    assert.ok(log.length >= 2, "a month of Berlin data engineers needs more than 100 results");
    log.forEach((request, i) => {
      assert.equal(request.params.page, String(1 + 10 * i));
      assert.equal(request.params.num_pages, "10");
      assert.equal(request.params.country, "de");
      assert.equal(request.params.date_posted, "month");
      assert.equal(request.params.query, "data engineer in Berlin");
    });
    // it stopped at the first short call, and the last call was short
    assert.ok(log.slice(0, -1).every((request) => request.jobsReturned === 100));
    assert.ok(log.at(-1)!.jobsReturned < 100);
    assert.equal(result.jobsReturned, log.reduce((sum, r) => sum + r.jobsReturned, 0));
    assert.equal(result.jobs.length, result.jobsReturned);
    // what we record is what the provider charged
    assert.equal(result.credits, 2 * log.length);
    assert.equal(result.credits, spentRequests(h.fakes.jsearch, PRO.monthlyRequests));
    assert.deepEqual(h.entries.map((e) => e.credits), log.map(() => 2));
  } finally {
    await h.close();
  }
});

Deno.test("JSearch bills x1 for a one-page call and x3 for more than 10 pages", async () => {
  const h = await startProviderHarness({
    jsearch: { plan: PRO },
    paging: { jsearchPagesPerCall: 15 },
  });
  try {
    const today = await fetchJSearch(h.sessions.jsearch, berlin, lastDays(1));
    assert.equal(today.window, "today");
    assert.equal(h.fakes.jsearch.requests[0].params.num_pages, "1");
    assert.equal(today.credits, 1);
    assert.equal(spentRequests(h.fakes.jsearch, PRO.monthlyRequests), 1);

    h.fakes.jsearch.clearLog();
    const month = await fetchJSearch(h.sessions.jsearch, berlin, lastDays(30), {
      pagesPerCall: 15,
    });
    const log = h.fakes.jsearch.requests;
    assert.equal(log[0].params.num_pages, "15");
    assert.equal(log[0].credits, 3);
    assert.equal(month.credits, 3 * log.length);
    assert.equal(spentRequests(h.fakes.jsearch, PRO.monthlyRequests), 1 + month.credits);
  } finally {
    await h.close();
  }
});

Deno.test("Active Jobs DB pages with limit=100 and offset until a short page", async () => {
  const world = createJobWorld({ postingsPerDay: 40 });
  const h = await startProviderHarness({ world, activeJobsDb: { plan: ULTRA } });
  try {
    const result = await fetchActiveJobsDb(h.sessions.active_jobs_db, berlin, lastDays(7));
    assert.equal(result.status, "ok");
    assert.equal(result.window, "/active-ats-7d");
    const log = h.fakes.activeJobsDb.requests;
    assert.ok(log.length >= 2);
    log.forEach((request, i) => {
      assert.equal(request.path, "/active-ats-7d");
      assert.equal(request.params.offset, String(100 * i));
      assert.equal(request.params.limit, "100");
      assert.equal(request.params.title_filter, '"data engineer"');
      assert.equal(request.params.location_filter, "Berlin");
      assert.equal(request.params.include_ai, "true");
      assert.equal(request.params.description_type, "text");
    });
    assert.ok(log.at(-1)!.jobsReturned < 100);
    // both quota dimensions: one request per call, one job credit per record
    assert.equal(result.credits, log.length);
    assert.equal(
      ULTRA.monthlyRequests - h.fakes.activeJobsDb.usage().requestsRemaining,
      log.length,
    );
    assert.equal(
      ULTRA.monthlyJobs - (h.fakes.activeJobsDb.usage().jobsRemaining ?? 0),
      result.jobsReturned,
    );
    const remaining = h.entries.map((e) => e.quota?.jobsRemaining);
    assert.equal(remaining.at(-1), ULTRA.monthlyJobs - result.jobsReturned);
    assert.deepEqual(h.entries.map((e) => e.jobsReturned), log.map((r) => r.jobsReturned));
    // every posting once
    const ids = new Set(result.jobs.map((job) => job.providerJobId));
    assert.equal(ids.size, result.jobs.length);
  } finally {
    await h.close();
  }
});

Deno.test("Active Jobs DB stops when a page repeats the previous first id", async () => {
  const world = createJobWorld({ postingsPerDay: 40 });
  const h = await startProviderHarness({ world, activeJobsDb: { plan: ULTRA } });
  try {
    // a provider that ignores offset: every page is the first one
    const ignoringOffset: typeof fetch = (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      url.searchParams.delete("offset");
      return fetch(url, init);
    };
    const session = createProviderSession("active_jobs_db", h.sessions.active_jobs_db.settings, {
      ledger: memoryUsageLedger(),
      fetch: ignoringOffset,
    });
    const result = await fetchActiveJobsDb(session, berlin, lastDays(7));
    assert.equal(h.fakes.activeJobsDb.requests.length, 2, "stops at the first repeated page");
    assert.equal(result.jobs.length, 100, "the repeated page adds nothing");
  } finally {
    await h.close();
  }
});

Deno.test("a rejected key stops that provider for the run; the other goes on", async () => {
  const h = await startProviderHarness({ env: { RAPIDAPI_KEY: "wrong-key" } });
  try {
    const [jsearch, active] = await fetchAllProviders(h.sessions, berlin, lastDays(7));
    for (const result of [jsearch, active]) {
      assert.equal(result.status, "failed");
      assert.match(result.error!, /rejected the key \(401: Invalid API key.*Check RAPIDAPI_KEY/);
    }
    assert.equal(h.fakes.jsearch.requests.length, 1, "a 401 is not retried");
    const again = await fetchJSearch(h.sessions.jsearch, munich, lastDays(7));
    assert.equal(again.status, "skipped");
    assert.equal(h.fakes.jsearch.requests.length, 1, "no call after the provider stopped");
  } finally {
    await h.close();
  }
});

Deno.test("a key not subscribed to one API (403) stops only that API", async () => {
  const h = await startProviderHarness({
    jsearch: { unsubscribedKeys: ["test-key"], keys: [] },
    activeJobsDb: { plan: ULTRA },
  });
  try {
    const [jsearch, active] = await fetchAllProviders(h.sessions, berlin, lastDays(7));
    assert.equal(jsearch.status, "failed");
    assert.match(jsearch.error!, /403: You are not subscribed to this API.*Subscribe/);
    assert.equal(active.status, "ok");
    assert.ok(active.jobs.length > 0);
    assert.equal(h.sessions.jsearch.stopped?.outcome, "http_error");
    assert.equal(h.sessions.active_jobs_db.stopped, null);
  } finally {
    await h.close();
  }
});

Deno.test("an unknown endpoint (404) names the base URL to fix", async () => {
  const h = await startProviderHarness();
  try {
    h.sessions.jsearch.settings.baseUrl = `${h.fakes.jsearch.url}/v2`;
    const result = await fetchJSearch(h.sessions.jsearch, berlin, lastDays(7));
    assert.equal(result.status, "failed");
    assert.match(
      result.error!,
      /no endpoint \/search \(404: Endpoint '\/v2\/search' does not exist\)/,
    );
    assert.match(result.error!, /Check the base URL/);
    assert.equal(h.fakes.jsearch.requests.length, 1);
  } finally {
    await h.close();
  }
});

Deno.test("per-second 429s are retried with backoff; Retry-After is honoured", async () => {
  const h = await startProviderHarness({ jsearch: { plan: PRO } });
  try {
    h.fakes.jsearch.inject({
      kind: "status",
      status: 429,
      message:
        "You have exceeded the rate limit per second for your plan, PRO, by the API provider",
    }, { times: 2 });
    h.fakes.jsearch.inject({ kind: "status", status: 429, retryAfter: 3 });
    const result = await fetchJSearch(h.sessions.jsearch, berlin, lastDays(1));
    assert.equal(result.status, "ok");
    assert.deepEqual(h.entries.map((e) => e.outcome), [
      "rate_limited",
      "rate_limited",
      "rate_limited",
      "ok",
    ]);
    // exponential with jitter (base 1000 ms): the first wait is 500-1000, the second 1000-2000
    assert.equal(h.sleeps.length, 3);
    assert.ok(h.sleeps[0] >= 500 && h.sleeps[0] <= 1000, `first wait ${h.sleeps[0]}`);
    assert.ok(h.sleeps[1] >= 1000 && h.sleeps[1] <= 2000, `second wait ${h.sleeps[1]}`);
    assert.equal(h.sleeps[2], 3000, "Retry-After: 3");
    assert.equal(h.sessions.jsearch.stopped, null, "a rate limit is not the quota");
    assert.equal(result.credits, 1, "throttled calls are not billed");
  } finally {
    await h.close();
  }
});

Deno.test("a 403 right after 429s is throttling: retried, the key is not blamed", async () => {
  const h = await startProviderHarness({ jsearch: { plan: PRO } });
  try {
    h.fakes.jsearch.inject({ kind: "throttle_then_forbidden" });
    const result = await fetchJSearch(h.sessions.jsearch, berlin, lastDays(1));
    assert.equal(result.status, "ok");
    assert.deepEqual(h.fakes.jsearch.requests.map((r) => r.status), [429, 403, 200]);
    assert.equal(h.entries[1].outcome, "rate_limited");
    assert.match(h.entries[1].error!, /403 right after 429s \(throttling\)/);
    assert.equal(h.sessions.jsearch.stopped, null);
  } finally {
    await h.close();
  }
});

Deno.test("5xx is retried, then given up on; the provider stays usable", async () => {
  const h = await startProviderHarness({ env: { PROVIDER_MAX_RETRIES: "2" } });
  try {
    h.fakes.jsearch.inject({ kind: "status", status: 500 }, { times: 3 });
    const failed = await fetchJSearch(h.sessions.jsearch, berlin, lastDays(1));
    assert.equal(failed.status, "failed");
    assert.match(failed.error!, /server error 500.*gave up after 3 attempts/);
    assert.equal(h.fakes.jsearch.requests.length, 3);
    const next = await fetchJSearch(h.sessions.jsearch, berlin, lastDays(1));
    assert.equal(next.status, "ok");
  } finally {
    await h.close();
  }
});

Deno.test("a call that does not answer times out", dbTest, async () => {
  const h = await startProviderHarness({
    env: { PROVIDER_TIMEOUT_MS: "150", PROVIDER_MAX_RETRIES: "1" },
  });
  try {
    h.fakes.activeJobsDb.inject({ kind: "timeout", ms: 5000 }, { times: 2 });
    const result = await fetchActiveJobsDb(h.sessions.active_jobs_db, berlin, lastDays(7));
    assert.equal(result.status, "failed");
    assert.match(result.error!, /did not answer \/active-ats-7d within 150 ms/);
    assert.deepEqual(h.entries.map((e) => e.outcome), ["timeout", "timeout"]);
  } finally {
    await h.close();
  }
});

Deno.test("a spent monthly quota stops that provider mid-run, without retries", async () => {
  const h = await startProviderHarness({ activeJobsDb: { plan: ULTRA } });
  try {
    // the first month call costs 2 and leaves 0: the answer's headers say the quota is spent
    h.fakes.jsearch.setQuota({ requestsRemaining: 2 });
    const first = await fetchAllProviders(h.sessions, berlin, lastDays(30));
    assert.equal(first[0].status, "partial", "page 1 kept, page 11 not asked for");
    assert.ok(first[0].jobs.length === 100);
    assert.match(first[0].error!, /requests quota is spent \(0 of 200 requests left/);
    assert.equal(first[1].status, "ok");

    const second = await fetchAllProviders(h.sessions, munich, lastDays(30));
    assert.equal(second[0].status, "skipped");
    assert.equal(second[1].status, "ok", "Active Jobs DB goes on");
    assert.equal(h.fakes.jsearch.requests.length, 1);

    // the same from a 429 with the quota text: not retried either
    const h2 = await startProviderHarness();
    try {
      h2.fakes.jsearch.setQuota({ requestsRemaining: 0 });
      const result = await fetchJSearch(h2.sessions.jsearch, berlin, lastDays(1));
      assert.equal(result.status, "failed");
      assert.match(
        result.error!,
        /quota is spent: You have exceeded the MONTHLY quota for Requests/,
      );
      assert.equal(h2.fakes.jsearch.requests.length, 1);
      assert.equal(h2.entries[0].outcome, "quota_exhausted");
      assert.equal(h2.sleeps.length, 0);
    } finally {
      await h2.close();
    }
  } finally {
    await h.close();
  }
});

Deno.test("Active Jobs DB's jobs quota is the second dimension that can stop it", async () => {
  const h = await startProviderHarness();
  try {
    h.fakes.activeJobsDb.setQuota({ jobsRemaining: 0 });
    const result = await fetchActiveJobsDb(h.sessions.active_jobs_db, berlin, lastDays(7));
    assert.equal(result.status, "failed");
    assert.match(result.error!, /MONTHLY quota for Jobs/);
    assert.equal(h.sessions.active_jobs_db.stopped?.outcome, "quota_exhausted");
  } finally {
    await h.close();
  }
});

Deno.test("malformed records are skipped and counted with their reason", async () => {
  const h = await startProviderHarness({ activeJobsDb: { plan: ULTRA } });
  try {
    h.fakes.jsearch.inject({ kind: "malformed_records", count: 3 });
    h.fakes.activeJobsDb.inject({ kind: "malformed_records", count: 2 });
    const [jsearch, active] = await fetchAllProviders(h.sessions, berlin, lastDays(1));
    for (const [result, broken] of [[jsearch, 3], [active, 2]] as const) {
      assert.equal(result.status, "ok");
      const counted = Object.values(result.rejected).reduce((a, b) => a + b, 0);
      assert.equal(counted, broken);
      assert.equal(result.jobs.length, result.jobsReturned - broken);
      for (const reason of Object.keys(result.rejected)) {
        assert.match(reason, /^[\w.]+: /, `reason names the field: ${reason}`);
      }
    }
  } finally {
    await h.close();
  }
});

Deno.test("a cut-off page is asked again at once, the same page", async () => {
  const h = await startProviderHarness({ activeJobsDb: { plan: ULTRA } });
  try {
    h.fakes.activeJobsDb.inject({ kind: "malformed_json" });
    const [jsearch, active] = await fetchAllProviders(h.sessions, berlin, lastDays(1));
    assert.equal(jsearch.status, "ok");
    assert.equal(active.status, "ok");
    assert.deepEqual(
      h.entries.filter((e) => e.provider === "active_jobs_db").map((e) => e.outcome),
      ["invalid_response", "ok"],
    );
    const asked = h.fakes.activeJobsDb.requests;
    assert.equal(asked.length, 2, "retried once");
    assert.deepEqual(asked[1].params, asked[0].params, "the same page, the same parameters");
    assert.equal(h.sleeps.length, 0, "at once");

    // a page that stays broken fails that fetch after the retries
    h.fakes.activeJobsDb.inject({ kind: "malformed_json" }, { times: 5 });
    const broken = await fetchFrom("active_jobs_db", h.sessions, berlin, lastDays(1));
    assert.equal(broken.status, "failed");
    assert.match(broken.error!, /sent a malformed page: the body is not JSON/);
  } finally {
    await h.close();
  }
});

Deno.test("every call lands in api_usage, with quota and without the key", dbTest, async () => {
  await withRollback(async (tx) => {
    const h = await startProviderHarness({ ledger: sqlUsageLedger(tx) });
    try {
      h.fakes.jsearch.inject({ kind: "status", status: 429 });
      await fetchAllProviders(h.sessions, berlin, lastDays(1), { runId: null });
      const rows = await tx<
        {
          provider: string;
          endpoint: string;
          params: Record<string, string>;
          http_status: number;
          outcome: string;
          credits: number;
          jobs_returned: number;
          quota_requests_remaining: number | null;
          quota_jobs_remaining: number | null;
        }[]
      >`select * from public.api_usage order by id`;
      assert.equal(rows.length, h.entries.length);
      assert.deepEqual(
        rows.map((r) => [r.provider, r.outcome, r.http_status]).sort(),
        [["active_jobs_db", "ok", 200], ["jsearch", "ok", 200], ["jsearch", "rate_limited", 429]]
          .sort(),
      );
      for (const row of rows) {
        assert.ok(!JSON.stringify(row.params).includes("test-key"));
        assert.ok(row.quota_requests_remaining !== null);
      }
      const active = rows.find((r) => r.provider === "active_jobs_db")!;
      assert.equal(active.params.title_filter, '"data engineer"');
      assert.equal(active.quota_jobs_remaining, 250 - active.jobs_returned);
    } finally {
      await h.close();
    }
  });
});

Deno.test("a 200 that spends the last job credit stops Active Jobs DB mid-fetch", async () => {
  const world = createJobWorld({ postingsPerDay: 40 });
  const h = await startProviderHarness({ world });
  try {
    h.fakes.activeJobsDb.setQuota({ jobsRemaining: 100 });
    const result = await fetchActiveJobsDb(h.sessions.active_jobs_db, berlin, lastDays(7));
    assert.equal(result.status, "partial");
    assert.equal(result.jobs.length, 100, "the first page is kept");
    assert.match(result.error!, /jobs quota is spent \(.*0 of 250 jobs left/);
    assert.equal(h.fakes.activeJobsDb.requests.length, 1, "no call into a spent quota");
  } finally {
    await h.close();
  }
});

Deno.test(
  "no call leaves without its usage row: a ledger that cannot be written",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const h = await startProviderHarness({ ledger: sqlUsageLedger(tx) });
      try {
        await tx`alter table public.api_usage add constraint reject_all check (false) not valid`;
        const result = await fetchJSearch(h.sessions.jsearch, berlin, lastDays(1));
        assert.equal(result.status, "failed");
        assert.match(result.error!, /JSearch was not called: its usage row could not be written/);
        assert.equal(h.fakes.jsearch.requests.length, 0, "no call was made");
        // the transaction is still usable
        const [{ n }] = await tx<{ n: number }[]>`select count(*)::int as n from public.api_usage`;
        assert.equal(n, 0);
      } finally {
        await h.close();
      }
    });
  },
);

Deno.test("a call's row is pending before the request leaves", dbTest, async () => {
  await withRollback(async (tx) => {
    let seen: string | undefined;
    const h = await startProviderHarness({ ledger: sqlUsageLedger(tx) });
    try {
      // while the provider holds the request, its row is already there, pending and priced
      h.fakes.jsearch.inject({ kind: "latency", ms: 300 });
      const during = (async () => {
        await new Promise((resolve) => setTimeout(resolve, 150));
        const [row] = await tx`select outcome, credits from public.api_usage`;
        seen = `${row?.outcome}:${row?.credits}`;
      })();
      const result = await fetchJSearch(h.sessions.jsearch, berlin, lastDays(1));
      await during;
      assert.equal(result.status, "ok");
      assert.equal(seen, "pending:1");
      const [row] = await tx`select outcome, completed_at from public.api_usage`;
      assert.equal(row.outcome, "ok");
      assert.ok(row.completed_at);
    } finally {
      await h.close();
    }
  });
});

Deno.test("a monthly budget stops a provider before it is exceeded; the other goes on", async () => {
  // JSearch may spend 3 credits (one 10-page call costs 2); Active Jobs DB 50 jobs (a page
  // reserves 100)
  const budget = memoryBudgetLedger({ jsearch: { credits: 3 }, active_jobs_db: { jobs: 50 } });
  const h = await startProviderHarness({
    jsearch: { plan: PRO },
    activeJobsDb: { plan: ULTRA },
    budget,
  });
  try {
    const [jsearch, activeJobs] = await fetchAllProviders(h.sessions, berlin, lastDays(30));
    assert.equal(jsearch.status, "partial", "the first call was paid, the second refused");
    assert.equal(h.fakes.jsearch.requests.length, 1);
    assert.equal(budget.used.jsearch.credits, 2);
    assert.match(
      jsearch.error!,
      /JSearch's monthly budget has no room for a call costing 2 credit\(s\); JSearch pauses until next month .* raise jsearch_monthly_credits in public.settings/,
    );
    assert.equal(h.sessions.jsearch.stopped?.outcome, "budget_exhausted");
    assert.equal(activeJobs.status, "skipped", "a page could exceed 50 jobs: no call");
    assert.equal(h.fakes.activeJobsDb.requests.length, 0);
    // with room, the other provider is unaffected
    const other = await fetchFrom(
      "active_jobs_db",
      {
        ...h.sessions,
        active_jobs_db: createProviderSession(
          "active_jobs_db",
          h.sessions.active_jobs_db.settings,
          { ledger: h.sessions.active_jobs_db.ledger },
        ),
      },
      berlin,
      lastDays(7),
    );
    assert.equal(other.status, "ok");
  } finally {
    await h.close();
  }
});

Deno.test("no call runs past the invocation's deadline", async () => {
  const h = await startProviderHarness({
    jsearch: { plan: PRO },
    env: { PROVIDER_TIMEOUT_MS: "20000" },
  });
  try {
    const session = h.sessions.jsearch;
    session.deadline = session.clock() + 500;
    const late = await fetchJSearch(session, berlin, lastDays(1));
    assert.equal(late.status, "deferred", "not a failure: the page is asked later");
    assert.ok(late.retryAt);
    assert.match(late.error!, /deadline came before this call/);
    assert.equal(h.fakes.jsearch.requests.length, 0);

    h.fakes.jsearch.inject({ kind: "latency", ms: 5000 });
    session.deadline = session.clock() + 1500;
    const started = Date.now();
    const cut = await fetchJSearch(session, berlin, lastDays(1));
    assert.ok(Date.now() - started < 4000, "the call is cut at the deadline, not at 20 s");
    assert.equal(cut.status, "deferred");
    assert.match(cut.error!, /the invocation's deadline/);
  } finally {
    await h.close();
  }
});

Deno.test(
  "the paging settings come from public.settings when the sessions start; checks bound them",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const config = loadConfig({ RAPIDAPI_KEY: "test-key" });
      const defaults = await databaseBackedSessions(config, tx);
      assert.equal(defaults.jsearch.settings.maxPages, DEFAULT_PAGING_SETTINGS.jsearchMaxPages);
      assert.equal(
        defaults.active_jobs_db.settings.maxPages,
        DEFAULT_PAGING_SETTINGS.activeJobsDbMaxPages,
      );
      assert.equal(defaults.jsearchPagesPerCall, DEFAULT_PAGING_SETTINGS.jsearchPagesPerCall);
      assert.equal(defaults.defaultCountry, DEFAULT_PAGING_SETTINGS.jsearchDefaultCountry);

      await tx`update public.settings set jsearch_max_pages = 5, active_jobs_db_max_pages = 2,
                 jsearch_pages_per_call = 15, jsearch_default_country = 'AT'`;
      const changed = await databaseBackedSessions(config, tx);
      assert.equal(changed.jsearch.settings.maxPages, 5);
      assert.equal(changed.active_jobs_db.settings.maxPages, 2);
      assert.equal(changed.jsearchPagesPerCall, 15);
      assert.equal(changed.defaultCountry, "at");

      for (
        const assignment of [
          "jsearch_max_pages = 0",
          "active_jobs_db_max_pages = 0",
          "jsearch_pages_per_call = 21",
          "jsearch_default_country = 'deu'",
        ]
      ) {
        await assert.rejects(
          tx.savepoint((sp) => sp.unsafe(`update public.settings set ${assignment}`)),
          /violates check constraint/,
          assignment,
        );
      }
    });
  },
);
