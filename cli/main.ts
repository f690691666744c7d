/**
 * `deno task jobs <command>`: the operator's command line. Without DATABASE_URL it works on the
 * embedded PGlite kept in PGLITE_DATA_DIR (default `.data/pglite`).
 *
 * @module
 */
import { ConfigError, loadConfig } from "../shared/config.ts";
import { describeConnectionError } from "../shared/db/postgres.ts";
import { MissingApiKeyError } from "../shared/providers/mod.ts";
import { openLocalDatabase, prepareLocalDatabase } from "../local/database.ts";
import { DataDirInUseError } from "../local/embedded_postgres.ts";
import { type FlagSpec, parseFlags } from "./args.ts";
import { backfillCommand, checkBackfillFlags } from "./backfill.ts";
import { checkDailyFlags, dailyCommand } from "./daily.ts";
import { checkDigestFlags, digestCommand } from "./digest.ts";
import { type CommandContext, UsageError } from "./context.ts";
import { checkCvUploadFlags, cvUploadCommand } from "./cv.ts";
import { checkFeedFlags, feedCommand } from "./feed.ts";
import { statsCommand } from "./stats.ts";
import { checkUserAddFlags, userAddCommand } from "./users.ts";
import { migrateCommand } from "./migrate.ts";
import { checkWebExportFlags, webExportCommand } from "./web.ts";

const usage = `Usage: deno task jobs <command> [options]

Commands:
  migrate [--json]
      Apply pending migrations (and, on a local database, the Supabase stand-in).
  user add --email <address> [--json]
      Create a user (local databases); prints the id.
  cv upload --user <id> <file.pdf> [--no-wait] [--json]
      Upload a CV through Storage's path (local databases) and wait until it is parsed and
      backfilled, unless --no-wait.
  backfill [--user <uuid> [--days <1-90>]] [--json]
      Backfill a user's search combinations (each fetched once for everybody), over the last
      month or --days; without --user, every due backfill request.
  daily --run-once [--at <ISO instant>] [--force] [--json]
      Refresh every combination in use since its last refresh: the run of today's local date
      (or --at's), once per date unless --force.
  daily --schedule <HH:MM> [--tz <zone>]
      Keep running and refresh every day at that local time (DST-correct), where pg_cron is not.
  digest --run-once [--at <ISO instant>] [--json]
      Email each user who turned the morning digest on their best new jobs: the digest of
      today's local date (or --at's), once per user and date.
  stats [--json]
      Tracking, backfill overlap and credits saved, quota per provider and month, recent runs.
  feed --user <id> [--limit N] [--json]
      The user's ranked feed (as the user sees it), best first, with reasons.
  web export --out <dir> --url <project URL> --anon-key <key> [--json]
      The web page as a folder for any static host, talking to that Supabase project.

Environment:
  DATABASE_URL       Postgres to use. Unset: embedded PGlite in PGLITE_DATA_DIR (.data/pglite).
  RAPIDAPI_KEY       For backfill; JSEARCH_BASE_URL / ACTIVE_JOBS_BASE_URL point at the APIs.
  RESEND_API_KEY     For digest, with DIGEST_FROM and FUNCTIONS_SECRET (signs unsubscribe links).`;

interface Command {
  flags: FlagSpec;
  /** Positional arguments it takes. */
  positionals?: number;
  check?: (flags: Record<string, string | true>, positionals: string[]) => string | null;
  run?: (context: CommandContext) => Promise<number>;
  /** For a command that needs no database. */
  runOffline?: (
    context: { flags: Record<string, string | true>; json: boolean },
  ) => Promise<number>;
}

const commands: Record<string, Command> = {
  migrate: { flags: { json: false }, run: migrateCommand },
  "user add": {
    flags: { json: false, email: true },
    check: checkUserAddFlags,
    run: userAddCommand,
  },
  "cv upload": {
    flags: { json: false, user: true, "no-wait": false },
    positionals: 1,
    check: checkCvUploadFlags,
    run: cvUploadCommand,
  },
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
  digest: {
    flags: { json: false, "run-once": false, at: true },
    check: checkDigestFlags,
    run: digestCommand,
  },
  stats: { flags: { json: false }, run: statsCommand },
  feed: {
    flags: { json: false, user: true, limit: true },
    check: checkFeedFlags,
    run: feedCommand,
  },
  "web export": {
    flags: { json: false, out: true, url: true, "anon-key": true },
    check: checkWebExportFlags,
    runOffline: webExportCommand,
  },
};

/** A command line read: the command with its flags, or the exit code after saying what is wrong. */
type Invocation =
  | {
    kind: "run";
    name: string;
    command: Command;
    flags: Record<string, string | true>;
    positionals: string[];
  }
  | { kind: "exit"; code: number };

/** Reads the command and its flags; help and mistakes are printed here. */
function readCommandLine(args: string[]): Invocation {
  const exit = (code: number, text: string, out = console.error): Invocation => {
    out(text);
    return { kind: "exit", code };
  };
  if (!args[0] || args[0] === "--help" || args[0] === "help") {
    return exit(args[0] ? 0 : 2, usage, console.log);
  }
  const twoWords = `${args[0]} ${args[1] ?? ""}`;
  const name = twoWords in commands ? twoWords : args[0];
  const command = commands[name];
  if (!command) return exit(2, `Unknown command "${args.slice(0, 2).join(" ")}".\n\n${usage}`);
  const rest = args.slice(name.split(" ").length);
  const parsed = parseFlags(rest, command.flags, command.positionals ?? 0);
  if ("error" in parsed) return exit(2, `${parsed.error} for ${name}.\n\n${usage}`);
  const problem = command.check?.(parsed.flags, parsed.positionals);
  if (problem) return exit(2, problem);
  return { kind: "run", name, command, ...parsed };
}

/** Runs the CLI; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const invocation = readCommandLine(args);
  if (invocation.kind === "exit") return invocation.code;
  const { name, command, ...parsed } = invocation;

  if (command.runOffline) {
    return await command.runOffline({ flags: parsed.flags, json: parsed.flags.json === true });
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
  let database;
  try {
    database = await openLocalDatabase(config, { max: 4, applicationName: "job-feed-cli" });
  } catch (error) {
    console.error(
      error instanceof DataDirInUseError
        ? error.message
        : `Cannot open the database: ${(error as Error).message}`,
    );
    return error instanceof DataDirInUseError ? 2 : 1;
  }
  try {
    // the embedded database is made ready on first use (migrate reports it step by step)
    if (database.embedded && name !== "migrate") await prepareLocalDatabase(database.sql);
    return await command.run!({
      config,
      database,
      flags: parsed.flags,
      positionals: parsed.positionals,
      json: parsed.flags.json === true,
    });
  } catch (error) {
    if (error instanceof MissingApiKeyError || error instanceof UsageError) {
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
