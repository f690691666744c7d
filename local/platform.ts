/**
 * Applies the local stand-in for the Supabase platform (roles, auth, storage, vault, pg_net,
 * database webhooks) to a bare Postgres. Local and test databases only: a real Supabase project
 * has the real thing, and nothing here is ever shipped in `migrations/`.
 *
 * @module
 */
import type { Sql } from "../shared/db/postgres.ts";

const platformDir = new URL("./platform/", import.meta.url);

/** The platform files in the order they apply. */
async function platformFiles(): Promise<string[]> {
  const names: string[] = [];
  for await (const entry of Deno.readDir(platformDir)) {
    if (entry.isFile && /^\d\d_.+\.sql$/.test(entry.name)) names.push(entry.name);
  }
  return names.sort();
}

/**
 * Applies every platform file. Idempotent: safe on a database that already has it. Roles are
 * cluster-wide, so a concurrent apply on two databases of one cluster is serialised with an
 * advisory lock.
 */
export async function applyLocalPlatform(sql: Sql): Promise<void> {
  const files = await platformFiles();
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('job-feed local platform'))`;
    for (const name of files) {
      const text = await Deno.readTextFile(new URL(name, platformDir));
      try {
        await tx.unsafe(text).simple();
      } catch (error) {
        throw new Error(`Local platform file ${name} failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
    }
  });
}

/** Whether the platform is present (its auth schema exists). */
export async function hasLocalPlatform(sql: Sql): Promise<boolean> {
  const [row] = await sql<{ present: boolean }[]>`
    select to_regclass('auth.users') is not null and to_regclass('storage.objects') is not null
      as present`;
  return row.present;
}
