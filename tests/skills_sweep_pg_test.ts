/**
 * The skills-sweep and a store at the same time, on real Postgres: a job stored by a transaction
 * that began before a CV's new skill committed, and that commits after, still gets the skill. A
 * pass reads nothing until the transactions in progress when it began have ended.
 */
import assert from "node:assert/strict";
import { connectPostgres, type Sql } from "../shared/db/postgres.ts";
import { dbTest, onRealPostgres, testDatabase } from "./support/database.ts";

const realOnly = { ...dbTest, ignore: !onRealPostgres() };

/** Sweeps until no pass is open (the last pass may be from another test's vocabulary). */
async function settle(pool: Sql): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    await pool`select private.sweep_job_skills()`;
    const [{ open }] = await pool<{ open: number }[]>`
      select count(*)::int as open from private.job_skills_passes where finished_at is null`;
    if (open === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("a skills-sweep pass stayed open for 10 s");
}

Deno.test({
  name: "pg: a job stored while a CV's new skill commits gets the skill from the next pass",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const pool = connectPostgres(url, { max: 4 });
    const term = `straggler${crypto.randomUUID().slice(0, 8).replace(/[^a-z]/g, "q")}`;
    let jobId = 0;
    let release = () => {};
    let store: Promise<unknown> = Promise.resolve();
    try {
      await settle(pool);
      const held = new Promise<void>((resolve) => release = resolve);
      let stored!: () => void;
      const inserted = new Promise<void>((resolve) => stored = resolve);
      // a store's transaction: the job is matched against the vocabulary without the term
      store = pool.begin(async (tx) => {
        const [job] = await tx<{ id: number }[]>`
          insert into public.jobs (fingerprint, title, description)
          values (${`sweep-race-${term}`}, 'Race Engineer', ${`We use ${term} daily.`})
          returning id`;
        jobId = Number(job.id);
        stored();
        await held;
      });
      await inserted;
      // a CV brings the term and commits while the store is open
      await pool`
        select private.add_skills(${pool.json([{ label: term, kind: "skill" }] as never)})`;
      // the sweep begins a pass for it, but reads nothing while the store is open
      const [{ read }] = await pool<{ read: number }[]>`select private.sweep_job_skills() as read`;
      assert.equal(read, 0);
      const [pass] = await pool`
        select to_version, reading_at, finished_at from private.job_skills_passes
        where finished_at is null`;
      assert.ok(pass, "a pass is open");
      assert.equal(pass.reading_at, null, "and waits");
      release();
      await store;
      const [before] = await pool<{ skills: string[] }[]>`
        select skills from public.job_skills where job_id = ${jobId}`;
      assert.deepEqual(before.skills, [], "stored before the term was visible");
      await settle(pool);
      const [after] = await pool<{ skills: string[] }[]>`
        select skills from public.job_skills where job_id = ${jobId}`;
      assert.deepEqual(after.skills, [term]);
    } finally {
      release();
      await store.catch(() => {});
      if (jobId) await pool`delete from public.jobs where id = ${jobId}`;
      await pool`delete from public.skills where skill = ${term}`;
      await pool.end();
    }
  },
});
