/**
 * The digest's rows and functions in SQL: one row per user and local date; claims hand each row
 * to one worker until its lease runs out (SKIP LOCKED) and fail it after the attempt limit; the
 * daily refresh's settlement queues the date's digest (a row, then a pg_net call); the sweep
 * calls again and closes past days; RLS keeps preferences to their user.
 */
import assert from "node:assert/strict";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { claimSends, finishSend } from "../shared/digest/claims.ts";
import { actAs, actAsOwner, createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertCv, insertJobFor, insertQuery, markBackfilled } from "./support/fixtures.ts";
import { setFunctionSecrets } from "./support/storage.ts";

const DATE = "2026-11-29";

async function dueUser(tx: TransactionSql, email: string, title: string): Promise<string> {
  const user = await createUser(tx, email);
  const cv = await insertCv(tx, user);
  await insertQuery(tx, user, { title_keyword: title, location: "berlin" }, cv);
  const tracking = await markBackfilled(tx, { title_keyword: title, location: "berlin" });
  await insertJobFor(tx, tracking, title);
  await tx`insert into public.digest_preferences (user_id, enabled) values (${user}, true)`;
  return user;
}

Deno.test("digest sql: one row per user and date, however often it begins", dbTest, async () => {
  await withRollback(async (tx) => {
    const a = await dueUser(tx, "a@x.test", "data engineer");
    await dueUser(tx, "b@x.test", "qa engineer");
    const [{ first }] = await tx`select public.begin_digest(${DATE}::date, 'test') as first`;
    const [{ second }] = await tx`select public.begin_digest(${DATE}::date, 'test') as second`;
    assert.equal(first, 2);
    assert.equal(second, 0);
    await assert.rejects(
      tx.savepoint((sp) =>
        sp`insert into public.digest_sends (user_id, local_date, jobs_since, jobs_until)
           values (${a}, ${DATE}, now(), now())`
      ),
      /duplicate key/,
    );
    const [row] = await tx`select idempotency_key, status from public.digest_sends
                           where user_id = ${a}`;
    assert.equal(row.idempotency_key, `digest/${a}/${DATE}`);
    assert.equal(row.status, "pending");
  });
});

Deno.test(
  "digest sql: a claim takes at most its limit, whatever plan the server picks",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      for (const [i, title] of ["data engineer", "qa engineer", "data analyst"].entries()) {
        await dueUser(tx, `${i}@x.test`, title);
      }
      await tx`select public.begin_digest(${DATE}::date, 'test')`;
      // the plan that rescans a LIMIT ... FOR UPDATE SKIP LOCKED subquery per updated row
      for (const knob of ["hashagg", "hashjoin", "mergejoin", "material", "sort"]) {
        await tx.unsafe(`set local enable_${knob} = off`);
      }
      assert.equal((await claimSends(tx, DATE, "w1", 1)).length, 1);
      const [{ held }] = await tx`select count(*)::int as held from public.digest_sends
                                where status = 'claimed'`;
      assert.equal(held, 1, "one row claimed, not every due one");
    });
  },
);

Deno.test(
  "digest sql: a claimed row is nobody else's until its lease ends; dead claims fail at the limit",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`update public.settings set digest_max_attempts = 2`;
      const a = await dueUser(tx, "a@x.test", "data engineer");
      await dueUser(tx, "b@x.test", "qa engineer");
      await tx`select public.begin_digest(${DATE}::date, 'test')`;
      const one = await claimSends(tx, DATE, "w1", 1);
      const two = await claimSends(tx, DATE, "w2", 5);
      assert.equal(one.length, 1);
      assert.equal(two.length, 1);
      assert.notEqual(one[0].userId, two[0].userId);
      assert.deepEqual(await claimSends(tx, DATE, "w3", 5), []);
      // a worker that lost the row cannot record a failure on it
      assert.equal(
        await finishSend(tx, { userId: one[0].userId, localDate: DATE, worker: "w2" }, {
          state: "failed",
          failure: "refused",
          error: "x",
        }),
        "lost",
      );
      // w1 dies: its lease runs out and w3 takes the row over (attempt 2)
      await tx`update public.digest_sends set claim_expires_at = now() - interval '1 second'
               where claimed_by = 'w1'`;
      const taken = await claimSends(tx, DATE, "w3", 5);
      assert.deepEqual(taken.map((s) => [s.userId, s.attempts]), [[one[0].userId, 2]]);
      // w3 dies too: at the attempt limit the row fails instead of being taken a third time
      await tx`update public.digest_sends set claim_expires_at = now() - interval '1 second'
               where claimed_by = 'w3'`;
      assert.deepEqual(await claimSends(tx, DATE, "w4", 5), []);
      const [failed] = await tx`select status, failure from public.digest_sends
                                where user_id = ${one[0].userId}`;
      assert.deepEqual({ ...failed }, { status: "failed", failure: "retries_exhausted" });
      // a send that went out is recorded whoever holds the row
      assert.equal(
        await finishSend(tx, { userId: two[0].userId, localDate: DATE, worker: "late" }, {
          state: "sent",
          providerId: "re_1",
        }),
        "sent",
      );
      assert.ok(a);
    });
  },
);

