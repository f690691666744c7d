/**
 * The database every test file shares within one `deno test` process: DATABASE_URL when set
 * (`deno task test:pg` sets it to a throwaway PostgreSQL 15), otherwise an embedded PGlite.
 * It is prepared once (platform stand-in + migrations). Tests isolate themselves with
 * {@link withRollback}.
 *
 * @module
 */
import { loadConfig } from "../../shared/config.ts";
import type { TransactionSql } from "../../shared/db/postgres.ts";
import {
  inRolledBackTransaction,
  type LocalDatabase,
  openLocalDatabase,
  prepareLocalDatabase,
} from "../../local/database.ts";

let shared: Promise<LocalDatabase> | undefined;

/** The shared, prepared test database. */
export function testDatabase(): Promise<LocalDatabase> {
  shared ??= (async () => {
    const database = await openLocalDatabase(loadConfig(), { applicationName: "job-feed-tests" });
    await prepareLocalDatabase(database.sql);
    return database;
  })();
  return shared;
}

/** True when the tests run on a real Postgres server rather than the embedded PGlite. */
export function onRealPostgres(): boolean {
  const env = loadConfig();
  return Boolean(env.DATABASE_URL ?? env.SUPABASE_DB_URL);
}

/**
 * Runs `fn` in a transaction that is always rolled back, so tests leave nothing behind.
 * Returns what `fn` returned.
 */
export async function withRollback<T>(fn: (tx: TransactionSql) => Promise<T>): Promise<T> {
  const { sql } = await testDatabase();
  return await inRolledBackTransaction(sql, fn);
}

/** Options for database tests: the shared client outlives each test, so sanitizers are off. */
export const dbTest = { sanitizeResources: false, sanitizeOps: false } as const;
