/**
 * `deno task jobs <command>`: the operator's command line. Without DATABASE_URL it works on the
 * embedded PGlite kept in PGLITE_DATA_DIR (default `.data/pglite`).
 *
 * @module
 */
import { ConfigError, loadConfig } from "../shared/config.ts";
import { describeConnectionError } from "../shared/db/postgres.ts";
import { MissingApiKeyError } from "../shared/providers/mod.ts";
import { openLocalDatabase } from "../local/database.ts";
import { type FlagSpec, parseFlags } from "./args.ts";
import { backfillCommand, checkBackfillFlags } from "./backfill.ts";
import { checkDailyFlags, dailyCommand } from "./daily.ts";
import type { CommandContext } from "./context.ts";
import { migrateCommand } from "./migrate.ts";

const usage = `Usage: deno task jobs <command> [options]

Commands:
  migrate [--json]
      Apply pending migrations (and, on a local database, the Supabase stand-in).
  backfill [--user <uuid> [--days <1-90>]] [--json]
      Backfill a user's search combinations (each fetched once for everybody), over the last
      month or --days; without --user, every due backfill request.
  daily --run-once [--at <ISO instant>] [--force] [--json]
      Refresh every combination in use since its last refresh: the run of today's local date
      (or --at's), once per date unless --force.
  daily --schedule <HH:MM> [--tz <zone>]
      Keep running and refresh every day at that local time (DST-correct), where pg_cron is not.

Environment:
  DATABASE_URL       Postgres to use. Unset: embedded PGlite in PGLITE_DATA_DIR (.data/pglite).
  RAPIDAPI_KEY       For backfill; JSEARCH_BASE_URL / ACTIVE_JOBS_BASE_URL point at the APIs.`;

const commands: Record<
  string,
  {
    flags: FlagSpec;
    check?: (flags: Record<string, string | true>) => string | null;
    run: (context: CommandContext) => Promise<number>;
  }
> = {
  migrate: { flags: { json: false }, run: migrateCommand },
  backfill: {
    flags: { json: false, user: true, days: true },
    check: checkBackfillFlags,
    run: backfillCommand,
  },
  daily: {
    flags: { json: false, "run-once": false, at: true, force: false, schedule: true, tz: true },
    check: checkDailyFlags,
    run: dailyCommand,
  },
};

/** Runs the CLI; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  if (!name || name === "--help" || name === "help") {
    console.log(usage);
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    console.error(`Unknown command "${name}".\n\n${usage}`);
    return 2;
  }
  const parsed = parseFlags(rest, command.flags);
  if ("error" in parsed) {
    console.error(`${parsed.error} for ${name}.\n\n${usage}`);
    return 2;
  }
  const problem = command.check?.(parsed.flags);
  if (problem) {
    console.error(problem);
    return 2;
  }

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
  const database = await openLocalDatabase(config, { max: 4, applicationName: "job-feed-cli" });
  try {
    return await command.run({
      config,
      database,
      flags: parsed.flags,
      json: parsed.flags.json === true,
    });
  } catch (error) {
    if (error instanceof MissingApiKeyError) {
      console.error(error.message);
      return 2;
    }
    console.error(describeConnectionError(error, database.url) ?? (error as Error).message);
    return 1;
  } finally {
    await database.close();
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
