/**
 * The morning digest against the Resend fake (local/fakes/resend.ts), counted in its request log
 * and its sent emails: each user who turned it on and has new jobs
 * gets one email with their best new jobs (the feed's ranking and reasons), nobody else; once per
 * user and date under retries, second invocations and a crash between sending and recording
 * (the same idempotency key: the fake sends nothing new); 429 and 5xx retried later, a 4xx for
 * one recipient recorded and skipped, a refused key or a spent quota stops the invocation; the
 * daily cap.
 */
import assert from "node:assert/strict";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { type FakeResend, type FakeResendOptions, startFakeResend } from "../local/fakes/mod.ts";
import { createResendClient } from "../shared/email/resend.ts";
import { digestDays } from "../shared/digest/claims.ts";
import { type DigestDeps, runDigest } from "../shared/digest/run.ts";
import { signUnsubscribeToken, verifyUnsubscribeToken } from "../shared/digest/unsubscribe.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertCv, insertJobFor, insertQuery, markBackfilled } from "./support/fixtures.ts";

const DATE = "2026-11-29";
const SECRET = "functions-secret-for-the-digest-tests";
/** The fake's default key. */
const KEY = "re_test_key";
/** In example.com, the fake's default verified domain. */
const FROM = "Jobs <jobs@example.com>";
/** Resend's answer to a `to` it refuses: a 400 naming the field (the errors page). */
const BAD_TO = "Invalid `to` field. The email address needs to follow the `email@example.com` or " +
  "`Name <email@example.com>` format.";

interface Setup {
  tx: TransactionSql;
  fake: FakeResend;
  deps: DigestDeps;
}

async function withDigest(fn: (setup: Setup) => Promise<void>, options: FakeResendOptions = {}) {
  await withRollback(async (tx) => {
    await tx`update public.settings set digest_feed_url = 'https://jobs.example.com/',
               digest_daily_cap = 100`;
    // the fake keeps Resend's default limit (2 requests a second); the digest paces itself to
    // settings.digest_sends_per_second (2), so no test meets a 429 it did not inject
    const fake = await startFakeResend(options);
    try {
      const deps: DigestDeps = {
        sql: tx,
        email: createResendClient({ apiKey: KEY, baseUrl: fake.url }),
        from: FROM,
        unsubscribeUrl: async (id) =>
          `https://p.test/functions/v1/digest/unsubscribe?token=${await signUnsubscribeToken(
            SECRET,
            id,
          )}`,
        maxSends: 50,
        timeBudgetMs: 60_000,
      };
      await fn({ tx, fake, deps });
    } finally {
      await fake.close();
    }
  });
}

/** A user with `jobs` new jobs in their feed, the digest on unless `enabled` is false. */
async function userWithJobs(
  tx: TransactionSql,
  email: string,
  options: { title: string; jobs: number; enabled?: boolean | null; maxJobs?: number },
): Promise<string> {
  const user = await createUser(tx, email);
  const cv = await insertCv(tx, user);
  const combination = { title_keyword: options.title, location: "berlin" };
  await insertQuery(tx, user, combination, cv);
  const tracking = await markBackfilled(tx, combination);
  for (let i = 0; i < options.jobs; i++) {
    const id = await insertJobFor(tx, tracking, `${options.title} ${i + 1}`);
    await tx`update public.jobs set posted_at = now() - interval '2 hours',
               company = ${i === 0 ? "Zalando <SE>" : "Acme GmbH"},
               description = 'You run our Kubernetes clusters.' where id = ${id}`;
  }
  if (options.enabled !== null) {
    await tx`insert into public.digest_preferences (user_id, enabled, max_jobs)
             values (${user}, ${options.enabled ?? true}, ${options.maxJobs ?? 10})`;
  }
  return user;
}

const sendOf = async (tx: TransactionSql, user: string) =>
  (await tx`select * from public.digest_sends where user_id = ${user} and local_date = ${DATE}`)[0];

