/**
 * The backfill's claims in SQL: requests are leased, combinations claimed once, a dead worker's
 * claim expires, a failure is not marked backfilled and retries only what is missing, and the
 * run row tells where a request stands.
 */
import assert from "node:assert/strict";
import type { TransactionSql } from "../shared/db/postgres.ts";
import {
  type BackfillRequest,
  claimCombinations,
  finishCombination,
  requestBackfill,
  settleRequest,
  takeRequest,
} from "../shared/backfill/claims.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertQuery } from "./support/fixtures.ts";
import { setFunctionSecrets } from "./support/storage.ts";

const DONE = { chain: false };

async function userWith(tx: TransactionSql, email: string, titles: string[]) {
  const user = await createUser(tx, email);
  for (const title of titles) {
    await insertQuery(tx, user, { title_keyword: title, location: "berlin" });
  }
  return user;
}

async function take(tx: TransactionSql, worker: string, userId: string): Promise<BackfillRequest> {
  const id = await requestBackfill(tx, userId);
  const request = await takeRequest(tx, worker, id);
  assert.ok(request, `request ${id} is taken by ${worker}`);
  return request;
}

const bothDone = {
  providersDone: ["jsearch", "active_jobs_db"] as ("jsearch" | "active_jobs_db")[],
  creditsByProvider: { jsearch: 2, active_jobs_db: 1 },
  fetchedUntil: new Date("2026-11-28T08:00:00Z"),
};

async function tracking(tx: TransactionSql, title: string) {
  const [row] = await tx`
    select state, attempts, providers_done, credits_used, credits_by_provider, last_error,
           next_attempt_at, backfill_request_id, claimed_by, last_refreshed_at, jobs_found
    from public.backfill_tracking where title_keyword = ${title}`;
  return row;
}

Deno.test(
  "backfill: a combination is claimed by one worker; the other waits for it",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      const ana = await userWith(tx, "ana@example.com", ["data engineer", "ml engineer"]);
      const ben = await userWith(tx, "ben@example.com", ["data engineer", "data analyst"]);
      const a = await take(tx, "worker-a", ana);
      const b = await take(tx, "worker-b", ben);

      const first = await claimCombinations(tx, a, "worker-a", { limit: 10 });
      assert.deepEqual(first.map((c) => c.search.titleKeyword).sort(), [
        "data engineer",
        "ml engineer",
      ]);
      const second = await claimCombinations(tx, b, "worker-b", { limit: 10 });
      assert.deepEqual(
        second.map((c) => c.search.titleKeyword),
        ["data analyst"],
        "the shared combination is not claimed twice",
      );
      assert.equal(first[0].days, 30, "a request without a period fetches a month");

      for (const c of second) await finishCombination(tx, c, b, "worker-b", bothDone);
      assert.equal(
        await settleRequest(tx, b, "worker-b", DONE),
        "waiting",
        "ben waits for the combination ana's worker holds",
      );
      const [waiting] =
        await tx`select state, not_before > now() as later from public.backfill_requests where id = ${b.id}`;
      assert.deepEqual({ ...waiting }, { state: "pending", later: true });

      for (const c of first) await finishCombination(tx, c, a, "worker-a", bothDone);
      assert.equal(await settleRequest(tx, a, "worker-a", DONE), "done");

      await tx`update public.backfill_requests set not_before = now() where id = ${b.id}`;
      const again = await takeRequest(tx, "worker-c", b.id);
      assert.ok(again);
      assert.deepEqual(
        await claimCombinations(tx, again, "worker-c", { limit: 10 }),
        [],
        "nothing left to fetch",
      );
      assert.equal(await settleRequest(tx, again, "worker-c", DONE), "done");

      const [run] =
        await tx`select status, progress_done, progress_total, stats from public.runs where id = ${b.runId}`;
      assert.equal(run.status, "succeeded");
      assert.equal(run.progress_done, 2);
      assert.equal(run.progress_total, 2);
      assert.equal(run.stats.combinations_total, 2);
      assert.equal(run.stats.combinations_backfilled, 1);
      assert.equal(run.stats.combinations_skipped, 1, "the shared one was fetched for ana");
      assert.equal(run.stats.credits_saved, 3, "what the shared one cost when it was fetched");
      assert.equal((await tracking(tx, "data engineer")).backfill_request_id, a.id);
    });
  },
);

