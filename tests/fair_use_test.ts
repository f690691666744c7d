/**
 * Fair use of the shared quota: one user causes at most `user_daily_new_combinations` new paid
 * combinations a day (and `user_monthly_new_combinations` a month); the rest of their searches
 * are saved and wait, with no provider call, and they are told why. A combination somebody
 * already fetched costs nothing and never counts.
 */
import assert from "node:assert/strict";
import { createSearchesHandler } from "../functions/searches/handler.ts";
import { DEFAULT_LOCAL_JWT_SECRET, userAccessToken } from "../local/jwt.ts";
import { verifyAccessToken } from "../shared/auth/verify_jwt.ts";
import { requestBackfill } from "../shared/backfill/claims.ts";
import { type BackfillDeps, runBackfill } from "../shared/backfill/run.ts";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { sqlUsageLedger } from "../shared/providers/ledger.ts";
import { addSearchAs, editSearchAs } from "../shared/searches/my_searches.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertQuery } from "./support/fixtures.ts";
import { NOW, type ProviderHarness, startProviderHarness } from "./support/providers.ts";

const TITLES = [
  "data engineer",
  "data analyst",
  "data scientist",
  "ml engineer",
  "backend developer",
  "frontend developer",
  "devops engineer",
];

function deps(tx: TransactionSql, h: ProviderHarness): BackfillDeps {
  return {
    sql: tx,
    sessions: () => h.sessions,
    maxCombinations: 20,
    timeBudgetMs: 60_000,
    chain: false,
    deadlineMs: 140_000,
    now: () => NOW,
  };
}

async function userWith(tx: TransactionSql, email: string, titles: string[]) {
  const user = await createUser(tx, email);
  for (const title of titles) {
    await insertQuery(tx, user, { title_keyword: title, location: "berlin" });
  }
  return user;
}

const askedTitles = (h: ProviderHarness) =>
  new Set(h.fakes.activeJobsDb.requests.map((r) => r.params.title_filter));

Deno.test(
  "fair use: a user over the daily allowance causes no provider call, and is told why",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      await tx`update public.settings set user_daily_new_combinations = 5,
             user_monthly_new_combinations = 30`;
      const h = await startProviderHarness({ ledger: sqlUsageLedger(tx) });
      try {
        const user = await userWith(tx, "eager@example.com", TITLES);
        const id = await requestBackfill(tx, user);
        const invocation = await runBackfill(deps(tx, h));
        assert.equal(askedTitles(h).size, 5, "five new combinations fetched, not seven");
        assert.deepEqual(invocation.requests.map((r) => r.settlement), ["waiting"]);
        const [request] = await tx`
        select not_before > now() as later, last_error from public.backfill_requests
        where id = ${id}`;
        assert.ok(request.later);
        assert.match(request.last_error, /2 new search\(es\) wait for the user's allowance/);
        const waits = await tx`select reason, detail from public.backfill_waits()`;
        assert.deepEqual(waits.map((w) => w.reason), ["allowance"]);
        assert.match(waits[0].detail, /\(5 a day, 30 a month\)/);
        const [usage] = await tx`select combinations_today, credits_today, combinations_month
                               from public.user_credit_usage where user_id = ${user}`;
        assert.equal(usage.combinations_today, 5);
        assert.equal(usage.combinations_month, 5);
        assert.ok(usage.credits_today > 0, "the credits they caused");
        // the service role (functions, the dashboard's API) reads the view too
        const [asService] = await tx.savepoint(async (sp) => {
          await sp.unsafe("set local role service_role");
          const rows = await sp`select count(*)::int as n from public.user_credit_usage`;
          await sp.unsafe("reset role");
          return rows;
        });
        assert.equal(asService.n, 1);

        // another invocation before midnight asks nothing
        const calls = h.fakes.activeJobsDb.requests.length + h.fakes.jsearch.requests.length;
        await tx`update public.backfill_requests set not_before = now() - interval '1 second'`;
        await runBackfill(deps(tx, h));
        assert.equal(h.fakes.activeJobsDb.requests.length + h.fakes.jsearch.requests.length, calls);

        // the page says so when they add yet another search
        const handler = createSearchesHandler({
          verify: (token) => verifyAccessToken(token, { secret: DEFAULT_LOCAL_JWT_SECRET }),
          list: () => Promise.resolve([]),
          add: (caller, fields) => addSearchAs(tx, caller, fields),
          edit: () => Promise.resolve(null),
          remove: () => Promise.resolve(false),
        });
        const response = await handler(
          new Request("http://localhost/functions/v1/searches", {
            method: "POST",
            headers: { authorization: `Bearer ${await userAccessToken(user)}` },
            body: JSON.stringify({
              title_keyword: "site reliability engineer",
              location: "berlin",
            }),
          }),
        );
        assert.equal(response.status, 201);
        const answer = await response.json();
        assert.ok(answer.search.id, "the search is saved");
        assert.match(answer.note, /used your allowance of new searches.*fetched from \d{4}-/);

        // tomorrow (the allowance comes back) what waited is fetched
        await tx`update public.backfill_tracking set first_claimed_at = now() - interval '2 days'
               where first_requested_by = ${user}`;
        await tx`update public.backfill_requests set not_before = now() - interval '1 second'`;
        await runBackfill(deps(tx, h));
        assert.equal(askedTitles(h).size, 8, "the two that waited, and the one added since");
      } finally {
        await h.close();
      }
    });
  },
);

