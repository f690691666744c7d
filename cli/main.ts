/**
 * `deno task jobs <command>`: the operator's command line. Without DATABASE_URL it works on the
 * embedded PGlite kept in PGLITE_DATA_DIR (default `.data/pglite`).
 *
 * Commands so far:
 *   migrate [--json]   apply the local platform stand-in (local databases only) and migrations
 *
 * @module
 */
import { ConfigError, loadConfig } from "../shared/config.ts";
import { describeConnectionError } from "../shared/db/postgres.ts";
import { openLocalDatabase, prepareLocalDatabase } from "../local/database.ts";

const usage = `Usage: deno task jobs <command> [options]

Commands:
  migrate [--json]   Apply pending migrations (and, on a local database, the Supabase stand-in).

Environment:
  DATABASE_URL       Postgres to use. Unset: embedded PGlite in PGLITE_DATA_DIR (.data/pglite).`;

/** Runs the CLI; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "--help" || command === "help") {
    console.log(usage);
    return command ? 0 : 2;
  }
  if (command !== "migrate") {
    console.error(`Unknown command "${command}".\n\n${usage}`);
    return 2;
  }
  const unknown = rest.filter((arg) => arg !== "--json");
  if (unknown.length > 0) {
    console.error(`Unknown option ${unknown.join(" ")} for migrate.\n\n${usage}`);
    return 2;
  }
  const json = rest.includes("--json");

  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  config.PGLITE_DATA_DIR ??= ".data/pglite";
  const database = await openLocalDatabase(config, { max: 1, applicationName: "job-feed-cli" });
  try {
    const log = json ? undefined : (line: string) => console.log(line);
    const result = await prepareLocalDatabase(database.sql, { log });
    if (json) {
      console.log(JSON.stringify({ ...result, embedded: database.embedded }));
    } else {
      console.log(
        `${result.applied.length} migration(s) applied, ${result.skipped.length} already present` +
          (database.embedded ? ` (embedded database in ${config.PGLITE_DATA_DIR}).` : "."),
      );
    }
    return 0;
  } catch (error) {
    console.error(describeConnectionError(error, database.url) ?? (error as Error).message);
    return 1;
  } finally {
    await database.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
