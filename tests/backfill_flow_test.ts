/**
 * The original Python backfill system's two-user test (`scripts/test_backfill_flow.py`), end to end: a CV upload, the
 * webhook to cv-ingest, Claude (the local fake through the real SDK), the backfill request, the
 * backfill function over HTTP (woken by the database through pg_net, continuing across
 * invocations), the provider fakes — and a second user whose searches overlap. Then a failure
 * injected mid-backfill, and its retry.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { createBackfillHandler } from "../functions/backfill/handler.ts";
import { createCvIngestHandler } from "../functions/cv-ingest/handler.ts";
import { type FakeAnthropic, startFakeAnthropic } from "../local/fakes/anthropic.ts";
import { serveFunctions } from "../local/functions_server.ts";
import { deliverQueuedRequests } from "../local/net_worker.ts";
import { requestBackfill } from "../shared/backfill/claims.ts";
import { runBackfill } from "../shared/backfill/run.ts";
import { ingestCv } from "../shared/cv/ingest.ts";
import type { Sql, TransactionSql } from "../shared/db/postgres.ts";
import { loadConfig } from "../shared/config.ts";
import { startLocalStack } from "../local/stack.ts";
import { memoryObjectFiles } from "../local/storage/files.ts";
import { sqlUsageLedger } from "../shared/providers/ledger.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertQuery } from "./support/fixtures.ts";
import { NOW, type ProviderHarness, startProviderHarness } from "./support/providers.ts";
import { setFunctionSecrets, uploadLikeStorage } from "./support/storage.ts";

const SECRET = "backfill-flow-secret";
const samples = new URL("../local/samples/", import.meta.url);

interface Stack {
  tx: TransactionSql;
  providers: ProviderHarness;
  claude: FakeAnthropic;
  files: Map<string, Uint8Array>;
  /** Lines the functions logged. */
  log: string[];
}

/** cv-ingest and backfill served like on Supabase, over the fakes, inside one transaction. */
async function withStack(
  fn: (stack: Stack) => Promise<void>,
  options: { env?: Record<string, string>; maxCombinations?: number } = {},
) {
  const claude = await startFakeAnthropic();
  try {
    await withRollback(async (tx) => {
      await tx`delete from net.http_request_queue`;
      await tx`delete from public.backfill_requests`;
      const providers = await startProviderHarness({
        ledger: sqlUsageLedger(tx),
        env: options.env,
      });
      const files = new Map<string, Uint8Array>();
      const log: string[] = [];
      const anthropic = new Anthropic({ baseURL: claude.url, apiKey: "test-key", maxRetries: 0 });
      const server = serveFunctions({
        "cv-ingest": createCvIngestHandler({
          secret: SECRET,
          log: (line) => log.push(line),
          ingest: (id) =>
            ingestCv({
              sql: tx,
              storage: {
                download: (bucket, path) => {
                  const bytes = files.get(`${bucket}/${path}`);
                  return bytes ? Promise.resolve(bytes) : Promise.reject(new Error("not found"));
                },
              },
              claude: anthropic,
              model: "claude-sonnet-5-5",
              maxPages: 10,
              maxBytes: 10 * 1024 ** 2,
            }, id),
        }),
        backfill: createBackfillHandler({
          secret: SECRET,
          log: (line) => log.push(line),
          requestBackfill: (userId, days) =>
            tx.savepoint((sp) => requestBackfill(sp, userId, days)),
          backfill: (opts) =>
            runBackfill({
              sql: tx,
              sessions: () => providers.sessions,
              maxCombinations: options.maxCombinations ?? 2,
              timeBudgetMs: 60_000,
              chain: true,
              now: () => NOW,
              log: (line) => log.push(line),
            }, opts),
        }),
      });
      try {
        await setFunctionSecrets(tx, server.url, SECRET);
        await fn({ tx, providers, claude, files, log });
      } finally {
        await server.close();
        await providers.close();
      }
    });
  } finally {
    await claude.close();
  }
}

/** pg_net's worker: delivers what the database queued until nothing is left. */
async function deliverAll(tx: TransactionSql): Promise<{ url: string; status: number | null }[]> {
  const all = [];
  for (let round = 0; round < 50; round++) {
    const batch = await deliverQueuedRequests(tx);
    if (batch.length === 0) return all;
    all.push(...batch);
  }
  throw new Error("the queue never emptied");
}

async function uploadCv(stack: Stack, email: string, sample: string): Promise<string> {
  const user = await createUser(stack.tx, email);
  const bytes = await Deno.readFile(new URL(sample, samples));
  stack.files.set(`cvs/${user}/cv.pdf`, bytes);
  await uploadLikeStorage(stack.tx, { userId: user, name: `${user}/cv.pdf`, size: bytes.length });
  return user;
}