Deno.test(
  "fair use: a combination somebody already fetched is free and never counts",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      await tx`update public.settings set user_daily_new_combinations = null`;
      const h = await startProviderHarness({ ledger: sqlUsageLedger(tx) });
      try {
        const first = await userWith(tx, "first@example.com", TITLES);
        await requestBackfill(tx, first);
        await runBackfill(deps(tx, h));
        const calls = h.fakes.activeJobsDb.requests.length + h.fakes.jsearch.requests.length;
        await tx`update public.settings set user_daily_new_combinations = 1`;
        const second = await userWith(tx, "second@example.com", TITLES);
        const id = await requestBackfill(tx, second);
        const invocation = await runBackfill(deps(tx, h));
        assert.deepEqual(invocation.requests.map((r) => r.settlement), ["done"]);
        assert.equal(
          h.fakes.activeJobsDb.requests.length + h.fakes.jsearch.requests.length,
          calls,
          "no call",
        );
        const [usage] = await tx`select count(*)::int as n from public.user_credit_usage
                               where user_id = ${second}`;
        assert.equal(usage.n, 0, "nothing caused");
        const [request] = await tx`select state from public.backfill_requests where id = ${id}`;
        assert.equal(request.state, "done");
      } finally {
        await h.close();
      }
    });
  },
);

Deno.test("fair use: an edit reverted, and made again, does not pay twice", dbTest, async () => {
  await withRollback(async (tx) => {
    await tx`delete from public.backfill_requests`;
    const h = await startProviderHarness({ ledger: sqlUsageLedger(tx) });
    const calls = () => h.fakes.activeJobsDb.requests.length + h.fakes.jsearch.requests.length;
    try {
      const user = await createUser(tx, "editor@example.com");
      const caller = { sub: user, role: "authenticated" as const };
      const search = await addSearchAs(tx, caller, {
        title_keyword: "data engineer",
        location: "berlin",
        ai_work_arrangement: null,
        ai_employment_type: null,
        ai_seniority: null,
        ai_industry: null,
      });
      await runBackfill(deps(tx, h));
      const afterA = calls();
      await editSearchAs(tx, caller, search.id, { location: "munich" });
      await runBackfill(deps(tx, h));
      const afterB = calls();
      assert.ok(afterB > afterA, "the new place is fetched once");
      await editSearchAs(tx, caller, search.id, { location: "berlin" });
      await runBackfill(deps(tx, h));
      await editSearchAs(tx, caller, search.id, { location: "münchen" });
      await runBackfill(deps(tx, h));
      assert.equal(calls(), afterB, "back and forth again: no call");
      const [usage] = await tx`select combinations_today from public.user_credit_usage
                               where user_id = ${user}`;
      assert.equal(usage.combinations_today, 2, "berlin and munich, once each");
    } finally {
      await h.close();
    }
  });
});
