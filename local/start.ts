/**
 * `deno task start`: a local stand-in for `supabase start` + `supabase functions serve`, without
 * Docker. On http://localhost:54321 (LOCAL_PORT):
 *
 *   /                           the web page (web/), with the development sign-in
 *                               (WEB_SIGN_IN=supabase: the Auth password sign-in instead)
 *   /functions/v1/<name>        cv-ingest, backfill, daily-refresh, digest, feed, cvs, searches
 *                               (Edge Functions; waitUntil)
 *   /storage/v1/object/cvs/...  Storage's object endpoints supabase-js uploads and downloads with
 *                               (JWT checked, permission test under RLS, then the real insert)
 *   /auth/v1/...                sign-up, password sign-in and the current user (local JWTs)
 *   /local/inbox                the emails the Resend fake sent (the morning digest's), and a
 *                               button that sends today's digest now
 *
 * and in this process:
 *   pg_net's worker      delivers what the database queued with net.http_post, every 250 ms
 *   pg_cron's jobs       every row of private.schedules, read at start-up: the sweeps at their cron
 *                        expressions (UTC), the daily refresh at its local time (DST-correct);
 *                        left to pg_cron where the database has the extension
 *
 * The embedded Postgres persists in PGLITE_DATA_DIR (.data/pglite), Storage's files next to it;
 * with DATABASE_URL it runs against that Postgres. Providers and Claude are the local fakes
 * unless RAPIDAPI_KEY / ANTHROPIC_API_KEY are set (FAKE_CLAUDE_LATENCY_MS slows the Claude fake
 * down to a real CV's pace, to watch the page's "Reading your CV…"), and Resend is the local
 * fake unless RESEND_API_KEY is set. `settings.digest_feed_url`, when unset, becomes the local
 * web page's URL, so the digest can be sent. Ctrl-C stops it.
 *
 * @module
 */
import {
  type Config,
  loadConfig,
  loadLocalToolsConfig,
  type LocalToolsConfig,
} from "../shared/config.ts";
import type { MigrationResult } from "../shared/db/migrations.ts";
import type { Queryable, Sql } from "../shared/db/postgres.ts";
import { abortableSleep, runScheduler } from "../shared/refresh/scheduler.ts";
import { openLocalDatabase, prepareLocalDatabase } from "./database.ts";
import { type LocalApis, startFakesUnlessKeys } from "./fakes_unless_keys.ts";
import { DEFAULT_LOCAL_JWT_SECRET, localKeys } from "./jwt.ts";
import { deliverQueuedRequests } from "./net_worker.ts";
import { type LocalStack, startLocalStack } from "./stack.ts";
import { diskObjectFiles } from "./storage/files.ts";
import { createStorageHandler } from "./storage/server.ts";
import { createAuthHandler } from "./auth/server.ts";
import type { InboxSource } from "./web/inbox.ts";
import { createWebHandler } from "./web/server.ts";
import { withGatewayCors } from "./gateway_cors.ts";

const FAKE_KEY = "local-key";

/** A row of `private.schedules`: a job pg_cron runs on Supabase, and this runner without it. */
export interface LocalSchedule {
  name: string;
  /** cron: at `schedule`; daily_local_time: at the settings' daily refresh time and zone. */
  kind: "cron" | "daily_local_time";
  /** A cron expression in UTC for kind cron; null otherwise. */
  schedule: string | null;
  command: string;
}

/**
 * The runner's list: every row of `private.schedules`. Throws, naming the row, when one is of a
 * kind or has a cron expression this runner cannot run.
 */
export async function localSchedules(sql: Queryable): Promise<LocalSchedule[]> {
  const rows = await sql<LocalSchedule[]>`
    select name, kind, schedule, command from private.schedules order by name`;
  for (const row of rows) {
    if (row.kind === "cron") cronMatcher(row.schedule ?? "", row.name);
    else if (row.kind !== "daily_local_time") {
      throw new Error(
        `Schedule ${row.name} is of kind ${row.kind}, which local/start.ts cannot run: ` +
          "use cron or daily_local_time in private.schedules",
      );
    }
  }
  return rows.map((row) => ({ ...row }));
}

/** Field bounds of a cron expression: minute, hour, day of month, month, day of week. */
const CRON_FIELDS: [number, number][] = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];