Deno.test(
  "backfill: a claim takes at most its limit, whatever plan the server picks",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const user = await userWith(tx, "limit@example.com", [
        "data engineer",
        "data analyst",
        "data scientist",
        "ml engineer",
      ]);
      const request = await take(tx, "w1", user);
      // the plan that rescans a `where id in (select ... limit 1 for update skip locked)` per
      // row of the update, each rescan skipping the rows already claimed; statistics can lead
      // the planner to it on its own
      for (const knob of ["hashagg", "hashjoin", "mergejoin", "material", "sort"]) {
        await tx.unsafe(`set local enable_${knob} = off`);
      }
      const claimed = await claimCombinations(tx, request, "w1");
      const [{ held }] = await tx`select count(*)::int as held from public.backfill_tracking
                                  where state = 'claimed' and claimed_by = 'w1'`;
      assert.deepEqual([claimed.length, held], [1, 1], "one combination claimed, not every one");
      const two = await claimCombinations(tx, request, "w1", { limit: 2 });
      assert.equal(two.length, 2);
    });
  },
);

Deno.test(
  "backfill: a dead worker's claim expires and is taken again; its late finish is ignored",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      const ana = await userWith(tx, "ana@example.com", ["devops engineer"]);
      const a = await take(tx, "worker-a", ana);
      const [claim] = await claimCombinations(tx, a, "worker-a");
      assert.ok(claim);
      // worker-a dies: its request lease and its claim run out
      await tx`update public.backfill_requests set lease_expires_at = now() - interval '1 second' where id = ${a.id}`;
      await tx`update public.backfill_tracking set claim_expires_at = now() - interval '1 second' where id = ${claim.id}`;
      assert.equal(
        await takeRequest(tx, "worker-x", a.id).then((r) => r?.id),
        a.id,
        "an expired lease is taken again",
      );
      const b = { ...a };
      const [retaken] = await claimCombinations(tx, b, "worker-x");
      assert.equal(retaken?.id, claim.id, "the expired claim is claimed again");
      assert.equal(retaken.attempts, 2);
      assert.equal(
        await finishCombination(tx, claim, a, "worker-a", bothDone),
        "lost",
        "the dead worker's late finish changes nothing",
      );
      assert.equal(await settleRequest(tx, a, "worker-a", DONE), "lost");
      assert.equal(await finishCombination(tx, retaken, b, "worker-x", bothDone), "backfilled");
      assert.equal(await settleRequest(tx, b, "worker-x", DONE), "done");
    });
  },
);

Deno.test(
  "backfill: a failed fetch is not marked; the retry fetches only the missing provider",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      const ana = await userWith(tx, "ana@example.com", ["frontend developer"]);
      const a = await take(tx, "w1", ana);
      const [claim] = await claimCombinations(tx, a, "w1");
      const state = await finishCombination(tx, claim, a, "w1", {
        providersDone: ["jsearch"],
        creditsByProvider: { jsearch: 2, active_jobs_db: 1 },
        fetchedUntil: new Date("2026-11-28T08:00:00Z"),
        error: "Active Jobs DB stopped after 1 call(s): HTTP 500",
      });
      assert.equal(state, "failed");
      const failed = await tracking(tx, "frontend developer");
      assert.equal(failed.state, "failed");
      assert.deepEqual(failed.providers_done, ["jsearch"]);
      assert.equal(failed.credits_used, 3, "credits spent on a failed attempt still count");
      assert.match(failed.last_error, /HTTP 500/);
      assert.ok(failed.next_attempt_at > new Date(), "it waits before the retry");
      assert.equal(await settleRequest(tx, a, "w1", DONE), "waiting");
      const [req] =
        await tx`select state, last_error from public.backfill_requests where id = ${a.id}`;
      assert.equal(req.state, "pending");
      assert.match(
        req.last_error,
        /Waiting: frontend developer in berlin: Active Jobs DB/,
      );
      const [unbacked] =
        await tx`select count(*)::int as n from public.get_unbacked_combinations_for_user(${ana})`;
      assert.equal(unbacked.n, 1, "a failed combination is still unbacked");

      await tx`update public.backfill_tracking set next_attempt_at = now() - interval '1 second'`;
      await tx`update public.backfill_requests set not_before = now() where id = ${a.id}`;
      const again = await takeRequest(tx, "w2", a.id);
      assert.ok(again);
      const [retry] = await claimCombinations(tx, again, "w2");
      assert.deepEqual(retry.providersDone, ["jsearch"], "JSearch is not fetched again");
      assert.equal(
        await finishCombination(tx, retry, again, "w2", {
          providersDone: ["active_jobs_db"],
          creditsByProvider: { active_jobs_db: 1 },
          fetchedUntil: new Date("2026-11-28T09:00:00Z"),
        }),
        "backfilled",
      );
      const done = await tracking(tx, "frontend developer");
      assert.equal(done.credits_used, 4);
      assert.deepEqual(done.credits_by_provider, { jsearch: 2, active_jobs_db: 2 });
      assert.equal(
        done.last_refreshed_at.toISOString(),
        "2026-11-28T08:00:00.000Z",
        "the refresh starts where the earliest provider's part ended",
      );
      assert.equal(await settleRequest(tx, again, "w2", DONE), "done");
    });
  },
);

