/**
 * What only a real Postgres server can show: concurrent sessions and pg_cron.
 * Skipped on the embedded PGlite, which serves a single connection.
 */
import assert from "node:assert/strict";
import { connectPostgres } from "../shared/db/postgres.ts";
import { dbTest, onRealPostgres, testDatabase } from "./support/database.ts";

const realOnly = { ...dbTest, ignore: !onRealPostgres() };

Deno.test({
  name: "pg: ten sessions marking one NULL-filter combination at once leave exactly one row",
  ...realOnly,
  fn: async () => {
    const { url } = await testDatabase();
    const pool = connectPostgres(url, { max: 10 });
    const title = `concurrency ${crypto.randomUUID().slice(0, 8)}`;
    try {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          pool.begin(async (tx) => {
            await tx`select pg_sleep(0.05)`;
            await tx`select public.mark_combination_backfilled(${title}, 'berlin', null, null, null, null, 5, 1)`;
          })),
      );
      const rows =
        await pool`select credits_used from public.backfill_tracking where title_keyword = ${title}`;
      assert.equal(rows.length, 1);
      assert.equal(rows[0].credits_used, 10);
    } finally {
      await pool`delete from public.backfill_tracking where title_keyword = ${title}`;
      await pool.end();
    }
  },
});

Deno.test({
  name: "pg: pg_cron is preloaded and can be enabled the way Supabase enables it",
  ...realOnly,
  fn: async () => {
    const { sql } = await testDatabase();
    const [{ libraries }] =
      await sql`select current_setting('shared_preload_libraries') as libraries`;
    assert.match(libraries, /pg_cron/);
    const [{ available }] = await sql`
      select count(*)::int as available from pg_available_extensions where name = 'pg_cron'`;
    assert.equal(available, 1);
  },
});
