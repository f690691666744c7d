/**
 * Active Jobs DB's expired postings: `GET /active-ats-expired`, no parameters — "IDs of jobs that
 * were flagged as expired yesterday. Updates once per day at 01:30 UTC. Requires Ultra or Mega
 * subscription." (https://rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/active-jobs-db).
 * The answer is a bare JSON array of ids. It costs one request credit and no job credits, and
 * goes through {@link callProvider} like every call: a ledger row before it leaves, the monthly
 * budget, the shared rate slot, retries on 429/5xx/Retry-After, the quota stop.
 *
 * @module
 */
import { type CallFailure, callProvider, type CallSuccess, InvalidResponseError } from "../call.ts";
import type { ProviderSession } from "../session.ts";
import type { CallContext } from "../types.ts";
import { activeJobsExpiredSchema } from "./schema.ts";

/** The endpoint's path. */
export const ACTIVE_JOBS_EXPIRED_ENDPOINT = "/active-ats-expired";

/** Where the endpoint, its plans and its price are listed. */
export const ACTIVE_JOBS_LISTING =
  "https://rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/active-jobs-db";

/**
 * Validates the body: the distinct ids, as `job_sources.provider_job_id` stores them. It holds
 * no job records, so it counts no job credits.
 */
export function parseExpiredIds(body: unknown): { value: string[]; records: number } {
  const ids = activeJobsExpiredSchema.safeParse(body);
  if (!ids.success) {
    const message = (body as { message?: unknown })?.message;
    if (typeof message === "string") throw new InvalidResponseError(message);
    const [issue] = ids.error.issues;
    const where = issue?.path.length ? ` (at [${issue.path.join("][")}]: ${issue.message})` : "";
    throw new InvalidResponseError(`expected a JSON array of posting ids${where}`);
  }
  return { value: [...new Set(ids.data)], records: 0 };
}

/** Asks for yesterday's expired ids. Never throws for provider trouble. */
export async function fetchExpiredIds(
  session: ProviderSession,
  context: CallContext = {},
): Promise<CallSuccess<string[]> | CallFailure> {
  return await callProvider(session, {
    endpoint: ACTIVE_JOBS_EXPIRED_ENDPOINT,
    params: {},
    credits: 1,
    records: 0,
    parse: parseExpiredIds,
    context,
  });
}
