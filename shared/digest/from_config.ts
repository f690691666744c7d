/**
 * The digest's dependencies from the environment, for the Edge Function and the CLI alike: the
 * Resend client, the sender, and unsubscribe links signed with FUNCTIONS_SECRET that point at the
 * digest function (SUPABASE_URL, else the local stack's default address).
 *
 * @module
 */
import type { Config } from "../config.ts";
import type { Queryable } from "../db/postgres.ts";
import { createResendClient } from "../email/resend.ts";
import type { DigestDeps } from "./run.ts";
import { signUnsubscribeToken } from "./unsubscribe.ts";

/** Most digests one invocation sends (each is a feed read and one provider call). */
export const DIGEST_MAX_SENDS = 50;
/** Wall-clock time one invocation starts new sends in, in ms (Edge wall clock: 150 s). */
export const DIGEST_TIME_BUDGET_MS = 100_000;

/** The digest function's URL: the project's, else the local stack's default. */
export function digestFunctionUrl(config: Config): string {
  return `${(config.SUPABASE_URL ?? "http://127.0.0.1:54321").replace(/\/$/, "")}` +
    "/functions/v1/digest";
}

/** A user's one-click unsubscribe link, or null without FUNCTIONS_SECRET. */
export function unsubscribeLinks(
  config: Config,
): ((userId: string) => Promise<string>) | null {
  const secret = config.FUNCTIONS_SECRET;
  if (!secret) return null;
  const base = `${digestFunctionUrl(config)}/unsubscribe`;
  return async (userId) =>
    `${base}?token=${encodeURIComponent(await signUnsubscribeToken(secret, userId))}`;
}

/** Builds {@link DigestDeps}. */
export function digestDepsFromConfig(
  config: Config,
  sql: Queryable,
  options: { log?: (line: string) => void; chain?: boolean; fetch?: typeof fetch } = {},
): DigestDeps {
  return {
    sql,
    email: config.RESEND_API_KEY
      ? createResendClient({
        apiKey: config.RESEND_API_KEY,
        baseUrl: config.RESEND_BASE_URL,
        fetch: options.fetch,
      })
      : null,
    from: config.DIGEST_FROM,
    unsubscribeUrl: unsubscribeLinks(config),
    maxSends: DIGEST_MAX_SENDS,
    timeBudgetMs: DIGEST_TIME_BUDGET_MS,
    chain: options.chain ?? false,
    log: options.log ?? ((line) => console.log(line)),
  };
}
