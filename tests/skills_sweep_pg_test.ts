/**
 * The skills-sweep beside stores and CV parses, on real Postgres. A stored job ends up with
 * every skill its text names, whatever commits first:
 *  - a store that began before a CV's new skill committed and commits after it (its id before
 *    or after the CV's): the pass waits for the transactions that had an id before its own;
 *  - a store that holds a job's row while the pass reads it and then rolls back: the pass's
 *    cursor stops before the job;
 *  - a store that holds a job's feed items: the sweep does not wait for them (a store waiting
 *    for the sweep cannot wait in a cycle), and comes back for the job.
 */
import assert from "node:assert/strict";
import { connectPostgres, type Sql } from "../shared/db/postgres.ts";
import { sweepUntilDone } from "../bench/skills_sweep.ts";
import { dbTest, onRealPostgres, testDatabase } from "./support/database.ts";

const realOnly = { ...dbTest, ignore: !onRealPostgres() };

/** A transaction held open after `body` until `release(commit)`. */
function hold(pool: Sql, body: (tx: Sql) => Promise<unknown>) {
  let release!: (commit: boolean) => void;
  const released = new Promise<boolean>((resolve) => release = resolve);
  let ready!: () => void;
  const started = new Promise<void>((resolve) => ready = resolve);
  const done = pool.begin(async (tx) => {
    await body(tx as unknown as Sql);
    ready();
    if (!(await released)) throw new Error("rolled back on purpose");
  }).catch((e) => {
    if (!String(e).includes("rolled back on purpose")) throw e;
  });
  return { started, release, done };
}

/** A term no ad names but the test's (letters only: a skill's key). */
const newTerm = (prefix: string) =>
  `${prefix}${crypto.randomUUID().replace(/[^a-f]/g, "").slice(0, 10)}`;

async function skillsOf(pool: Sql, jobId: number): Promise<string[]> {
  const [row] = await pool<{ skills: string[] }[]>`
    select skills from public.job_skills where job_id = ${jobId}`;
  return row.skills;
}

async function addSkill(pool: Sql, term: string): Promise<void> {
  await pool`select private.add_skills(${pool.json([{ label: term, kind: "skill" }] as never)})`;
}

/** Runs `fn`; then releases what it held, deletes the job and the skill, and ends the pool. */
async function withTerm(
  prefix: string,
  fn: (pool: Sql, term: string, cleanup: { jobs: number[]; held: Held[] }) => Promise<void>,
): Promise<void> {
  const { url } = await testDatabase();
  const pool = connectPostgres(url, { max: 6 });
  const term = newTerm(prefix);
  const cleanup = { jobs: [] as number[], held: [] as Held[] };
  try {
    await sweepUntilDone(pool);
    await fn(pool, term, cleanup);
  } finally {
    for (const h of cleanup.held) h.release(false);
    await Promise.all(cleanup.held.map((h) => h.done));
    await pool`delete from public.jobs where id = any(${cleanup.jobs}::bigint[])`;
    await pool`delete from public.skills where skill = ${term}`;
    await pool.end();
  }
}
type Held = ReturnType<typeof hold>;

async function storeJob(tx: Sql, term: string, cleanup: { jobs: number[] }): Promise<number> {
  const [job] = await tx<{ id: number }[]>`
    insert into public.jobs (fingerprint, title, description)
    values (${`sweep-race-${term}`}, 'Race Engineer', ${`We use ${term} daily.`})
    returning id`;
  cleanup.jobs.push(Number(job.id));
  return Number(job.id);
}

Deno.test({
  name: "pg: a job stored while a CV's new skill commits gets the skill from the next pass",
  ...realOnly,
  fn: () =>
    withTerm("straggler", async (pool, term, cleanup) => {
      let jobId = 0;
      const store = hold(pool, async (tx) => jobId = await storeJob(tx, term, cleanup));
      cleanup.held.push(store);
      await store.started;
      await addSkill(pool, term);
      // the sweep begins a pass for it, but reads nothing while the store is open
      const [{ read }] = await pool<{ read: number }[]>`select private.sweep_job_skills() as read`;
      assert.equal(read, 0);
      const [pass] = await pool`
        select reading_at from private.job_skills_passes where finished_at is null`;
      assert.ok(pass, "a pass is open");
      assert.equal(pass.reading_at, null, "and waits");
      store.release(true);
      await store.done;
      assert.deepEqual(await skillsOf(pool, jobId), [], "stored before the term was visible");
      await sweepUntilDone(pool);
      assert.deepEqual(await skillsOf(pool, jobId), [term]);
    }),
});

