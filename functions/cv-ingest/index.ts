// Edge Function `cv-ingest`: thin entrypoint; the flow is shared/cv/ingest.ts.
import Anthropic from "@anthropic-ai/sdk";
import { databaseUrl, loadConfig, serviceKey } from "../../shared/config.ts";
import { connectPostgres } from "../../shared/db/postgres.ts";
import { ingestCv } from "../../shared/cv/ingest.ts";
import { supabaseCvStorage } from "../../shared/cv/storage.ts";
import { createCvIngestHandler } from "./handler.ts";

const config = loadConfig();
const url = databaseUrl(config);
const key = serviceKey(config);
if (!url || !config.SUPABASE_URL || !key) {
  throw new Error(
    "cv-ingest needs SUPABASE_DB_URL (or DATABASE_URL), SUPABASE_URL and a service key " +
      "(SUPABASE_SECRET_KEYS or SUPABASE_SERVICE_ROLE_KEY); Supabase sets them for deployed " +
      "functions.",
  );
}
const sql = connectPostgres(url, { max: 2, applicationName: "cv-ingest" });
const claude = new Anthropic({
  apiKey: config.ANTHROPIC_API_KEY,
  baseURL: config.ANTHROPIC_BASE_URL,
  maxRetries: config.ANTHROPIC_MAX_RETRIES,
  timeout: config.ANTHROPIC_TIMEOUT_MS,
});
const runtime = (globalThis as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } })
  .EdgeRuntime;

Deno.serve(createCvIngestHandler({
  secret: config.FUNCTIONS_SECRET,
  waitUntil: runtime ? (work) => runtime.waitUntil(work) : undefined,
  ingest: (id) =>
    ingestCv({
      sql,
      storage: supabaseCvStorage(config.SUPABASE_URL!, key),
      claude,
      model: config.ANTHROPIC_MODEL,
      maxPages: config.CV_MAX_PAGES,
      maxBytes: config.CV_MAX_BYTES,
    }, id),
}));