Deno.test(
  "digest sql: the daily refresh's settlement queues the date's digest; the sweep calls again",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.runs where kind = 'daily_refresh'`;
      await tx`delete from public.digest_days`;
      await tx`delete from net.http_request_queue`;
      await setFunctionSecrets(tx, "http://127.0.0.1:54321", "s3cret");
      const [{ run }] = await tx`
        select public.start_daily_refresh(now(), false, 'test') as run`;
      const [{ today }] = await tx`select public.digest_local_date(now())::text as today`;
      assert.equal(
        (await tx`select 1 from public.digest_days where local_date = ${today}`).length,
        0,
      );
      await tx`select public.settle_daily_refresh(${run})`;
      const [day] = await tx`select status, queued_by from public.digest_days
                             where local_date = ${today}`;
      assert.deepEqual({ ...day }, { status: "queued", queued_by: "refresh" });
      const queued = await tx`select url, body from net.http_request_queue`;
      assert.equal(queued.length, 1);
      assert.match(queued[0].url, /\/functions\/v1\/digest$/);
      assert.equal(
        JSON.parse(new TextDecoder().decode(queued[0].body)).local_date,
        today,
      );
      // the call was lost: once the day is quiet, the sweep calls again
      await tx`update public.digest_days set heartbeat_at = now() - interval '10 minutes'`;
      const [{ touched }] = await tx`select private.resend_due_digests() as touched`;
      assert.equal(touched, 1);
      assert.equal((await tx`select 1 from net.http_request_queue`).length, 2);
      // a day that passed with rows pending is closed; its jobs go into the next digest
      const user = await dueUser(tx, "late@x.test", "data engineer");
      await tx`select public.begin_digest('2020-01-01'::date, 'test')`;
      await tx`select private.resend_due_digests()`;
      const [old] = await tx`select s.status, s.failure, d.status as day
                             from public.digest_sends s join public.digest_days d using (local_date)
                             where s.user_id = ${user}`;
      assert.deepEqual({ ...old }, { status: "skipped", failure: "day_passed", day: "done" });
    });
  },
);

Deno.test("digest sql: a user reads and changes only their own preferences", dbTest, async () => {
  await withRollback(async (tx) => {
    const a = await createUser(tx, "a@x.test");
    const b = await createUser(tx, "b@x.test");
    await tx`insert into public.digest_preferences (user_id) values (${b})`;
    await tx.savepoint(async (sp) => {
      await actAs(sp, { kind: "user", id: a });
      await sp`insert into public.digest_preferences (user_id, enabled, max_jobs)
               values (${a}, true, 5)`;
      assert.equal((await sp`select user_id from public.digest_preferences`).length, 1);
      const changed = await sp`update public.digest_preferences set enabled = false returning 1`;
      assert.equal(changed.length, 1);
      await assert.rejects(
        sp.savepoint((inner) => inner`update public.digest_preferences set last_digest_at = now()`),
        /permission denied/,
      );
      await actAsOwner(sp);
    });
    const [row] = await tx`select enabled, max_jobs, enabled_at from public.digest_preferences
                           where user_id = ${a}`;
    assert.equal(row.enabled, false);
    assert.equal(row.max_jobs, 5);
    assert.ok(row.enabled_at);
    const [other] = await tx`select enabled from public.digest_preferences where user_id = ${b}`;
    assert.equal(other.enabled, false, "off until the user turns it on");
  });
});