/**
 * Whether a UTC minute matches a five-field cron expression, as pg_cron reads it: `*`, numbers,
 * ranges, lists and steps; day of week 0 or 7 is Sunday; with both day fields restricted, either
 * matches.
 */
export function cronMatcher(expression: string, name = expression): (at: Date) => boolean {
  const refuse = () =>
    new Error(
      `Schedule ${name} has the cron expression "${expression}", which local/start.ts cannot ` +
        "run: use five fields (minute hour day-of-month month day-of-week) of *, numbers, " +
        "ranges, lists and /steps",
    );
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) throw refuse();
  const [minutes, hours, days, months, weekdays] = fields.map((field, i) => {
    const [min, max] = CRON_FIELDS[i];
    const values = new Set<number>();
    for (const part of field.split(",")) {
      const match = /^(?:\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      if (!match) throw refuse();
      const from = match[1] === undefined ? min : Number(match[1]);
      const to = match[2] !== undefined
        ? Number(match[2])
        : match[1] === undefined || match[3] !== undefined
        ? max
        : from;
      const step = match[3] === undefined ? 1 : Number(match[3]);
      if (from < min || to > max || from > to || step < 1) throw refuse();
      for (let value = from; value <= to; value += step) values.add(value);
    }
    return values;
  });
  const bothDays = fields[2] !== "*" && fields[4] !== "*";
  return (at) => {
    if (
      !minutes.has(at.getUTCMinutes()) || !hours.has(at.getUTCHours()) ||
      !months.has(at.getUTCMonth() + 1)
    ) return false;
    const day = days.has(at.getUTCDate());
    const weekday = weekdays.has(at.getUTCDay()) || (at.getUTCDay() === 0 && weekdays.has(7));
    return bothDays ? day || weekday : day && weekday;
  };
}

/** The first whole UTC minute after `after` that `matches`; throws when none comes in a year. */
export function nextCronFiring(matches: (at: Date) => boolean, after: Date): Date {
  const minute = 60_000;
  let at = Math.floor(after.getTime() / minute) * minute + minute;
  for (const end = at + 366 * 24 * 60 * minute; at <= end; at += minute) {
    if (matches(new Date(at))) return new Date(at);
  }
  throw new Error(`No firing within a year after ${after.toISOString()}`);
}

/** Runs `command` at every firing of a cron schedule until `signal` aborts. */
async function runCronSchedule(
  sql: Queryable,
  schedule: LocalSchedule,
  signal: AbortSignal,
): Promise<void> {
  const matches = cronMatcher(schedule.schedule ?? "", schedule.name);
  while (!signal.aborted) {
    const next = nextCronFiring(matches, new Date());
    // short steps, so that a suspended laptop or a clock change cannot make it miss much
    while (!signal.aborted && Date.now() < next.getTime()) {
      await abortableSleep(Math.min(60_000, next.getTime() - Date.now()), signal);
    }
    if (signal.aborted) break;
    await sql.unsafe(schedule.command).catch((error) =>
      console.error(`${schedule.name}: ${error}`)
    );
  }
}

/** Describes a schedule for the start-up banner: `name (when)`. */
function describeSchedule(schedule: LocalSchedule, dailyAt: string): string {
  return `${schedule.name} (${schedule.kind === "cron" ? schedule.schedule : dailyAt})`;
}

/** The settings of a start: the environment's, pointed at the APIs started (or the real ones). */
interface StartSetup {
  local: LocalToolsConfig;
  apis: LocalApis;
  config: Config;
}

/** Starts the fakes whose keys are missing and loads the config that points at them. */
async function startSetup(env: Record<string, string>): Promise<StartSetup> {
  const base = loadConfig(env);
  const local = loadLocalToolsConfig(env);
  const apis = await startFakesUnlessKeys(base, {
    key: FAKE_KEY,
    claudeLatencyMs: local.FAKE_CLAUDE_LATENCY_MS,
  });
  const config = loadConfig({ ...env, ...apis.env });
  config.PGLITE_DATA_DIR ??= ".data/pglite";
  return { local, apis, config };
}