function providerCalls(stack: Stack): number {
  return stack.providers.fakes.jsearch.requests.length +
    stack.providers.fakes.activeJobsDb.requests.length;
}

async function combinationsOf(tx: TransactionSql, user: string) {
  return await tx<{ id: number; title_keyword: string; location: string; state: string }[]>`
    select bt.id, bt.title_keyword, bt.location, bt.state
    from public.user_search_queries q
    join public.backfill_tracking bt on bt.combination_key = q.combination_key
    where q.user_id = ${user} and q.is_active order by bt.id`;
}

async function feedSize(tx: TransactionSql, user: string): Promise<number> {
  const [{ n }] = await tx`
    select count(distinct cj.job_id)::int as n
    from public.user_search_queries q
    join public.backfill_tracking bt on bt.combination_key = q.combination_key
    join public.combination_jobs cj on cj.combination_id = bt.id
    where q.user_id = ${user} and q.is_active`;
  return n;
}

Deno.test(
  "two users: the second user's shared combinations cost zero provider calls",
  dbTest,
  async () => {
    await withStack(async (stack) => {
      const { tx } = stack;
      const lena = await uploadCv(stack, "lena@example.com", "senior-data-engineer-berlin.pdf");
      const first = await deliverAll(tx);
      assert.ok(first.every((d) => d.status === 200), JSON.stringify(first));
      assert.ok(
        first.filter((d) => d.url.endsWith("/backfill")).length >= 2,
        "the backfill continued across invocations (2 combinations each)",
      );
      const lenaCombos = await combinationsOf(tx, lena);
      assert.ok(lenaCombos.length >= 3, `lena has ${lenaCombos.length} combinations`);
      assert.ok(lenaCombos.every((c) => c.state === "backfilled"), JSON.stringify(lenaCombos));
      const [lenaRequest] = await tx`
        select r.state, u.status, u.stats from public.backfill_requests r
        join public.runs u on u.id = r.run_id where r.user_id = ${lena}`;
      assert.equal(lenaRequest.state, "done");
      assert.equal(lenaRequest.status, "succeeded");
      assert.equal(lenaRequest.stats.combinations_backfilled, lenaCombos.length);
      assert.equal(lenaRequest.stats.combinations_skipped, 0);
      assert.ok(lenaRequest.stats.new_jobs > 0);
      assert.ok(lenaRequest.stats.credits_by_provider.jsearch > 0);
      assert.ok(lenaRequest.stats.credits_by_provider.active_jobs_db > 0);
      assert.ok(lenaRequest.stats.job_credits.active_jobs_db > 0, "the jobs quota is counted");
      const callsAfterLena = providerCalls(stack);
      const lenaFeed = await feedSize(tx, lena);
      assert.ok(lenaFeed > 0);

      const jonas = await uploadCv(stack, "jonas@example.com", "data-engineer-hamburg-berlin.pdf");
      await deliverAll(tx);
      const jonasCombos = await combinationsOf(tx, jonas);
      const lenaIds = new Set(lenaCombos.map((c) => c.id));
      const shared = jonasCombos.filter((c) => lenaIds.has(c.id));
      const own = jonasCombos.filter((c) => !lenaIds.has(c.id));
      assert.ok(shared.length >= 1, "the two CVs share a search");
      assert.ok(own.length >= 1, "and jonas has searches of his own");

      // the fakes' request log: nothing for the shared combinations, only jonas's own ones
      const newCalls = providerCalls(stack) - callsAfterLena;
      const [{ calls, shared_calls }] = await tx`
        select count(*)::int as calls,
               count(*) filter (where combination_id = any(${shared.map((c) => c.id)}))::int
                 as shared_calls
        from public.api_usage a
        join public.backfill_requests r on r.run_id = a.run_id
        where r.user_id = ${jonas}`;
      assert.equal(shared_calls, 0, "zero provider calls for the shared combinations");
      assert.equal(newCalls, calls, "every call the fakes saw is one of jonas's own");
      const ownTitles = new Set(own.map((c) => `${c.title_keyword}|${c.location}`));
      for (const request of stack.providers.fakes.jsearch.requests.slice(-newCalls)) {
        for (const c of shared) {
          assert.ok(
            !request.params.query?.toLowerCase().startsWith(`${c.title_keyword} in ${c.location}`),
            `JSearch was asked for the shared ${c.title_keyword} in ${c.location}`,
          );
        }
      }
      assert.ok(ownTitles.size > 0);

      // jonas's feed holds the shared jobs, fetched for lena
      const [{ n: sharedInFeed }] = await tx`
        select count(distinct cj.job_id)::int as n from public.combination_jobs cj
        where cj.combination_id = any(${shared.map((c) => c.id)})`;
      assert.ok(sharedInFeed > 0);
      assert.ok((await feedSize(tx, jonas)) >= sharedInFeed);

      // the tracking table shows each combination exactly once
      const [{ rows, distinct }] = await tx`
        select count(*)::int as rows, count(distinct combination_key)::int as distinct
        from public.backfill_tracking`;
      assert.equal(rows, distinct);

      const [jonasRun] = await tx`
        select u.status, u.stats from public.backfill_requests r
        join public.runs u on u.id = r.run_id where r.user_id = ${jonas}`;
      assert.equal(jonasRun.status, "succeeded");
      assert.equal(jonasRun.stats.combinations_skipped, shared.length);
      assert.equal(jonasRun.stats.combinations_backfilled, own.length);
      const [{ saved }] = await tx`
        select sum(credits_used)::int as saved from public.backfill_tracking
        where id = any(${shared.map((c) => c.id)})`;
      assert.equal(jonasRun.stats.credits_saved, saved, "credits saved: what lena's fetch cost");
      assert.ok(saved > 0);
    });
  },
);

