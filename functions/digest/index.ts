// Edge Function `digest`: thin entrypoint; the flow is shared/digest/run.ts.
import { userFunctionEnv } from "../../shared/auth/user_function_env.ts";
import { loadConfig } from "../../shared/config.ts";
import { digestDepsFromConfig } from "../../shared/digest/from_config.ts";
import { digestHandlerDeps } from "./deps.ts";
import { createDigestHandler } from "./handler.ts";

const config = loadConfig();
const { sql, verify } = userFunctionEnv("digest");
const deps = digestDepsFromConfig(config, sql, { chain: true });
const runtime = (globalThis as { EdgeRuntime?: { waitUntil(p: Promise<unknown>): void } })
  .EdgeRuntime;

Deno.serve(createDigestHandler(digestHandlerDeps({
  sql,
  secret: config.FUNCTIONS_SECRET,
  verify,
  runDeps: () => deps,
  waitUntil: runtime ? (work) => runtime.waitUntil(work) : undefined,
})));