/** The database made ready: the migrations applied, the schedules, and who runs them. */
interface PreparedDatabase {
  migrations: MigrationResult;
  schedules: LocalSchedule[];
  /** Whether the database has pg_cron (then it runs the schedules itself). */
  cron: boolean;
  /** The daily refresh's local time and zone, as `HH24:MI zone`. */
  dailyAt: string;
}

/** Applies the platform stand-in and migrations, and reads the schedules. */
async function prepareDatabase(sql: Sql): Promise<PreparedDatabase> {
  const migrations = await prepareLocalDatabase(sql);
  const schedules = await localSchedules(sql);
  const [{ cron, daily_at }] = await sql`
    select exists (select from pg_catalog.pg_extension where extname = 'pg_cron') as cron,
           to_char(s.daily_refresh_local_time, 'HH24:MI') || ' ' || s.daily_refresh_time_zone
             as daily_at
    from public.settings s`;
  return { migrations, schedules, cron, dailyAt: daily_at };
}

/** The running stack and the keys and secret its callers use. */
interface Serving {
  stack: LocalStack;
  keys: { anonKey: string; serviceRoleKey: string };
  jwtSecret: string;
}

/** Serves the functions, Storage, Auth and the web page on LOCAL_PORT. */
async function startServing(
  sql: Sql,
  { config, local, apis }: StartSetup,
): Promise<Serving> {
  const jwtSecret = local.LOCAL_JWT_SECRET ?? DEFAULT_LOCAL_JWT_SECRET;
  const files = diskObjectFiles(`${config.PGLITE_DATA_DIR}/../storage`);
  const storage = createStorageHandler({ sql, files, jwtSecret });
  const auth = createAuthHandler({ sql, jwtSecret });
  // Storage and Auth answer CORS as the project's gateway does (the deployed page is elsewhere)
  const platform = withGatewayCors((req) => storage(req) ?? auth(req));
  const keys = await localKeys(jwtSecret);
  // the inbox's button calls the stack's digest function, which starts after the handler
  const started: { stack?: LocalStack } = {};
  const web = createWebHandler({
    sql,
    jwtSecret,
    anonKey: keys.anonKey,
    signIn: local.WEB_SIGN_IN,
    inbox: () => inboxSource(apis, () => started.stack),
  });
  const stack = started.stack = await startLocalStack({
    sql,
    config,
    files,
    port: local.LOCAL_PORT,
    secret: config.FUNCTIONS_SECRET,
    jwtSecret,
    other: (req) => platform(req) ?? web(req),
    log: (line) => console.log(line),
  });
  await useLocalFeedUrl(sql, stack.url);
  return { stack, keys, jwtSecret };
}

/** What /local/inbox shows: the Resend fake's emails, or where the real ones are. */
export function inboxSource(apis: LocalApis, stack: () => LocalStack | undefined): InboxSource {
  if (!apis.resend) {
    return {
      unavailable: "RESEND_API_KEY is set: the digest goes out through Resend. See what it " +
        "sent at https://resend.com/emails, or unset the key to use the local fake and its inbox.",
    };
  }
  return { sent: apis.resend.sent, sendDigest: () => sendDigestNow(stack()) };
}