Deno.test(
  "backfill: a combination that keeps failing fails the request, with the reason",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      await tx`update public.settings set backfill_max_attempts = 3`;
      const ana = await userWith(tx, "ana@example.com", ["sre", "qa engineer"]);
      let request = await take(tx, "w0", ana);
      for (let attempt = 1; attempt <= 3; attempt++) {
        const worker = `w${attempt}`;
        if (attempt > 1) {
          await tx`update public.backfill_tracking set next_attempt_at = now() - interval '1 second'`;
          await tx`update public.backfill_requests set not_before = now() where id = ${request.id}`;
          request = (await takeRequest(tx, worker, request.id))!;
        } else {
          await tx`update public.backfill_requests set claimed_by = ${worker} where id = ${request.id}`;
        }
        for (
          const claim of await claimCombinations(tx, request, worker, { limit: 10 })
        ) {
          const title = claim.search.titleKeyword;
          await finishCombination(
            tx,
            claim,
            request,
            worker,
            title === "sre"
              ? {
                ...bothDone,
                providersDone: [],
                creditsByProvider: {},
                error: "JSearch: HTTP 503",
              }
              : bothDone,
          );
        }
        const settled = await settleRequest(tx, request, worker, DONE);
        assert.equal(settled, attempt < 3 ? "waiting" : "failed", `after attempt ${attempt}`);
      }
      const [req] =
        await tx`select state, last_error, finished_at from public.backfill_requests where id = ${request.id}`;
      assert.equal(req.state, "failed");
      assert.match(
        req.last_error,
        /1 combination\(s\) failed 3 times: sre in berlin: JSearch: HTTP 503/,
      );
      const [run] =
        await tx`select status, error, stats from public.runs where id = ${request.runId}`;
      assert.equal(run.status, "partial", "one of two combinations is backfilled");
      assert.equal(run.stats.combinations_failed, 1);
      assert.equal(run.stats.combinations_backfilled, 1);
    });
  },
);

Deno.test(
  "backfill: requests by hand need queries, reuse an open request, and carry a period",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      const nobody = await createUser(tx, "nobody@example.com");
      await assert.rejects(
        () => tx.savepoint((sp) => requestBackfill(sp, nobody)),
        /no active search queries; upload a CV/,
      );
      const ana = await userWith(tx, "ana@example.com", ["data engineer"]);
      await assert.rejects(
        () => tx.savepoint((sp) => requestBackfill(sp, ana, 120)),
        /choose 1 to 90/,
      );
      const twoWeeks = await requestBackfill(tx, ana, 14, "cli");
      assert.equal(
        await requestBackfill(tx, ana, 14, "cli"),
        twoWeeks,
        "asking twice does not fetch twice",
      );
      assert.notEqual(
        await requestBackfill(tx, ana),
        twoWeeks,
        "another period is another request",
      );
      const request = await takeRequest(tx, "w", twoWeeks);
      const [claim] = await claimCombinations(tx, request!, "w");
      assert.equal(claim.days, 14);
      const [run] = await tx`select triggered_by, stats from public.runs where id = ${
        request!.runId
      }`;
      assert.equal(run.triggered_by, "cli");
      assert.equal(run.stats.days, 14);
    });
  },
);

Deno.test(
  "backfill: leases — a working request is not taken twice; one that keeps dying fails",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      const ana = await userWith(tx, "ana@example.com", ["data engineer"]);
      const id = await requestBackfill(tx, ana);
      assert.ok(await takeRequest(tx, "w1", id));
      assert.equal(await takeRequest(tx, "w2", id), null, "leased to w1");
      assert.equal(await takeRequest(tx, "w2"), null, "and not handed out as a due request");
      await tx`update public.backfill_requests set interruptions = 4, lease_expires_at = now() - interval '1 second' where id = ${id}`;
      assert.equal(await takeRequest(tx, "w3", id), null);
      const [req] =
        await tx`select r.state, r.last_error, u.status from public.backfill_requests r join public.runs u on u.id = r.run_id where r.id = ${id}`;
      assert.equal(req.state, "failed");
      assert.equal(req.status, "failed");
      assert.match(req.last_error, /stopped without finishing 5 times/);
    });
  },
);

