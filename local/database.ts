/**
 * Opens the database that local tools (CLI, tests, benchmarks, the local runner) work on:
 * the Postgres at DATABASE_URL when it is set, otherwise an embedded PGlite.
 *
 * @module
 */
import { type Config, databaseUrl } from "../shared/config.ts";
import { applyMigrations, type MigrationResult } from "../shared/db/migrations.ts";
import { connectPostgres, type Sql, type TransactionSql } from "../shared/db/postgres.ts";
import { startEmbeddedPostgres } from "./embedded_postgres.ts";
import { applyLocalPlatform, hasLocalPlatform } from "./platform.ts";

/** An open database. */
export interface LocalDatabase {
  sql: Sql;
  url: string;
  /** True for the embedded PGlite, which serves a single shared connection. */
  embedded: boolean;
  close(): Promise<void>;
}

/** Options for {@link openLocalDatabase}. */
export interface OpenOptions {
  /** Pool size on a real server. Embedded mode always uses one shared connection. */
  max?: number;
  applicationName?: string;
}

/** Opens DATABASE_URL (or SUPABASE_DB_URL) if set, else starts an embedded PGlite. */
export async function openLocalDatabase(
  config: Config,
  options: OpenOptions = {},
): Promise<LocalDatabase> {
  const url = databaseUrl(config);
  if (url) {
    const sql = connectPostgres(url, options);
    return { sql, url, embedded: false, close: () => sql.end({ timeout: 5 }) };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.PGLITE_DATA_DIR });
  const sql = connectPostgres(embedded.url, { ...options, max: 1 });
  return {
    sql,
    url: embedded.url,
    embedded: true,
    async close() {
      await sql.end({ timeout: 5 });
      await embedded.close();
    },
  };
}

/**
 * Makes a local database ready: the platform stand-in when it is missing (never on a database
 * that already has Supabase's schemas), then every pending migration.
 */
export async function prepareLocalDatabase(
  sql: Sql,
  options: { log?: (line: string) => void } = {},
): Promise<MigrationResult> {
  if (!(await hasLocalPlatform(sql))) {
    options.log?.("Applying the local Supabase platform stand-in...");
    await applyLocalPlatform(sql);
  }
  return await applyMigrations(sql, { log: options.log });
}

class Rollback extends Error {}

/**
 * Runs `fn` in a transaction that is always rolled back, so tests and benchmarks leave nothing
 * behind. Returns what `fn` returned; errors from `fn` propagate.
 */
export async function inRolledBackTransaction<T>(
  sql: Sql,
  fn: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  let result: T | undefined;
  try {
    await sql.begin(async (tx) => {
      result = await fn(tx);
      throw new Rollback();
    });
  } catch (error) {
    if (!(error instanceof Rollback)) throw error;
  }
  return result as T;
}
