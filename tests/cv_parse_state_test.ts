import assert from "node:assert/strict";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertCv } from "./support/fixtures.ts";

const queries = (titles: string[]) =>
  titles.map((title_keyword) => ({
    title_keyword,
    location: "berlin",
    ai_work_arrangement: null,
    ai_employment_type: null,
    ai_seniority: "5-10",
    ai_industry: null,
  }));

async function begin(tx: TransactionSql, id: string) {
  return await tx<{ id: string; status: string; attempts: number }[]>`
    select id, status, attempts from public.begin_cv_parse(${id})`;
}

async function finish(tx: TransactionSql, id: string, titles: string[]) {
  const [{ written }] = await tx<{ written: number | null }[]>`
    select public.finish_cv_parse(${id}, ${tx.json(queries(titles))}, 'claude-sonnet-4-6', 1200,
      300) as written`;
  return written;
}

async function active(tx: TransactionSql, user: string) {
  const rows = await tx<{ title_keyword: string }[]>`
    select title_keyword from public.user_search_queries where user_id = ${user} and is_active
    order by title_keyword`;
  return rows.map((row) => row.title_keyword);
}

Deno.test("a CV is claimed once: a redelivered webhook finds nothing to do", dbTest, async () => {
  await withRollback(async (tx) => {
    const user = await createUser(tx, "dana@example.com");
    const cv = await insertCv(tx, user);
    assert.deepEqual((await begin(tx, cv)).map((r) => [r.status, r.attempts]), [["parsing", 1]]);
    assert.equal((await begin(tx, cv)).length, 0, "already parsing");
    // a parse that died long ago is stale: the sweep's call may take it again
    await tx`update public.cv_documents set parsing_started_at = now() - interval '1 hour'
             where id = ${cv}`;
    assert.deepEqual((await begin(tx, cv)).map((r) => r.attempts), [2]);
    assert.equal(await finish(tx, cv, ["data engineer"]), 1);
    assert.equal((await begin(tx, cv)).length, 0, "parsed");
    assert.equal(await finish(tx, cv, ["other"]), null, "a late duplicate changes nothing");
    assert.deepEqual(await active(tx, user), ["data engineer"]);
  });
});

Deno.test(
  "a newer CV replaces the active queries; old rows stay, deactivated",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const user = await createUser(tx, "eli@example.com");
      const first = await insertCv(tx, user, "first.pdf");
      await begin(tx, first);
      await finish(tx, first, ["data engineer", "analytics engineer"]);
      const second = await insertCv(tx, user, "second.pdf");
      await begin(tx, second);
      assert.equal(await finish(tx, second, ["data engineer", "ml engineer", "ml engineer"]), 2);
      assert.deepEqual(await active(tx, user), ["data engineer", "ml engineer"]);
      const [{ kept }] = await tx<{ kept: number }[]>`
      select count(*)::int as kept from public.user_search_queries
      where user_id = ${user} and not is_active and deactivated_at is not null`;
      assert.equal(kept, 2);
      const requests = await tx`
      select cv_document_id, state from public.backfill_requests where user_id = ${user}
      order by id`;
      assert.deepEqual(requests.map((r) => [r.cv_document_id, r.state]), [
        [first, "pending"],
        [second, "pending"],
      ]);
    });
  },
);

Deno.test("an older CV finishing after a newer one does not take over", dbTest, async () => {
  await withRollback(async (tx) => {
    const user = await createUser(tx, "fay@example.com");
    const older = await insertCv(tx, user, "older.pdf");
    await tx`update public.cv_documents set created_at = now() - interval '1 hour'
             where id = ${older}`;
    const newer = await insertCv(tx, user, "newer.pdf");
    await begin(tx, older);
    await begin(tx, newer);
    await finish(tx, newer, ["product manager"]);
    assert.equal(await finish(tx, older, ["data engineer"]), 0);
    assert.deepEqual(await active(tx, user), ["product manager"]);
    const [{ requests }] = await tx<{ requests: number }[]>`
      select count(*)::int as requests from public.backfill_requests where user_id = ${user}`;
    assert.equal(requests, 1);
  });
});

Deno.test("a failed parse leaves a reason and no queries, and can be retried", dbTest, async () => {
  await withRollback(async (tx) => {
    const user = await createUser(tx, "gil@example.com");
    const cv = await insertCv(tx, user);
    await begin(tx, cv);
    const [{ failed }] = await tx<{ failed: boolean }[]>`
      select public.fail_cv_parse(${cv}, 'Cannot read CV cv.pdf: the file is encrypted.') as failed`;
    assert.equal(failed, true);
    const [doc] = await tx<{ status: string; error: string }[]>`
      select status, error from public.cv_documents where id = ${cv}`;
    assert.deepEqual({ ...doc }, {
      status: "failed",
      error: "Cannot read CV cv.pdf: the file is encrypted.",
    });
    assert.deepEqual(await active(tx, user), []);
    assert.equal((await begin(tx, cv)).length, 0, "failed waits for a retry");
    const [{ retried }] = await tx<{ retried: boolean }[]>`
      select public.retry_cv_parse(${cv}) as retried`;
    assert.equal(retried, true);
    assert.deepEqual((await begin(tx, cv)).map((r) => r.attempts), [1], "a retry starts afresh");
  });
});

Deno.test(
  "a retryable failure goes back in line; a CV that keeps failing fails for good",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const user = await createUser(tx, "hal@example.com");
      const cv = await insertCv(tx, user);
      for (let attempt = 1; attempt <= 3; attempt++) {
        assert.deepEqual((await begin(tx, cv)).map((r) => r.attempts), [attempt]);
        await tx`select public.fail_cv_parse(${cv}, 'Claude is overloaded right now.', null, null,
        null, true)`;
      }
      const [after] = await tx<{ status: string; error: string }[]>`
      select status, error from public.cv_documents where id = ${cv}`;
      assert.equal(after.status, "failed", "the third retryable failure is final");
      // a parse that crashed three times (never reported) is failed by the next claim
      const crashed = await insertCv(tx, user, "crash.pdf");
      for (let i = 0; i < 3; i++) {
        await begin(tx, crashed);
        await tx`update public.cv_documents set parsing_started_at = now() - interval '1 hour'
               where id = ${crashed}`;
      }
      assert.equal((await begin(tx, crashed)).length, 0);
      const [dead] = await tx<{ status: string; error: string }[]>`
      select status, error from public.cv_documents where id = ${crashed}`;
      assert.equal(dead.status, "failed");
      assert.match(dead.error, /could not be processed after 3 attempts/);
    });
  },
);
