/**
 * Health of the backend as one small JSON document: is the database reachable, and which
 * migration is the newest applied.
 *
 * @module
 */
import { appliedVersions } from "./db/migrations.ts";
import type { Sql } from "./db/postgres.ts";

/** The health report. */
export interface Health {
  ok: boolean;
  database: "ok" | "unreachable" | "not configured";
  latestMigration: string | null;
  appliedMigrations: number;
  error?: string;
}

/** Checks the database. Never throws: a failure is part of the report. */
export async function checkHealth(sql: Sql | undefined): Promise<Health> {
  if (!sql) {
    return {
      ok: false,
      database: "not configured",
      latestMigration: null,
      appliedMigrations: 0,
      error: "Set DATABASE_URL (or SUPABASE_DB_URL inside Supabase) to a Postgres URL.",
    };
  }
  try {
    const versions = await appliedVersions(sql);
    return {
      ok: versions.length > 0,
      database: "ok",
      latestMigration: versions.at(-1) ?? null,
      appliedMigrations: versions.length,
      ...(versions.length === 0
        ? { error: "No migrations applied: run `deno task jobs migrate`." }
        : {}),
    };
  } catch (error) {
    return {
      ok: false,
      database: "unreachable",
      latestMigration: null,
      appliedMigrations: 0,
      error: `Cannot query the database: ${(error as Error).message}`,
    };
  }
}
