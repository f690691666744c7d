/**
 * A page store and a search edit of the same combination at the same time, on real Postgres:
 * whichever commits first, the user's feed has the page's jobs (each side reads the other only
 * once it holds the combination's lock).
 */
import assert from "node:assert/strict";
import { connectPostgres, type Sql } from "../shared/db/postgres.ts";
import { dbTest, onRealPostgres, testDatabase } from "./support/database.ts";

const realOnly = { ...dbTest, ignore: !onRealPostgres() };

async function seed(pool: Sql, tag: string) {
  const [user] = await pool<{ id: string }[]>`
    insert into auth.users (id, email) values (gen_random_uuid(), ${`race-${tag}@example.com`})
    returning id`;
  const [combination] = await pool<{ id: number }[]>`
    insert into public.backfill_tracking (title_keyword, location, state, backfilled_date)
    values (${`race ${tag}`}, 'berlin', 'backfilled', now()) returning id`;
  const [job] = await pool<{ id: number }[]>`
    insert into public.jobs (fingerprint, title, location_city)
    values (${`race-${tag}`}, ${`Race ${tag}`}, 'Berlin') returning id`;
  return { user: user.id, combination: combination.id, job: job.id };
}

async function items(pool: Sql, user: string) {
  const rows = await pool<{ job_id: string; covered: boolean }[]>`
    select job_id, covered from public.feed_items where user_id = ${user}`;
  return rows.map((r) => ({ job: Number(r.job_id), covered: r.covered }));
}

/** Runs `first` in an open transaction, then `second` while it is open, then commits `first`. */
async function interleave(
  pool: Sql,
  first: (tx: Sql) => Promise<unknown>,
  second: (tx: Sql) => Promise<unknown>,
) {
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  let started!: () => void;
  const begun = new Promise<void>((resolve) => started = resolve);
  const a = pool.begin(async (tx) => {
    await first(tx as unknown as Sql);
    started();
    await held;
  });
  await begun;
  const b = pool.begin((tx) => second(tx as unknown as Sql));
  // the second waits on the lock (or, without it, would finish at once without the first's rows)
  await new Promise((resolve) => setTimeout(resolve, 300));
  release();
  await Promise.all([a, b]);
}

Deno.test({
  name: "pg: a search added while a page of its combination is stored gets the page's jobs",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const pool = connectPostgres(url, { max: 4 });
    const tag = crypto.randomUUID().slice(0, 8);
    try {
      for (const order of ["store first", "search first"] as const) {
        const s = await seed(pool, `${tag}-${order.split(" ")[0]}`);
        const store = (tx: Sql) =>
          tx`insert into public.combination_jobs (combination_id, job_id)
             values (${s.combination}, ${s.job})`;
        const search = (tx: Sql) =>
          tx`insert into public.user_search_queries (user_id, title_keyword, location)
             select ${s.user}, title_keyword, location from public.backfill_tracking
             where id = ${s.combination}`;
        if (order === "store first") await interleave(pool, store, search);
        else await interleave(pool, search, store);
        assert.deepEqual(await items(pool, s.user), [{ job: s.job, covered: true }], order);
      }
    } finally {
      await pool`delete from public.jobs where fingerprint like ${`race-${tag}%`}`;
      await pool`delete from public.backfill_tracking where title_keyword like ${`race ${tag}%`}`;
      await pool`delete from auth.users where email like ${`race-${tag}%`}`;
      await pool.end();
    }
  },
});