Deno.test(
  "backfill: a new request calls the backfill function; the sweep re-sends due ones",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      await tx`delete from net.http_request_queue`;
      await setFunctionSecrets(tx, "http://127.0.0.1:54321", "s3cret");
      const ana = await userWith(tx, "ana@example.com", ["data engineer"]);
      const id = await requestBackfill(tx, ana);
      const queued = await tx`select url, body, headers from net.http_request_queue`;
      assert.equal(queued.length, 1);
      assert.equal(queued[0].url, "http://127.0.0.1:54321/functions/v1/backfill");
      assert.equal(queued[0].headers["x-webhook-secret"], "s3cret");
      const body = JSON.parse(new TextDecoder().decode(queued[0].body));
      assert.deepEqual(body, { request_id: id });

      const [{ n: early }] = await tx`select private.resend_due_backfills() as n`;
      assert.equal(early, 0, "just requested: the trigger's call is still on its way");
      await tx`update public.backfill_requests set requested_at = now() - interval '2 minutes'`;
      const [{ n }] = await tx`select private.resend_due_backfills() as n`;
      assert.equal(n, 1, "a request nobody took is sent again");
      const [{ n: twice }] = await tx`select private.resend_due_backfills() as n`;
      assert.equal(twice, 0, "at most once a minute");
      const [{ sends }] = await tx`select sends from public.backfill_requests where id = ${id}`;
      assert.equal(sends, 1);
    });
  },
);

Deno.test(
  "backfill: a shorter period does not count as backfilled for a longer request",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      const ana = await userWith(tx, "ana@example.com", ["data engineer"]);
      const ben = await userWith(tx, "ben@example.com", ["data engineer"]);
      const short = await takeRequest(tx, "w1", await requestBackfill(tx, ana, 3));
      const [c3] = await claimCombinations(tx, short!, "w1");
      assert.equal(c3.days, 3);
      assert.equal(await finishCombination(tx, c3, short!, "w1", bothDone), "backfilled");
      assert.equal(await settleRequest(tx, short!, "w1", DONE), "done");

      const month = await take(tx, "w2", ben);
      const [c30] = await claimCombinations(tx, month, "w2");
      assert.equal(c30?.id, c3.id, "three days do not cover a month: fetched again");
      assert.equal(c30.days, 30);
      assert.deepEqual(c30.providersDone, [], "both providers, over the longer period");
      assert.equal(await finishCombination(tx, c30, month, "w2", bothDone), "backfilled");
      assert.equal(await settleRequest(tx, month, "w2", DONE), "done");
      const [row] =
        await tx`select backfill_days from public.backfill_tracking where id = ${c3.id}`;
      assert.equal(row.backfill_days, 30);
      const [run] = await tx`select stats from public.runs where id = ${month.runId}`;
      assert.equal(run.stats.combinations_skipped, 0);

      const twoWeeks = await takeRequest(tx, "w3", await requestBackfill(tx, ana, 14));
      assert.deepEqual(await claimCombinations(tx, twoWeeks!, "w3"), [], "a month covers 14 days");
      assert.equal(await settleRequest(tx, twoWeeks!, "w3", DONE), "done");
    });
  },
);

Deno.test(
  "backfill: waiting and continuing are not interruptions; only a lease that runs out is",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      const ana = await userWith(tx, "ana@example.com", ["data engineer"]);
      const ben = await userWith(tx, "ben@example.com", ["data engineer"]);
      const a = await take(tx, "wa", ana);
      await claimCombinations(tx, a, "wa"); // ana's worker holds the combination
      const id = await requestBackfill(tx, ben);
      for (let poll = 0; poll < 8; poll++) {
        await tx`update public.backfill_requests set not_before = now() where id = ${id}`;
        const b = await takeRequest(tx, `wb${poll}`, id);
        assert.equal(await settleRequest(tx, b!, `wb${poll}`, DONE), "waiting");
      }
      const [req] =
        await tx`select state, attempts, interruptions from public.backfill_requests where id = ${id}`;
      assert.deepEqual({ ...req }, { state: "pending", attempts: 8, interruptions: 0 });
      await tx`update public.backfill_requests set not_before = now() where id = ${id}`;
      await takeRequest(tx, "crashes", id);
      await tx`update public.backfill_requests set lease_expires_at = now() - interval '1 second' where id = ${id}`;
      assert.ok(await takeRequest(tx, "rescuer", id));
      const [after] = await tx`select interruptions from public.backfill_requests where id = ${id}`;
      assert.equal(after.interruptions, 1);
    });
  },
);

