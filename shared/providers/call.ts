/**
 * One resilient provider call: limiter, timeout, retries with exponential backoff and jitter on
 * 429/5xx/network errors (honouring Retry-After; a longer wait than a worker makes is handed back
 * as the time to ask again), a cut-off body asked again at once, the quota stop, and a
 * usage-ledger row written before every attempt leaves. The caller's `parse` validates the body.
 *
 * @module
 */
import { PROVIDER_NAMES } from "../jobs/canonical_job.ts";
import type { CallOutcome, UsageResult, UsageRow } from "./ledger.ts";
import {
  classifyTooManyRequests,
  gatewayMessage,
  type QuotaSnapshot,
  readQuota,
  retryAfterMs,
  spentQuota,
} from "./rapidapi.ts";
import { type ProviderSession, stopProvider } from "./session.ts";
import type { CallContext } from "./types.ts";

/** A 429 followed within this time by a 403 makes the 403 throttling, not a rejected key. */
const THROTTLE_MEMORY_MS = 60_000;

/** Thrown by a `parse` function when a 200 body does not have the documented shape. */
export class InvalidResponseError extends Error {
  override name = "InvalidResponseError";
}

/** What a call asks for. */
export interface CallRequest<T> {
  /** Path under the base URL, e.g. "/search". */
  endpoint: string;
  params: Record<string, string>;
  /** Request credits a successful answer costs (JSearch bills multi-page calls ×2/×3). */
  credits: number;
  /** Most records the answer can hold (Active Jobs DB bills each as a job credit). */
  records?: number;
  /** Validates the JSON body; returns the value and the number of records it holds. */
  parse(body: unknown): { value: T; records: number };
  context: CallContext;
}

/**
 * The ledger row of an answered call, still `pending`: whoever stores the answer completes it
 * in the same transaction ({@link completeUsage} otherwise).
 */
export interface AnsweredUsage {
  row: UsageRow;
  result: UsageResult;
}

/** A successful call. */
export interface CallSuccess<T> {
  ok: true;
  value: T;
  status: number;
  quota: QuotaSnapshot;
  attempts: number;
  /** Request credits billed over all attempts. */
  credits: number;
  usage: AnsweredUsage;
}

/** A failed call. */
export interface CallFailure {
  ok: false;
  outcome: CallOutcome;
  /** A sentence a person can act on. */
  error: string;
  status: number | null;
  attempts: number;
  /** Request credits billed over all attempts (a malformed 200 is still billed). */
  credits: number;
  /** No HTTP call was made: the provider was already stopped. */
  skipped: boolean;
  /**
   * The page is to be asked again, not before this: the provider asked for a longer wait than
   * this run makes (Retry-After), or the invocation's deadline came. Not a failure of the page.
   */
  retryAt?: Date;
}

interface Attempt {
  outcome: CallOutcome;
  status: number | null;
  error: string | null;
  retryable: boolean;
  retryAfter: number | null;
  quota: QuotaSnapshot | null;
  credits: number;
  records: number;
}

/** Less time than this before the deadline is not worth a call. */
const MIN_CALL_MS = 1000;

function describeQuota(quota: QuotaSnapshot | null): string {
  if (!quota) return "";
  const parts: string[] = [];
  if (quota.requestsRemaining !== null) {
    parts.push(`${quota.requestsRemaining} of ${quota.requestsLimit ?? "?"} requests left`);
  }
  if (quota.jobsRemaining !== null) {
    parts.push(`${quota.jobsRemaining} of ${quota.jobsLimit ?? "?"} jobs left`);
  }
  if (quota.resetSeconds !== null) {
    parts.push(`resets in ${Math.round(quota.resetSeconds / 3600)} h`);
  }
  return parts.length ? ` (${parts.join(", ")})` : "";
}

/** The wait before retry number `retry` (1-based): Retry-After, else backoff with jitter. */
function retryDelay(session: ProviderSession, retry: number, retryAfter: number | null): number {
  if (retryAfter !== null) return retryAfter;
  const { baseDelayMs, maxDelayMs } = session.settings.retry;
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (retry - 1));
  // "equal jitter": half fixed, half random, so retries of parallel calls spread out
  return ceiling / 2 + session.random() * (ceiling / 2);
}