/** Calls the local digest function for today's local date, as the database does. */
async function sendDigestNow(stack: LocalStack | undefined): Promise<string> {
  if (!stack) throw new Error("the local stack is still starting; try again in a moment");
  const response = await fetch(`${stack.url}/functions/v1/digest`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-secret": stack.secret },
    body: "{}",
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(`the digest function answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return `The digest of ${body.local_date ?? "today"} is being sent: reload this page in a ` +
    "moment (users who turned the digest on and have new jobs since their last one get an email).";
}

/** Points `settings.digest_feed_url` at the local web page when it is unset. */
export async function useLocalFeedUrl(sql: Queryable, url: string): Promise<void> {
  await sql`update public.settings set digest_feed_url = ${`${url}/`}
            where digest_feed_url is null`;
}

/** The start-up banner: where each part is served, the keys, and who runs the schedules. */
function banner(
  { config, apis }: StartSetup,
  embedded: boolean,
  prepared: PreparedDatabase,
  { stack, keys, jwtSecret }: Serving,
): string {
  return [
    `Local stand-in running (${prepared.migrations.applied.length} new migrations applied).`,
    `  Web page:         ${stack.url}/  (development sign-in: any email)`,
    `  API URL:          ${stack.url}`,
    `  Functions:        ${stack.url}/functions/v1/{cv-ingest,backfill,daily-refresh,digest,feed,` +
    "cvs,searches}",
    `  Storage:          ${stack.url}/storage/v1/object/cvs/<user id>/<file>.pdf`,
    `  Auth:             ${stack.url}/auth/v1/{signup,token?grant_type=password,user}`,
    `  Database:         ${
      embedded ? `embedded PGlite in ${config.PGLITE_DATA_DIR}` : "DATABASE_URL"
    }`,
    `  Providers:        ${apis.providers === "fakes" ? "local fakes" : "real (RAPIDAPI_KEY)"}; ` +
    `Claude: ${apis.claude === "fake" ? "local fake" : "real (ANTHROPIC_API_KEY)"}`,
    `  Email:            ${
      apis.email === "fake"
        ? `Resend fake; the digest's emails at ${stack.url}/local/inbox`
        : "real Resend (RESEND_API_KEY)"
    }`,
    `  Schedules:        ${
      prepared.schedules.map((schedule) => describeSchedule(schedule, prepared.dailyAt)).join(", ")
    } (private.schedules; ${prepared.cron ? "pg_cron runs them" : "run here"})`,
    `  anon key:         ${keys.anonKey}`,
    `  service_role key: ${keys.serviceRoleKey}`,
    `  JWT secret:       ${
      jwtSecret === DEFAULT_LOCAL_JWT_SECRET ? "the Supabase CLI's default" : "LOCAL_JWT_SECRET"
    }`,
    "Ready.",
  ].join("\n");
}

/**
 * Aborts `stop` on the first Ctrl-C (or SIGTERM): the loops stop and work in flight gets at most
 * 10 s; the second one exits at once.
 */
function stopOnSignal(stop: AbortController): void {
  const onSignal = () => {
    if (stop.signal.aborted) Deno.exit(130);
    console.log("Stopping (Ctrl-C again to quit at once)...");
    stop.abort();
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
}

/** pg_net's worker, and pg_cron's jobs where the database has no pg_cron, until `signal` aborts. */
function runLoops(sql: Sql, prepared: PreparedDatabase, signal: AbortSignal): Promise<unknown>[] {
  return [
    // pg_net's worker
    (async () => {
      while (!signal.aborted) {
        const delivered = await deliverQueuedRequests(sql).catch((error) => {
          console.error(`net worker: ${error}`);
          return [];
        });
        if (delivered.length === 0) await abortableSleep(250, signal);
      }
    })(),
    // pg_cron's jobs, where the database has no pg_cron: the sweeps at their cron
    // expressions, the daily refresh at its local time (the scheduler asks Postgres when)
    ...(prepared.cron ? [] : prepared.schedules).map((schedule) =>
      schedule.kind === "cron" ? runCronSchedule(sql, schedule, signal) : runScheduler({
        sql,
        log: (line) => console.log(line),
        fire: async () => {
          await sql.unsafe(schedule.command);
        },
      }, { signal })
    ),
  ];
}

async function main(): Promise<number> {
  const setup = await startSetup(Deno.env.toObject());
  const closers: (() => Promise<unknown>)[] = [() => setup.apis.close()];
  const database = await openLocalDatabase(setup.config, {
    max: 4,
    applicationName: "local-start",
  });
  closers.unshift(() => database.close());
  const stop = new AbortController();
  try {
    const prepared = await prepareDatabase(database.sql);
    const serving = await startServing(database.sql, setup);
    closers.unshift(() => serving.stack.close());
    console.log(banner(setup, database.embedded, prepared, serving));
    stopOnSignal(stop);
    await Promise.all(runLoops(database.sql, prepared, stop.signal));
    return 0;
  } finally {
    const closing = (async () => {
      for (const close of closers) await close().catch(() => {});
    })();
    await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  }
}

if (import.meta.main) {
  try {
    Deno.exit(await main());
  } catch (error) {
    // a port in use, a database that is not there, a data directory another process holds
    console.error(`deno task start: ${(error as Error).message}`);
    Deno.exit(1);
  }
}
