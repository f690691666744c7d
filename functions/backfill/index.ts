// Edge Function `backfill`: thin entrypoint; the flow is shared/backfill/run.ts.
import { databaseUrl, loadConfig } from "../../shared/config.ts";
import { connectPostgres } from "../../shared/db/postgres.ts";
import { requestBackfill } from "../../shared/backfill/claims.ts";
import { backfillDepsFromConfig } from "../../shared/backfill/from_config.ts";
import { runBackfill } from "../../shared/backfill/run.ts";
import { createBackfillHandler } from "./handler.ts";

const config = loadConfig();
const url = databaseUrl(config);
if (!url) {
  throw new Error(
    "backfill needs SUPABASE_DB_URL (or DATABASE_URL); Supabase sets it for deployed functions.",
  );
}
const sql = connectPostgres(url, { max: 3, applicationName: "backfill" });
const deps = backfillDepsFromConfig(config, sql, { chain: true });
const runtime = (globalThis as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } })
  .EdgeRuntime;

Deno.serve(createBackfillHandler({
  secret: config.FUNCTIONS_SECRET,
  waitUntil: runtime ? (work) => runtime.waitUntil(work) : undefined,
  requestBackfill: (userId, days) => requestBackfill(sql, userId, days, "manual"),
  backfill: (options) => runBackfill(deps, options),
}));