Deno.test(
  "a failure mid-backfill leaves the combination unmarked, keeps its jobs, and the retry completes it",
  dbTest,
  async () => {
    await withStack(async (stack) => {
      const { tx, providers } = stack;
      const user = await createUser(tx, "mia@example.com");
      await insertQuery(tx, user, { title_keyword: "data engineer", location: "berlin" });
      await insertQuery(tx, user, { title_keyword: "product manager", location: "munich" });
      await tx`delete from net.http_request_queue`;
      // JSearch fails for the first combination (no retries in this stack); Active Jobs DB works
      providers.fakes.jsearch.inject({ kind: "status", status: 500 }, { path: "/search" });
      const id = await requestBackfill(tx, user);
      await deliverAll(tx);

      const [failed, ok] = await combinationsOf(tx, user);
      assert.equal(failed.state, "failed", "not marked backfilled");
      assert.equal(ok.state, "backfilled", "the other combination is not held up");
      const [{ kept }] = await tx`
        select count(*)::int as kept from public.combination_jobs where combination_id = ${failed.id}`;
      assert.ok(kept > 0, "the Active Jobs DB jobs it stored stay");
      const [row] = await tx`
        select providers_done, last_error from public.backfill_tracking where id = ${failed.id}`;
      assert.deepEqual(row.providers_done, ["active_jobs_db"]);
      assert.match(row.last_error, /JSearch/);
      const [request] =
        await tx`select state, last_error from public.backfill_requests where id = ${id}`;
      assert.equal(request.state, "pending", "the request waits for the retry");

      // the retry time comes; the sweep wakes the request
      await tx`update public.backfill_tracking set next_attempt_at = now() - interval '1 second'
               where id = ${failed.id}`;
      await tx`update public.backfill_requests set not_before = now(),
               requested_at = now() - interval '5 minutes' where id = ${id}`;
      const adbBefore = providers.fakes.activeJobsDb.requests.length;
      const jsearchBefore = providers.fakes.jsearch.requests.length;
      const [{ sent }] = await tx`select private.resend_due_backfills() as sent`;
      assert.equal(sent, 1);
      await deliverAll(tx);

      const [retried] = await combinationsOf(tx, user);
      assert.equal(retried.state, "backfilled");
      assert.equal(
        providers.fakes.activeJobsDb.requests.length,
        adbBefore,
        "Active Jobs DB is not asked again",
      );
      assert.ok(providers.fakes.jsearch.requests.length > jsearchBefore, "JSearch is");
      const [{ after }] = await tx`
        select count(*)::int as after from public.combination_jobs where combination_id = ${failed.id}`;
      assert.ok(after > kept, "the retry added JSearch's jobs to those kept");
      const [done] = await tx`
        select r.state, u.status, u.stats from public.backfill_requests r
        join public.runs u on u.id = r.run_id where r.id = ${id}`;
      assert.equal(done.state, "done");
      assert.equal(done.status, "succeeded");
      assert.equal(done.stats.attempts_failed, 1);
      assert.equal(done.stats.combinations_backfilled, 2);
    }, { env: { PROVIDER_MAX_RETRIES: "0" } });
  },
);

