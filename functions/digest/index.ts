// Edge Function `digest`: thin entrypoint; the flow is shared/digest/run.ts.
import { userFunctionEnv } from "../../shared/auth/user_function_env.ts";
import { loadConfig } from "../../shared/config.ts";
import { digestLocalDate } from "../../shared/digest/claims.ts";
import { digestDepsFromConfig } from "../../shared/digest/from_config.ts";
import {
  readDigestPreferencesAs,
  writeDigestPreferencesAs,
} from "../../shared/digest/preferences.ts";
import { runDigest } from "../../shared/digest/run.ts";
import { verifyUnsubscribeToken } from "../../shared/digest/unsubscribe.ts";
import { createDigestHandler } from "./handler.ts";

const config = loadConfig();
const { sql, verify } = userFunctionEnv("digest");
const deps = digestDepsFromConfig(config, sql, { chain: true });
const runtime = (globalThis as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } })
  .EdgeRuntime;
const secret = config.FUNCTIONS_SECRET;

Deno.serve(createDigestHandler({
  secret,
  waitUntil: runtime ? (work) => runtime.waitUntil(work) : undefined,
  localDateOf: (at) => digestLocalDate(sql, at),
  digest: (localDate) => runDigest(deps, { localDate, by: "manual" }),
  verifyUnsubscribe: (token) =>
    secret ? verifyUnsubscribeToken(secret, token) : Promise.resolve(null),
  unsubscribe: async (userId) => {
    const [{ on }] = await sql`select public.unsubscribe_digest(${userId}::uuid) as on`;
    return on;
  },
  verify,
  readPreferences: (user) => readDigestPreferencesAs(sql, user),
  writePreferences: (user, patch) => writeDigestPreferencesAs(sql, user, patch),
}));
