// Edge Function `daily-refresh`: thin entrypoint; the flow is shared/refresh/run.ts.
import { databaseUrl, loadConfig } from "../../shared/config.ts";
import { connectPostgres } from "../../shared/db/postgres.ts";
import { runOfDate, startRun } from "../../shared/refresh/claims.ts";
import { refreshDepsFromConfig } from "../../shared/refresh/from_config.ts";
import { runRefresh } from "../../shared/refresh/run.ts";
import { createDailyRefreshHandler } from "./handler.ts";

const config = loadConfig();
const url = databaseUrl(config);
if (!url) {
  throw new Error(
    "daily-refresh needs SUPABASE_DB_URL (or DATABASE_URL); Supabase sets it for deployed " +
      "functions.",
  );
}
const sql = connectPostgres(url, { max: 4, applicationName: "daily-refresh" });
const deps = refreshDepsFromConfig(config, sql, { chain: true });
const runtime = (globalThis as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } })
  .EdgeRuntime;

Deno.serve(createDailyRefreshHandler({
  secret: config.FUNCTIONS_SECRET,
  waitUntil: runtime ? (work) => runtime.waitUntil(work) : undefined,
  start: (at, force) => startRun(sql, { at: at ?? undefined, force, triggeredBy: "manual" }),
  runOf: (at) => runOfDate(sql, at ?? new Date()),
  refresh: (runId) => runRefresh(deps, { runId }),
}));