Deno.test({
  name: "pg: a store whose transaction id follows the CV's is waited for too",
  ...realOnly,
  fn: () =>
    withTerm("latestore", async (pool, term, cleanup) => {
      // the CV's transaction takes its id first (it adds the skill) and stays open
      const cv = hold(pool, (tx) => addSkill(tx, term));
      cleanup.held.push(cv);
      await cv.started;
      // a store begins after it, with a later id; it matches without the (uncommitted) term
      let jobId = 0;
      const store = hold(pool, async (tx) => jobId = await storeJob(tx, term, cleanup));
      cleanup.held.push(store);
      await store.started;
      cv.release(true);
      await cv.done;
      // a pass begins now: the store's id is later than every finished one, and still running
      const [{ read }] = await pool<{ read: number }[]>`select private.sweep_job_skills() as read`;
      assert.equal(read, 0, "the pass waits for the store");
      store.release(true);
      await store.done;
      await sweepUntilDone(pool);
      assert.deepEqual(await skillsOf(pool, jobId), [term]);
    }),
});

Deno.test({
  name: "pg: a job a store holds while the pass reads, then rolls back, is read again",
  ...realOnly,
  fn: () =>
    withTerm("rolledback", async (pool, term, cleanup) => {
      const jobId = await storeJob(pool, term, cleanup);
      await addSkill(pool, term);
      // a transaction open as the pass begins: the pass waits for it
      const other = hold(pool, (tx) => tx`select pg_current_xact_id()`);
      cleanup.held.push(other);
      await other.started;
      const [{ waiting }] = await pool<{ waiting: number }[]>`
        select private.sweep_job_skills() as waiting`;
      assert.equal(waiting, 0);
      // a store that began after the pass changes the job's text and holds its job_skills row
      const store = hold(pool, (tx) =>
        tx`update public.jobs set description = ${`We use ${term} every day.`}
           where id = ${jobId}`);
      cleanup.held.push(store);
      await store.started;
      other.release(true);
      await other.done;
      const [{ read }] = await pool<{ read: number }[]>`select private.sweep_job_skills() as read`;
      assert.equal(read, 0, "the cursor stops before the job the store holds");
      store.release(false);
      await store.done;
      await sweepUntilDone(pool);
      assert.deepEqual(await skillsOf(pool, jobId), [term]);
    }),
});

Deno.test({
  name: "pg: the sweep does not wait for a job's feed items a store holds, and comes back",
  ...realOnly,
  fn: () =>
    withTerm("feedheld", async (pool, term, cleanup) => {
      const jobId = await storeJob(pool, term, cleanup);
      const [user] = await pool<{ id: string }[]>`
        insert into auth.users (id, email) values (gen_random_uuid(), ${`${term}@example.com`})
        returning id`;
      try {
        const [combination] = await pool<{ id: number }[]>`
          insert into public.backfill_tracking (title_keyword, location, state, backfilled_date)
          values (${`race ${term}`}, 'berlin', 'backfilled', now()) returning id`;
        await pool`insert into public.user_search_queries (user_id, title_keyword, location)
                   values (${user.id}, ${`race ${term}`}, 'berlin')`;
        await pool`insert into public.combination_jobs (combination_id, job_id)
                   values (${combination.id}, ${jobId})`;
        await addSkill(pool, term);
        // a store holds the job's feed item (it is scoring it again)
        const store = hold(pool, (tx) =>
          tx`select 1 from public.feed_items where job_id = ${jobId} for update`);
        cleanup.held.push(store);
        await store.started;
        const read = await pool.begin(async (tx) => {
          await tx`set local lock_timeout = '3s'`;
          const [row] = await tx<{ read: number }[]>`select private.sweep_job_skills() as read`;
          return row.read;
        });
        assert.equal(read, 0, "nothing read past the held job, and no wait");
        assert.deepEqual(await skillsOf(pool, jobId), []);
        store.release(true);
        await store.done;
        await sweepUntilDone(pool);
        assert.deepEqual(await skillsOf(pool, jobId), [term]);
        const [item] = await pool<{ matched_skills: string[]; missing_skills: string[] }[]>`
          select matched_skills, missing_skills from public.feed_items where job_id = ${jobId}`;
        assert.deepEqual(item.missing_skills, [term], "the item is scored again");
      } finally {
        await pool`delete from public.backfill_tracking where title_keyword = ${`race ${term}`}`;
        await pool`delete from auth.users where id = ${user.id}`;
      }
    }),
});
