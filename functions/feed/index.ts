// Edge Function `feed`: thin entrypoint; the feed is public.job_feed, read as the caller.
import { jwtKeysFromEnv, verifyAccessToken } from "../../shared/auth/verify_jwt.ts";
import { databaseUrl, loadConfig } from "../../shared/config.ts";
import { connectPostgres } from "../../shared/db/postgres.ts";
import { readFeedAs } from "../../shared/feed/job_feed.ts";
import { createFeedHandler } from "./handler.ts";

const config = loadConfig();
const url = databaseUrl(config);
if (!url) throw new Error("feed needs SUPABASE_DB_URL (or DATABASE_URL); Supabase sets it.");
const sql = connectPostgres(url, { max: 2, applicationName: "feed" });
const keys = jwtKeysFromEnv(Deno.env.get("SUPABASE_JWKS"), Deno.env.get("SUPABASE_JWT_SECRET"));

Deno.serve(createFeedHandler({
  verify: (token) => verifyAccessToken(token, keys),
  feed: (claims, query) => readFeedAs(sql, claims, query),
}));
