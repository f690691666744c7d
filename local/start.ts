/**
 * `deno task start`: a local stand-in for `supabase start` + `supabase functions serve`, without
 * Docker. On http://localhost:54321 (LOCAL_PORT):
 *
 *   /                           the web page (web/), with the development sign-in
 *                               (WEB_SIGN_IN=supabase: the Auth password sign-in instead)
 *   /functions/v1/<name>        cv-ingest, backfill, daily-refresh, feed, cvs, searches (Edge
 *                               Functions; waitUntil)
 *   /storage/v1/object/cvs/...  Storage's object endpoints supabase-js uploads and downloads with
 *                               (JWT checked, permission test under RLS, then the real insert)
 *   /auth/v1/...                sign-up, password sign-in and the current user (local JWTs)
 *
 * and in this process:
 *   pg_net's worker      delivers what the database queued with net.http_post, every 250 ms
 *   pg_cron's jobs       the daily refresh at its local time (DST-correct) and the three sweeps
 *
 * The embedded Postgres persists in PGLITE_DATA_DIR (.data/pglite), Storage's files next to it;
 * with DATABASE_URL it runs against that Postgres. Providers and Claude are the local fakes
 * unless RAPIDAPI_KEY / ANTHROPIC_API_KEY are set (FAKE_CLAUDE_LATENCY_MS slows the Claude fake
 * down to a real CV's pace, to watch the page's "Reading your CV…"). Ctrl-C stops it.
 *
 * @module
 */
import { loadConfig } from "../shared/config.ts";
import { abortableSleep, runScheduler } from "../shared/refresh/scheduler.ts";
import { openLocalDatabase, prepareLocalDatabase } from "./database.ts";
import { startFakesUnlessKeys } from "./fakes_unless_keys.ts";
import { DEFAULT_LOCAL_JWT_SECRET, localKeys } from "./jwt.ts";
import { deliverQueuedRequests } from "./net_worker.ts";
import { startLocalStack } from "./stack.ts";
import { diskObjectFiles } from "./storage/files.ts";
import { createStorageHandler } from "./storage/server.ts";
import { createAuthHandler } from "./auth/server.ts";
import { createWebHandler } from "./web/server.ts";
import { withGatewayCors } from "./gateway_cors.ts";

const FAKE_KEY = "local-key";

/** The sweeps pg_cron runs on Supabase, with their periods in ms. */
const SWEEPS: [string, number][] = [
  ["select private.resend_stalled_cv_ingests()", 5 * 60_000],
  ["select private.resend_due_backfills()", 60_000],
  ["select private.resend_stalled_refreshes()", 60_000],
  ["select private.sweep_feed_items()", 10 * 60_000],
];

async function main(): Promise<number> {
  const env = Deno.env.toObject();
  const base = loadConfig(env);
  const closers: (() => Promise<unknown>)[] = [];
  const claudeLatencyMs = Number(env.FAKE_CLAUDE_LATENCY_MS ?? 0);
  if (!Number.isFinite(claudeLatencyMs) || claudeLatencyMs < 0) {
    throw new Error(
      `FAKE_CLAUDE_LATENCY_MS=${env.FAKE_CLAUDE_LATENCY_MS} is not a number of milliseconds`,
    );
  }
  const apis = await startFakesUnlessKeys(base, { key: FAKE_KEY, claudeLatencyMs });
  closers.push(() => apis.close());
  const fakeEnv = apis.env;
  const config = loadConfig({ ...env, ...fakeEnv });
  config.PGLITE_DATA_DIR ??= ".data/pglite";
  const database = await openLocalDatabase(config, { max: 4, applicationName: "local-start" });
  closers.unshift(() => database.close());
  const stop = new AbortController();
  try {
    const migrations = await prepareLocalDatabase(database.sql);
    const jwtSecret = env.LOCAL_JWT_SECRET || DEFAULT_LOCAL_JWT_SECRET;
    const files = diskObjectFiles(`${config.PGLITE_DATA_DIR}/../storage`);
    const storage = createStorageHandler({ sql: database.sql, files, jwtSecret });
    const auth = createAuthHandler({ sql: database.sql, jwtSecret });
    // Storage and Auth answer CORS as the project's gateway does (the deployed page is elsewhere)
    const platform = withGatewayCors((req) => storage(req) ?? auth(req));
    const keys = await localKeys(jwtSecret);
    const web = createWebHandler({
      sql: database.sql,
      jwtSecret,
      anonKey: keys.anonKey,
      signIn: env.WEB_SIGN_IN === "supabase" ? "supabase" : "local",
    });
    const stack = await startLocalStack({
      sql: database.sql,
      config,
      files,
      port: Number(env.LOCAL_PORT ?? 54321),
      secret: config.FUNCTIONS_SECRET,
      jwtSecret,
      other: (req) => platform(req) ?? web(req),
      log: (line) => console.log(line),
    });
    closers.unshift(() => stack.close());
    console.log([
      `Local stand-in running (${migrations.applied.length} new migrations applied).`,
      `  Web page:         ${stack.url}/  (development sign-in: any email)`,
      `  API URL:          ${stack.url}`,
      `  Functions:        ${stack.url}/functions/v1/{cv-ingest,backfill,daily-refresh,feed,cvs,` +
      "searches}",
      `  Storage:          ${stack.url}/storage/v1/object/cvs/<user id>/<file>.pdf`,
      `  Auth:             ${stack.url}/auth/v1/{signup,token?grant_type=password,user}`,
      `  Database:         ${
        database.embedded ? `embedded PGlite in ${config.PGLITE_DATA_DIR}` : "DATABASE_URL"
      }`,
      `  Providers:        ${
        apis.providers === "fakes" ? "local fakes" : "real (RAPIDAPI_KEY)"
      }; ` +
      `Claude: ${apis.claude === "fake" ? "local fake" : "real (ANTHROPIC_API_KEY)"}`,
      `  anon key:         ${keys.anonKey}`,
      `  service_role key: ${keys.serviceRoleKey}`,
      `  JWT secret:       ${
        jwtSecret === DEFAULT_LOCAL_JWT_SECRET ? "the Supabase CLI's default" : "LOCAL_JWT_SECRET"
      }`,
      "Ready.",
    ].join("\n"));

    // the first Ctrl-C stops the loops and waits (at most 10 s) for work in flight; the second
    // one exits at once
    const onSignal = () => {
      if (stop.signal.aborted) Deno.exit(130);
      console.log("Stopping (Ctrl-C again to quit at once)...");
      stop.abort();
    };
    Deno.addSignalListener("SIGINT", onSignal);
    Deno.addSignalListener("SIGTERM", onSignal);
    const loops = [
      // pg_net's worker
      (async () => {
        while (!stop.signal.aborted) {
          const delivered = await deliverQueuedRequests(database.sql).catch((error) => {
            console.error(`net worker: ${error}`);
            return [];
          });
          if (delivered.length === 0) await abortableSleep(250, stop.signal);
        }
      })(),
      // pg_cron: the daily refresh, and the sweeps
      runScheduler({
        sql: database.sql,
        log: (line) => console.log(line),
        fire: async (at) => {
          await database.sql`select public.fire_daily_refresh(${at.toISOString()}::timestamptz)`;
        },
      }, { signal: stop.signal }),
      ...SWEEPS.map(async ([command, period]) => {
        while (!stop.signal.aborted) {
          await abortableSleep(period, stop.signal);
          if (!stop.signal.aborted) {
            await database.sql.unsafe(command).catch((error) =>
              console.error(`${command}: ${error}`)
            );
          }
        }
      }),
    ];
    await Promise.all(loops);
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
