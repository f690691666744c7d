// Edge Function `health`: thin entrypoint; the logic lives in handler.ts and shared/.
import { databaseUrl, loadConfig } from "../../shared/config.ts";
import { connectPostgres } from "../../shared/db/postgres.ts";
import { createHealthHandler } from "./handler.ts";

const url = databaseUrl(loadConfig());
Deno.serve(createHealthHandler(url ? connectPostgres(url, { max: 1 }) : undefined));