Deno.test(
  "backfill: a combination another request gave up on is tried again for a new request",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      await tx`update public.settings set backfill_max_attempts = 3`;
      const ana = await userWith(tx, "ana@example.com", ["sre"]);
      let request = await take(tx, "w0", ana);
      for (let attempt = 1; attempt <= 3; attempt++) {
        const [claim] = await claimCombinations(tx, request, `w${attempt - 1}`);
        await finishCombination(tx, claim, request, `w${attempt - 1}`, {
          ...bothDone,
          providersDone: [],
          error: "JSearch: HTTP 503",
        });
        const settled = await settleRequest(tx, request, `w${attempt - 1}`, DONE);
        if (attempt < 3) {
          assert.equal(settled, "waiting");
          await tx`update public.backfill_tracking set next_attempt_at = now() - interval '1 second'`;
          await tx`update public.backfill_requests set not_before = now() where id = ${request.id}`;
          request = (await takeRequest(tx, `w${attempt}`, request.id))!;
        } else {
          assert.equal(settled, "failed", "ana's request gives up after its 3 attempts");
        }
      }
      await tx`update public.backfill_tracking set next_attempt_at = now() - interval '1 second'`;
      const ben = await userWith(tx, "ben@example.com", ["sre"]);
      const b = await take(tx, "wb", ben);
      const [claim] = await claimCombinations(tx, b, "wb");
      assert.ok(claim, "ben's request tries it once more instead of failing at once");
      assert.equal(await finishCombination(tx, claim, b, "wb", bothDone), "backfilled");
      assert.equal(await settleRequest(tx, b, "wb", DONE), "done");
    });
  },
);

Deno.test(
  "backfill sweep: backs off, says what to check, and requeues failed combinations",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.backfill_requests`;
      await setFunctionSecrets(tx);
      const ana = await userWith(tx, "ana@example.com", ["data engineer"]);
      const id = await requestBackfill(tx, ana);
      await tx`update public.backfill_requests set sends = 3, last_sent_at = now() - interval '5 minutes' where id = ${id}`;
      const [{ n: early }] = await tx`select private.resend_due_backfills() as n`;
      assert.equal(early, 0, "after 3 unanswered sends the next waits 8 minutes");
      await tx`update public.backfill_requests set sends = 4, last_sent_at = now() - interval '20 minutes' where id = ${id}`;
      const [{ n }] = await tx`select private.resend_due_backfills() as n`;
      assert.equal(n, 1);
      const [req] =
        await tx`select sends, last_error from public.backfill_requests where id = ${id}`;
      assert.equal(req.sends, 5);
      assert.match(
        req.last_error,
        /has not taken this request after 5 calls: check that it is deployed, that its FUNCTIONS_SECRET/,
      );
      assert.ok(await takeRequest(tx, "w", id), "taken at last");
      const [taken] = await tx`select sends from public.backfill_requests where id = ${id}`;
      assert.equal(taken.sends, 0, "a take answers the sends");

      // a failed combination whose request has ended gets a new request from the sweep
      const [running] = await tx`select run_id from public.backfill_requests where id = ${id}`;
      const request = {
        id,
        userId: ana,
        days: null,
        runId: Number(running.run_id),
        requestedBy: "manual",
        attempts: 1,
      };
      const [claim] = await claimCombinations(tx, request, "w");
      await finishCombination(tx, claim, request, "w", {
        ...bothDone,
        providersDone: [],
        error: "JSearch: HTTP 503",
      });
      await tx`update public.backfill_requests set state = 'failed', finished_at = now(), claimed_by = null, lease_expires_at = null where id = ${id}`;
      await tx`update public.backfill_tracking set next_attempt_at = now() - interval '1 minute'`;
      await tx`select private.resend_due_backfills()`;
      const requeued =
        await tx`select user_id, requested_by from public.backfill_requests where state = 'pending'`;
      assert.deepEqual(requeued.map((r) => ({ ...r })), [{ user_id: ana, requested_by: "sweep" }]);
      await tx`select private.resend_due_backfills()`;
      const [{ open }] =
        await tx`select count(*)::int as open from public.backfill_requests where state = 'pending'`;
      assert.equal(open, 1, "one open request is enough");
    });
  },
);

Deno.test(
  "settings: the one row that every lease and attempt limit is read from cannot be removed",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      for (const statement of ["delete from public.settings", "truncate public.settings"]) {
        await assert.rejects(
          tx.savepoint((sp) => sp.unsafe(statement)),
          /public\.settings holds exactly one row.*update public\.settings set/,
          statement,
        );
      }
      const [{ lease }] = await tx`select backfill_lease_seconds as lease from public.settings`;
      assert.equal(lease, 300);
    });
  },
);
