/**
 * Applies `migrations/*.sql` in version order and records them the way the Supabase CLI does
 * (`supabase_migrations.schema_migrations`: version, name, statements). Either tool can take over
 * from the other: `supabase migration list` sees what this applied, and this skips what
 * `supabase db push` applied.
 *
 * @module
 */
import type { Sql } from "./postgres.ts";

/** One migration file. */
export interface Migration {
  /** The 14-digit timestamp that orders migrations, e.g. `20261129120000`. */
  version: string;
  /** The rest of the file name, e.g. `private_schema`. */
  name: string;
  /** The SQL text. */
  sql: string;
}

/** The default migrations directory: `migrations/` at the project root. */
export const defaultMigrationsDir = new URL("../../migrations/", import.meta.url);

const fileNamePattern = /^(\d{14})_(.+)\.sql$/;

/** Reads every migration in `dir`, sorted by version. Throws on a duplicate version. */
export async function readMigrations(
  dir: URL | string = defaultMigrationsDir,
): Promise<Migration[]> {
  const migrations: Migration[] = [];
  for await (const entry of Deno.readDir(dir)) {
    const match = entry.isFile ? fileNamePattern.exec(entry.name) : null;
    if (!match) continue;
    const path = typeof dir === "string" ? `${dir}/${entry.name}` : new URL(entry.name, dir);
    migrations.push({ version: match[1], name: match[2], sql: await Deno.readTextFile(path) });
  }
  migrations.sort((a, b) => a.version.localeCompare(b.version));
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i].version === migrations[i - 1].version) {
      throw new Error(
        `Two migrations share version ${migrations[i].version}: ` +
          `${migrations[i - 1].name} and ${migrations[i].name}. Rename one with a new timestamp.`,
      );
    }
  }
  return migrations;
}

/**
 * Throws when the database's history is not a prefix of `migrations/`: a recorded version with
 * no file, or with a file of another name, means the database was migrated from another
 * history, and applying the rest would build on tables it does not expect. The Supabase CLI's
 * `db push` refuses such a database too ("Remote migration versions not found in local
 * migrations directory").
 */
export function checkHistory(
  recorded: { version: string; name: string | null }[],
  migrations: Migration[],
): void {
  const names = new Map(migrations.map((m) => [m.version, m.name]));
  const foreign = recorded
    .filter((row) => {
      const file = names.get(row.version);
      return file === undefined || (row.name !== null && row.name !== file);
    })
    .map((row) => `${row.version}_${row.name ?? "?"}`)
    .sort();
  if (foreign.length === 0) return;
  throw new Error(
    `The database's migration history does not match migrations/: ${foreign.join(", ")} ` +
      `${foreign.length === 1 ? "is" : "are"} recorded but not in this tree. It was migrated ` +
      "from another history: recreate it (the embedded database: delete PGLITE_DATA_DIR, e.g. " +
      "`rm -rf .data/pglite`), or restore the tree it was migrated with.",
  );
}

/** What {@link applyMigrations} did. */
export interface MigrationResult {
  applied: string[];
  skipped: string[];
}

/**
 * Applies every migration not yet recorded, each in its own transaction, and records it.
 * A failing migration rolls back alone and the error names the file.
 */
export async function applyMigrations(
  sql: Sql,
  options: { dir?: URL | string; log?: (line: string) => void } = {},
): Promise<MigrationResult> {
  const migrations = await readMigrations(options.dir);
  await ensureHistoryTable(sql);
  const rows = await sql<{ version: string; name: string | null }[]>`
    select version, name from supabase_migrations.schema_migrations`;
  checkHistory(rows, migrations);
  const done = new Set(rows.map((row) => row.version));
  const result: MigrationResult = { applied: [], skipped: [] };
  for (const migration of migrations) {
    const label = `${migration.version}_${migration.name}.sql`;
    if (done.has(migration.version)) {
      result.skipped.push(label);
      continue;
    }
    options.log?.(`Applying migration ${label}...`);
    try {
      await sql.begin(async (tx) => {
        await tx.unsafe(migration.sql).simple();
        await tx`
          insert into supabase_migrations.schema_migrations (version, name, statements)
          values (${migration.version}, ${migration.name}, ${[migration.sql]})`;
      });
    } catch (error) {
      throw new Error(`Migration ${label} failed: ${(error as Error).message}`, { cause: error });
    }
    result.applied.push(label);
  }
  return result;
}

/** The versions recorded as applied, oldest first. */
export async function appliedVersions(sql: Sql): Promise<string[]> {
  const [{ exists }] = await sql<{ exists: boolean }[]>`
    select to_regclass('supabase_migrations.schema_migrations') is not null as exists`;
  if (!exists) return [];
  const rows = await sql<{ version: string }[]>`
    select version from supabase_migrations.schema_migrations order by version`;
  return rows.map((row) => row.version);
}

async function ensureHistoryTable(sql: Sql): Promise<void> {
  // Same shape as the table the Supabase CLI creates.
  await sql.unsafe(`
    create schema if not exists supabase_migrations;
    create table if not exists supabase_migrations.schema_migrations (
      version text not null primary key,
      statements text[],
      name text
    );`).simple();
}