Deno.test(
  "digest: one email per opted-in user with new jobs, nobody else; a second run sends nothing",
  dbTest,
  async () => {
    await withDigest(async ({ tx, fake, deps }) => {
      const ana = await userWithJobs(tx, "ana@example.com", {
        title: "data engineer",
        jobs: 3,
        maxJobs: 2,
      });
      const off = await userWithJobs(tx, "off@example.com", {
        title: "qa engineer",
        jobs: 2,
        enabled: false,
      });
      await userWithJobs(tx, "never@example.com", {
        title: "data analyst",
        jobs: 2,
        enabled: null,
      });
      const idle = await userWithJobs(tx, "idle@example.com", {
        title: "product manager",
        jobs: 0,
      });

      const first = await runDigest(deps, { localDate: DATE, by: "test" });
      assert.equal(first.sends.sent, 1);
      assert.equal(first.status, "done");
      assert.equal(fake.sent.length, 1);
      assert.equal(fake.requests.length, 1);
      const mail = fake.sent[0];
      assert.equal(mail.from, FROM);
      assert.deepEqual(mail.to, ["ana@example.com"]);
      assert.equal(mail.idempotencyKey, `digest/${ana}/${DATE}`);
      assert.match(mail.subject, /^2 new jobs for you — data engineer \d at /);
      assert.equal(mail.headers?.["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click");
      const link = /^<(.+)>$/.exec(mail.headers!["List-Unsubscribe"])![1];
      const token = new URL(link).searchParams.get("token")!;
      assert.equal(await verifyUnsubscribeToken(SECRET, token), ana);
      assert.match(mail.text!, /https:\/\/jobs\.example\.com\//);
      assert.ok(!mail.html!.includes("<SE>"), "job fields are escaped");
      assert.match(mail.html!, /Zalando &#60;SE&#62;|Acme GmbH/);
      assert.match(mail.text!, /^ {3}Asks for: Kubernetes$/m, "what the CV does not show");
      const row = await sendOf(tx, ana);
      assert.equal(row.status, "sent");
      assert.equal(row.job_ids.length, 2);
      assert.equal(row.attempts, 1);
      assert.equal(row.provider_id, mail.id);
      // nobody who is off, never opted in, or has nothing new has a row, let alone an email
      assert.equal(await sendOf(tx, off), undefined);
      assert.equal(await sendOf(tx, idle), undefined);

      const again = await runDigest(deps, { localDate: DATE, by: "test" });
      assert.equal(again.sends.sent, 0);
      assert.equal(fake.requests.length, 1);
      // the next day, what was sent is not new any more
      const [{ last }] = await tx`select last_digest_at as last from public.digest_preferences
                                  where user_id = ${ana}`;
      assert.ok(last);
      const nextDay = await runDigest(deps, { localDate: "2026-11-30", by: "test" });
      assert.equal(nextDay.added, 0);
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.sent.length, 1);
    });
  },
);

Deno.test(
  "digest: a crash between sending and recording resends under the same key; one email goes out",
  dbTest,
  async () => {
    await withDigest(async ({ tx, fake, deps }) => {
      const ana = await userWithJobs(tx, "ana@example.com", { title: "data engineer", jobs: 2 });
      const crashing: DigestDeps = {
        ...deps,
        email: {
          send: async (message, key) => {
            await deps.email!.send(message, key);
            throw new Error("the invocation died before recording");
          },
        },
      };
      const crashed = await runDigest(crashing, { localDate: DATE, by: "test" });
      assert.equal(crashed.sends.crashed, 1);
      assert.equal(crashed.status, "running");
      assert.equal((await sendOf(tx, ana)).status, "claimed");
      // its lease runs out; the next invocation takes it over
      await tx`update public.digest_sends set claim_expires_at = now() - interval '1 second'`;
      const retried = await runDigest(deps, { localDate: DATE, by: "test" });
      assert.equal(retried.sends.sent, 1);
      assert.equal(retried.status, "done");
      // both requests reached the fake under one key; the second was answered, not sent
      assert.equal(fake.requests.length, 2);
      assert.deepEqual(fake.requests.map((r) => r.idempotencyKey), [
        `digest/${ana}/${DATE}`,
        `digest/${ana}/${DATE}`,
      ]);
      assert.deepEqual(fake.requests.map((r) => r.status), [200, 200]);
      assert.equal(fake.sent.length, 1);
      const row = await sendOf(tx, ana);
      assert.equal(row.status, "sent");
      assert.equal(row.attempts, 2);
      assert.equal(row.provider_id, fake.sent[0].id);
    });
  },
);

Deno.test(
  "digest: 429 and 5xx wait and retry with the same key; other 4xx is recorded; the rest go on",
  dbTest,
  async () => {
    await withDigest(async ({ tx, fake, deps }) => {
      const limited = await userWithJobs(tx, "limited@example.com", {
        title: "data engineer",
        jobs: 1,
      });
      const broken = await userWithJobs(tx, "broken@example.com", {
        title: "qa engineer",
        jobs: 1,
      });
      const bad = await userWithJobs(tx, "bad@example.com", { title: "data analyst", jobs: 1 });
      const fine = await userWithJobs(tx, "fine@example.com", {
        title: "product manager",
        jobs: 1,
      });
      // the order the users come in is not fixed: each fault is kept for its recipient
      const rateLimited = "Too many requests. You can only make 2 requests per second.";
      fake.inject(
        {
          kind: "status",
          status: 429,
          name: "rate_limit_exceeded",
          message: rateLimited,
          retryAfter: 120,
        },
        { to: "limited@example.com" },
      );
      fake.inject({ kind: "status", status: 503 }, { to: "broken@example.com" });
      fake.inject({ kind: "status", status: 400, name: "validation_error", message: BAD_TO }, {
        to: "bad@example.com",
      });

      const first = await runDigest(deps, { localDate: DATE, by: "test" });
      assert.deepEqual(
        { sent: first.sends.sent, deferred: first.sends.deferred, failed: first.sends.failed },
        { sent: 1, deferred: 2, failed: 1 },
      );
      assert.equal(first.status, "running");
      assert.equal((await sendOf(tx, fine)).status, "sent");
      const refused = await sendOf(tx, bad);
      assert.equal(refused.status, "failed");
      assert.equal(refused.failure, "refused");
      assert.match(refused.error, /400 validation_error/);
      assert.match(refused.error, /Invalid `to` field/);
      const waiting = await sendOf(tx, limited);
      assert.equal(waiting.status, "pending");
      const waitMs = new Date(waiting.not_before).getTime() - Date.now();
      assert.ok(waitMs > 100_000 && waitMs <= 120_000, `Retry-After honoured (${waitMs} ms)`);
      assert.equal((await sendOf(tx, broken)).status, "pending");

      // not due yet: nothing is sent
      const early = await runDigest(deps, { localDate: DATE, by: "test" });
      assert.equal(early.sends.sent, 0);
      assert.equal(fake.requests.length, 4);
      assert.equal(fake.sent.length, 1);
      await tx`update public.digest_sends set not_before = now() - interval '1 second'
               where status = 'pending'`;
      const later = await runDigest(deps, { localDate: DATE, by: "test" });
      assert.equal(later.sends.sent, 2);
      assert.equal(later.status, "done");
      assert.deepEqual(fake.sent.map((m) => m.to[0]).sort(), [
        "broken@example.com",
        "fine@example.com",
        "limited@example.com",
      ]);
      // each retried user: two requests under one key (a refusal, then the email), one email
      for (const user of [limited, broken]) {
        const tries = fake.requests.filter((r) => r.idempotencyKey === `digest/${user}/${DATE}`);
        assert.deepEqual(tries.map((r) => r.status).sort(), [200, user === limited ? 429 : 503]);
      }
      assert.equal(fake.requests.length, 6, "the refused recipient was not asked again");
      assert.equal((await sendOf(tx, bad)).status, "failed");
      const [day] = await digestDays(tx, { localDate: DATE });
      assert.deepEqual(
        { sent: day.sent, failed: day.failed, skipped: day.skipped, pending: day.pending },
        { sent: 3, failed: 1, skipped: 0, pending: 0 },
      );
      assert.equal((await sendOf(tx, broken)).attempts, 2);
    });
  },
);

Deno.test(
  "digest: a refused key stops the invocation and leaves the rest due; no key sends nothing",
  dbTest,
  async () => {
    await withDigest(async ({ tx, fake, deps }) => {
      await userWithJobs(tx, "a@example.com", { title: "data engineer", jobs: 1 });
      await userWithJobs(tx, "b@example.com", { title: "qa engineer", jobs: 1 });
      const none = await runDigest({ ...deps, email: null }, { localDate: DATE, by: "test" });
      assert.match(none.stopped!, /RESEND_API_KEY is not set/);
      assert.equal(fake.requests.length, 0);
      assert.equal(none.day?.pending, 2);

      // a key the fake does not know (revoked, mistyped): Resend's 403 invalid_api_key
      const revoked = createResendClient({ apiKey: "re_revoked_key", baseUrl: fake.url });
      const stopped = await runDigest({ ...deps, email: revoked }, { localDate: DATE, by: "test" });
      assert.match(stopped.stopped!, /email provider stopped \(403 invalid_api_key\)/);
      assert.equal(fake.requests.length, 1);
      assert.equal(fake.requests[0].error, "invalid_api_key");
      assert.equal(fake.sent.length, 0);
      assert.equal(stopped.day?.pending, 2);
      assert.match(stopped.day?.stoppedReason ?? "", /RESEND_API_KEY/);
      const rows = await tx`select status, attempts from public.digest_sends order by user_id`;
      assert.deepEqual(rows.map((r) => r.status), ["pending", "pending"]);
      assert.deepEqual(rows.map((r) => r.attempts), [0, 0]);
    });
  },
);

Deno.test(
  "digest: a spent Resend quota stops the invocation and leaves the rest due",
  dbTest,
  async () => {
    await withDigest(async ({ tx, fake, deps }) => {
      for (const title of ["data engineer", "qa engineer", "data analyst"]) {
        await userWithJobs(tx, `${title.replace(" ", ".")}@x.test`, { title, jobs: 1 });
      }
      const outcome = await runDigest(deps, { localDate: DATE, by: "test" });
      assert.equal(outcome.sends.sent, 1);
      assert.match(outcome.stopped!, /email provider stopped \(429 daily_quota_exceeded\)/);
      assert.equal(fake.sent.length, 1);
      assert.deepEqual(fake.requests.map((r) => r.status), [200, 429]);
      assert.equal(outcome.day?.pending, 2);
      assert.match(outcome.day?.stoppedReason ?? "", /quota/);
      const rows = await tx`select status, attempts from public.digest_sends
                            where status <> 'sent'`;
      assert.deepEqual(rows.map((r) => [r.status, r.attempts]), [["pending", 0], ["pending", 0]]);
    }, { dailyQuota: 1 });
  },
);

Deno.test("digest: the daily cap skips the rest of the day", dbTest, async () => {
  await withDigest(async ({ tx, fake, deps }) => {
    await tx`update public.settings set digest_daily_cap = 2`;
    for (
      const [email, title] of [["a@x.test", "data engineer"], ["b@x.test", "qa engineer"], [
        "c@x.test",
        "data analyst",
      ]]
    ) {
      await userWithJobs(tx, email, { title, jobs: 1 });
    }
    const outcome = await runDigest(deps, { localDate: DATE, by: "test" });
    assert.equal(outcome.sends.sent, 2);
    assert.equal(outcome.status, "done");
    assert.equal(fake.sent.length, 2);
    assert.equal(fake.requests.length, 2, "the capped user is never sent to");
    const [skipped] = await tx`select failure, error from public.digest_sends
                               where status = 'skipped'`;
    assert.equal(skipped.failure, "daily_cap");
    assert.match(skipped.error, /digest_daily_cap = 2/);
  });
});

Deno.test("digest: bounded per invocation; the next one goes on", dbTest, async () => {
  await withDigest(async ({ tx, fake, deps }) => {
    await userWithJobs(tx, "a@x.test", { title: "data engineer", jobs: 1 });
    await userWithJobs(tx, "b@x.test", { title: "qa engineer", jobs: 1 });
    const first = await runDigest({ ...deps, maxSends: 1 }, { localDate: DATE, by: "test" });
    assert.equal(first.sends.sent, 1);
    assert.equal(first.status, "running");
    const second = await runDigest({ ...deps, maxSends: 1 }, { localDate: DATE, by: "test" });
    assert.equal(second.sends.sent, 1);
    assert.equal(second.status, "done");
    assert.equal(fake.sent.length, 2);
    assert.equal(fake.requests.length, 2);
  });
});

Deno.test("digest: a user who turns it off before their turn is skipped", dbTest, async () => {
  await withDigest(async ({ tx, fake, deps }) => {
    const ana = await userWithJobs(tx, "ana@x.test", { title: "data engineer", jobs: 1 });
    await tx`select public.begin_digest(${DATE}::date, 'test')`;
    await tx`select public.unsubscribe_digest(${ana}::uuid)`;
    const outcome = await runDigest(deps, { localDate: DATE, by: "test" });
    assert.equal(outcome.sends.sent, 0);
    assert.equal(fake.requests.length, 0);
    assert.equal((await sendOf(tx, ana)).failure, "turned_off");
  });
});