/** The answer's text, or the attempt that never got one (a time-out, the network). */
async function send<T>(
  session: ProviderSession,
  request: CallRequest<T>,
): Promise<{ response: Response; body: string } | Attempt> {
  const name = PROVIDER_NAMES[session.provider];
  const timeoutMs = session.deadline === null
    ? session.settings.timeoutMs
    : Math.max(1, Math.min(session.settings.timeoutMs, session.deadline - session.clock()));
  const url = new URL(session.settings.baseUrl.replace(/\/+$/, "") + request.endpoint);
  for (const [key, value] of Object.entries(request.params)) url.searchParams.set(key, value);
  try {
    const response = await session.fetch(url, {
      headers: {
        "X-RapidAPI-Key": session.settings.apiKey,
        "X-RapidAPI-Host": session.settings.host,
        "Accept": "application/json",
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { response, body: await response.text() };
  } catch (error) {
    const timedOut = error instanceof DOMException &&
      (error.name === "TimeoutError" || error.name === "AbortError");
    return {
      outcome: timedOut ? "timeout" : "network_error",
      status: null,
      error: timedOut
        ? `${name} did not answer ${request.endpoint} within ${timeoutMs} ms` +
          (timeoutMs < session.settings.timeoutMs ? " (the invocation's deadline)" : "")
        : `Cannot reach ${name} at ${url.origin}: ${(error as Error).message}`,
      retryable: true,
      retryAfter: null,
      quota: null,
      credits: 0,
      records: 0,
    };
  }
}

/** What every answered attempt starts from: its status and the quota it reported. */
type AnswerBase = Pick<Attempt, "status" | "quota" | "retryAfter" | "credits" | "records">;

/** A 2xx: the parsed page, or a malformed one (asked again at once). */
function readPage<T>(
  session: ProviderSession,
  request: CallRequest<T>,
  body: string,
  base: AnswerBase,
): Attempt & { value?: T } {
  try {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new InvalidResponseError(`the body is not JSON (starts with ${body.slice(0, 40)})`);
    }
    const { value, records } = request.parse(json);
    return {
      ...base,
      outcome: "ok",
      error: null,
      retryable: false,
      credits: request.credits,
      records,
      value,
    };
  } catch (error) {
    if (!(error instanceof InvalidResponseError)) throw error;
    // a cut-off or garbled 200 is asked again at once: the page exists, the answer broke.
    // RapidAPI bills it, and how many job credits the lost page held cannot be read: it
    // counts the most it could hold, so the ledger never undercounts
    return {
      ...base,
      outcome: "invalid_response",
      error: `${PROVIDER_NAMES[session.provider]} ${request.endpoint} sent a malformed page: ` +
        error.message,
      retryable: true,
      retryAfter: 0,
      credits: request.credits,
      records: request.records ?? 0,
    };
  }
}

/** A 429: the quota (the provider stops) or the rate limit (worth a retry). */
function readTooManyRequests(
  session: ProviderSession,
  response: Response,
  message: string,
  base: AnswerBase,
): Attempt {
  const name = PROVIDER_NAMES[session.provider];
  session.lastThrottledAt = session.clock();
  if (classifyTooManyRequests(message, base.quota ?? readQuota(response.headers)) === "quota") {
    stopProvider(session, {
      outcome: "quota_exhausted",
      message: `${name} quota is spent: ${message}${
        describeQuota(base.quota)
      }. No more ${name} calls until it resets.`,
    });
    return { ...base, outcome: "quota_exhausted", error: message, retryable: false };
  }
  return {
    ...base,
    outcome: "rate_limited",
    error: `${name} rate limit: ${message}`,
    retryable: true,
    retryAfter: retryAfterMs(response.headers, new Date(session.clock())),
  };
}

/** Any other status: throttling, a refused key, a missing endpoint, a server or request error. */
function readRefusal<T>(
  session: ProviderSession,
  request: CallRequest<T>,
  response: Response,
  message: string,
  base: AnswerBase,
): Attempt {
  const name = PROVIDER_NAMES[session.provider];
  const { status } = response;
  const retryAfter = () => retryAfterMs(response.headers, new Date(session.clock()));
  if (
    status === 403 && session.lastThrottledAt !== null &&
    session.clock() - session.lastThrottledAt < THROTTLE_MEMORY_MS
  ) {
    return {
      ...base,
      outcome: "rate_limited",
      error: `${name} answered 403 right after 429s (throttling): ${message}`,
      retryable: true,
      retryAfter: retryAfter(),
    };
  }
  if (status === 401 || status === 403 || status === 404) {
    const fix = status === 401
      ? `${name} rejected the key (401: ${message}). Check RAPIDAPI_KEY.`
      : status === 403
      ? `${name} rejected the key (403: ${message}). Subscribe the RAPIDAPI_KEY account to ` +
        `${name} on RapidAPI.`
      : `${name} has no endpoint ${request.endpoint} (404: ${message}). ` +
        `Check the base URL ${session.settings.baseUrl}.`;
    stopProvider(session, { outcome: "http_error", message: fix });
    return { ...base, outcome: "http_error", error: message, retryable: false };
  }
  if (status >= 500) {
    return {
      ...base,
      outcome: "http_error",
      error: `${name} server error ${status}: ${message}`,
      retryable: true,
      retryAfter: retryAfter(),
    };
  }
  // 400, 422, ...: the request itself is wrong; it reached the provider, so it is billed
  return {
    ...base,
    outcome: "http_error",
    error: `${name} refused ${request.endpoint} (${status}): ${message}`,
    retryable: false,
    credits: request.credits,
  };
}

/** One HTTP attempt, read into an {@link Attempt}; the quota it reported is kept. */
async function attemptOnce<T>(
  session: ProviderSession,
  request: CallRequest<T>,
): Promise<Attempt & { value?: T }> {
  const sent = await send(session, request);
  if (!("response" in sent)) return sent;
  const { response, body } = sent;
  const quota = readQuota(response.headers);
  const hasQuota = quota.requestsRemaining !== null || quota.jobsRemaining !== null;
  if (hasQuota) session.quota = quota;
  const base: AnswerBase = {
    status: response.status,
    quota: hasQuota ? quota : null,
    retryAfter: null,
    credits: 0,
    records: 0,
  };
  if (response.status >= 200 && response.status < 300) {
    return readPage(session, request, body, base);
  }
  const message = gatewayMessage(body);
  return response.status === 429
    ? readTooManyRequests(session, response, message, base)
    : readRefusal(session, request, response, message, base);
}

const BUDGET_COLUMNS = {
  jsearch: "jsearch_monthly_credits",
  active_jobs_db: "active_jobs_db_monthly_credits or active_jobs_db_monthly_jobs (a page " +
    "reserves 100 jobs)",
} as const;

/** Reserves a call against the monthly budget: the month it counts in, or the reason to stop. */
async function reserveBudget(
  session: ProviderSession,
  credits: number,
  jobs: number,
): Promise<{ month: string | null } | { refusal: string } | { notSent: string }> {
  if (!session.budget) return { month: null };
  const name = PROVIDER_NAMES[session.provider];
  try {
    const month = await session.budget.reserve(session.provider, credits, jobs);
    if (month) return { month };
    return {
      refusal: `${name}'s monthly budget has no room for a call costing ${credits} credit(s)` +
        (jobs ? ` and up to ${jobs} jobs` : "") + `; ${name} pauses until next month and what it ` +
        `skips is caught up in a later window. To go on now, raise ` +
        `${BUDGET_COLUMNS[session.provider]} in public.settings, then run select ` +
        `public.resume_provider('${session.provider}').`,
    };
  } catch (error) {
    // the database, not the budget: no call, and no pause either
    return {
      notSent: `${name} was not called: its monthly budget could not be checked ` +
        `(${(error as Error).message}), and no call leaves without it`,
    };
  }
}

/** Slack per second of shared rate slots, in ms. */
const PACER_MARGIN_MS = 50;

/** Waits for the provider's next call slot shared by every invocation, if there is a pacer. */
async function pace(session: ProviderSession): Promise<void> {
  if (!session.pacer || session.settings.requestsPerSecond <= 0) return;
  // slots a little wider than 1/rate: calls from several processes reach the gateway with
  // some jitter, and its window counts arrivals
  const interval = (1000 + PACER_MARGIN_MS) / session.settings.requestsPerSecond;
  const wait = await session.pacer(session.provider, interval)
    .catch(() => 0); // the local limiter still spaces this process's calls
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

/** Completes an answered call's ledger row outside any page transaction; never throws. */
export async function completeUsage(session: ProviderSession, usage: AnsweredUsage): Promise<void> {
  await session.ledger.complete(usage.row, usage.result).catch((error) =>
    console.error(
      `Cannot complete usage row ${usage.row.id} (${usage.result.outcome}); it stays pending ` +
        `and the sweep counts it as possibly billed: ${(error as Error).message}`,
    )
  );
}

/** One attempt through the limiter: paced, budgeted, written to the ledger before it leaves. */
type Gated<T> =
  | { made: Attempt & { value?: T }; row: UsageRow; startedAt: number }
  | { refusal: string }
  | { notSent: string };

async function gatedAttempt<T>(
  session: ProviderSession,
  request: CallRequest<T>,
): Promise<Gated<T>> {
  const reservedJobs = request.records ?? 0;
  // pace, then reserve just before the request leaves: a call queued behind the rate limit
  // holds no budget
  return await session.limiter.run(async () => {
    await pace(session);
    const reservation = await reserveBudget(session, request.credits, reservedJobs);
    if ("refusal" in reservation) return { refusal: reservation.refusal };
    if ("notSent" in reservation) return { notSent: reservation.notSent };
    const giveBack = (credits: number, jobs: number) =>
      reservation.month
        ? session.budget!.release(session.provider, reservation.month, credits, jobs)
          .catch(() => {/* a release that fails only leaves the budget stricter */})
        : Promise.resolve();
    let row: UsageRow;
    try {
      row = await session.ledger.open({
        runId: request.context.runId ?? null,
        combinationId: request.context.combinationId ?? null,
        provider: session.provider,
        endpoint: request.endpoint,
        params: request.params,
        credits: request.credits,
      });
    } catch (error) {
      await giveBack(request.credits, reservedJobs);
      return {
        notSent: `${PROVIDER_NAMES[session.provider]} was not called: its usage row could not ` +
          `be written (${(error as Error).message}), and no call leaves without one`,
      };
    }
    const startedAt = performance.now();
    const made = await attemptOnce(session, request);
    await giveBack(request.credits - made.credits, Math.max(0, reservedJobs - made.records));
    return { made, row, startedAt };
  });
}

/** What stops the retries before the next attempt, if anything. */
function beforeAttempt(
  session: ProviderSession,
  retry: number,
  last: Attempt | null,
): { stop: Omit<CallFailure, "attempts" | "credits"> } | { delay: number } {
  const name = PROVIDER_NAMES[session.provider];
  const status = last?.status ?? null;
  if (session.stopped) {
    return {
      stop: {
        ok: false,
        outcome: session.stopped.outcome,
        error: session.stopped.message,
        status,
        skipped: last === null,
      },
    };
  }
  const delay = retry > 0 && last ? retryDelay(session, retry, last.retryAfter) : 0;
  // the wait the provider asked for holds whatever else stops this worker: the page is asked
  // again after it, never sooner
  const retryAt = new Date(Date.now() + delay);
  if (delay > session.settings.retry.maxDelayMs) {
    return {
      stop: {
        ok: false,
        outcome: last?.outcome ?? "rate_limited",
        error: `${last?.error}; the provider asks to wait ${Math.round(delay / 1000)} s, longer ` +
          `than the ${session.settings.retry.maxDelayMs / 1000} s a worker waits: the page waits ` +
          `until ${retryAt.toISOString()}`,
        status,
        skipped: false,
        retryAt,
      },
    };
  }
  const deadlineStop = (why: string) => ({
    stop: {
      ok: false as const,
      outcome: "timeout" as const,
      error: `${name}: the invocation's deadline came ${why}; the page is asked again by a ` +
        "later invocation",
      status,
      skipped: false,
      retryAt,
    },
  });
  if (session.deadline !== null && session.clock() >= session.deadline - MIN_CALL_MS) {
    return deadlineStop(last ? `while retrying (${last.error})` : "before this call");
  }
  if (session.deadline !== null && session.clock() + delay >= session.deadline - MIN_CALL_MS) {
    return deadlineStop(`before the retry (${last?.error})`);
  }
  return { delay };
}

/** The failure of an attempt that was not made: a spent budget (the provider stops), no row. */
function notMade(
  session: ProviderSession,
  gated: { refusal: string } | { notSent: string },
  last: Attempt | null,
): Omit<CallFailure, "attempts" | "credits"> {
  const status = last?.status ?? null;
  if ("notSent" in gated) {
    return { ok: false, outcome: "not_sent", error: gated.notSent, status, skipped: false };
  }
  stopProvider(session, { outcome: "budget_exhausted", message: gated.refusal });
  return {
    ok: false,
    outcome: "budget_exhausted",
    error: session.stopped!.message,
    status,
    skipped: last === null,
  };
}

/** What completes an attempt's ledger row. */
function usageResult(attempt: Attempt, startedAt: number): UsageResult {
  return {
    httpStatus: attempt.status,
    outcome: attempt.outcome,
    error: attempt.error,
    credits: attempt.credits,
    jobsReturned: attempt.records,
    quota: attempt.quota,
    durationMs: performance.now() - startedAt,
  };
}

/** A page that spent the last of a quota stops the provider before the next call. */
function stopIfQuotaSpent(session: ProviderSession, quota: QuotaSnapshot | null): void {
  const spent = quota ? spentQuota(quota) : null;
  if (!spent) return;
  stopProvider(session, {
    outcome: "quota_exhausted",
    message: `${PROVIDER_NAMES[session.provider]} ${spent} quota is spent${
      describeQuota(quota)
    }. No more calls until it resets.`,
  });
}

/**
 * Makes the call, retrying what is worth retrying. Every attempt has an `api_usage` row before
 * it leaves; a failed attempt's row is completed here, an answered one's by whoever stores the
 * answer (`usage`). Never throws for provider trouble; returns a {@link CallFailure} instead.
 */
export async function callProvider<T>(
  session: ProviderSession,
  request: CallRequest<T>,
): Promise<CallSuccess<T> | CallFailure> {
  let attempts = 0;
  let credits = 0;
  let last: Attempt | null = null;
  for (let retry = 0; retry <= session.settings.retry.maxRetries; retry++) {
    const next = beforeAttempt(session, retry, last);
    if ("stop" in next) return { ...next.stop, attempts, credits };
    if (next.delay > 0) await session.sleep(next.delay);
    const gated = await gatedAttempt(session, request);
    if (!("made" in gated)) {
      return { ...notMade(session, gated, last), attempts, credits };
    }
    const { made: attempt, row } = gated;
    attempts++;
    credits += attempt.credits;
    last = attempt;
    const result = usageResult(attempt, gated.startedAt);
    if (attempt.outcome === "ok") {
      stopIfQuotaSpent(session, attempt.quota);
      return {
        ok: true,
        value: attempt.value as T,
        status: attempt.status ?? 200,
        quota: attempt.quota ?? readQuota(new Headers()),
        attempts,
        credits,
        usage: { row, result },
      };
    }
    await completeUsage(session, { row, result });
    if (!attempt.retryable) break;
  }
  const stopped = session.stopped;
  const gaveUp = attempts > 1 ? ` (gave up after ${attempts} attempts)` : "";
  return {
    ok: false,
    outcome: last?.outcome ?? "network_error",
    error: stopped?.message ?? `${last?.error ?? "no attempt was made"}${gaveUp}`,
    status: last?.status ?? null,
    attempts,
    credits,
    skipped: false,
  };
}