Deno.test(
  "the backfill function: secret, payload errors, and a backfill by hand",
  dbTest,
  async () => {
    await withStack(async (stack) => {
      const { tx } = stack;
      const [{ url }] =
        await tx`select decrypted_secret as url from vault.decrypted_secrets where name = 'project_url'`;
      const post = (body: unknown, secret = SECRET) =>
        fetch(`${url}/functions/v1/backfill`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-webhook-secret": secret },
          body: JSON.stringify(body),
        });
      const unauthorised = await post({}, "wrong");
      assert.equal(unauthorised.status, 401);
      await unauthorised.body?.cancel();
      const bad = await post({ user_id: "nope", days: 500 });
      assert.equal(bad.status, 400);
      const { error } = await bad.json();
      assert.match(error, /user_id must be the user's id \(a uuid\)/);
      assert.match(error, /days must be a number of days from 1 to 90/);
      const noQueries = await createUser(tx, "empty@example.com");
      const refused = await post({ user_id: noQueries });
      assert.equal(refused.status, 422);
      assert.match((await refused.json()).error, /no active search queries/);

      const user = await createUser(tx, "noah@example.com");
      await insertQuery(tx, user, { title_keyword: "data engineer", location: "berlin" });
      await tx`delete from net.http_request_queue`;
      const response = await post({ user_id: user, days: 14 });
      assert.equal(response.status, 200);
      const outcome = await response.json();
      assert.equal(outcome.requests.length, 1);
      assert.equal(outcome.requests[0].settlement, "done");
      assert.equal(outcome.requests[0].stats.days, 14);
      const [tracked] = await tx`select state, backfill_days from public.backfill_tracking`;
      assert.deepEqual({ ...tracked }, { state: "backfilled", backfill_days: 14 });
      // a 14-day period asks JSearch for a month and Active Jobs DB for 7 days
      const [jsearch] = stack.providers.fakes.jsearch.requests.slice(-1);
      assert.equal(jsearch.params.date_posted, "month");
      const [adb] = stack.providers.fakes.activeJobsDb.requests.slice(-1);
      assert.equal(adb.path, "/active-ats-7d");
    });
  },
);

Deno.test(
  "a provider that stops pauses only its own work; the other goes on for every combination",
  dbTest,
  async () => {
    await withStack(async (stack) => {
      const { tx, providers } = stack;
      const user = await createUser(tx, "ida@example.com");
      for (const title of ["data engineer", "data analyst", "data scientist"]) {
        await insertQuery(tx, user, { title_keyword: title, location: "berlin" });
      }
      await tx`delete from public.provider_pauses`;
      providers.fakes.jsearch.inject({ kind: "status", status: 401 }, { path: "/search" });
      const id = await requestBackfill(tx, user);
      await deliverAll(tx);
      assert.equal(providers.fakes.jsearch.requests.length, 1, "JSearch is asked once");
      const asked = new Set(
        providers.fakes.activeJobsDb.requests.map((r) => r.params.title_filter),
      );
      assert.equal(asked.size, 3, "Active Jobs DB is asked for every combination");
      const states = await tx`select state, providers_done from public.backfill_tracking
                              order by id`;
      assert.deepEqual(states.map((r) => [r.state, r.providers_done]), [
        ["waiting", ["active_jobs_db"]],
        ["waiting", ["active_jobs_db"]],
        ["waiting", ["active_jobs_db"]],
      ]);
      const [pause] = await tx`select provider, paused_until > now() + interval '50 minutes' as
                               long, reason from public.provider_pauses`;
      assert.equal(pause.provider, "jsearch");
      assert.ok(pause.long, "paused for an hour");
      assert.match(pause.reason, /JSearch rejected the key \(401/);
      const [request] = await tx`
        select state, not_before > now() + interval '50 minutes' as later
        from public.backfill_requests where id = ${id}`;
      assert.equal(request.state, "pending");
      assert.ok(request.later, "the request waits for the pause, not a polling loop");
      const waits = await tx`select reason, provider from public.backfill_waits()`;
      assert.ok(waits.length > 0 && waits.every((w) => w.reason === "paused"));
      assert.ok(await feedSize(tx, user) > 0, "Active Jobs DB's jobs are in the feed already");
    }, { env: { PROVIDER_MAX_RETRIES: "0" } });
  },
);

Deno.test(
  "the local stack never takes over a database that calls a real project",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await setFunctionSecrets(tx, "https://abcdefgh.supabase.co", "prod-secret");
      await assert.rejects(
        () =>
          startLocalStack({
            sql: tx as unknown as Sql,
            config: loadConfig({}),
            files: memoryObjectFiles(),
          }),
        /Vault project_url is https:\/\/abcdefgh.supabase.co: it belongs to a Supabase project/,
      );
      const [{ url }] = await tx`select decrypted_secret as url from vault.decrypted_secrets
                               where name = 'project_url'`;
      assert.equal(url, "https://abcdefgh.supabase.co", "untouched");
    });
  },
);
