/**
 * RapidAPI's gateway, which fronts both job APIs: its quota headers and how to read its errors.
 * The per-second limit and the monthly (or daily) quota both answer 429; the body text and the
 * `x-ratelimit-*-remaining` headers tell them apart. A 403 right after 429s is throttling. The
 * gateway's message is the only place a refused plan or a spent quota is named, so these
 * readers are where its text is matched; everything past them works on typed values.
 *
 * @module
 */

/** The quota the gateway reported in a response's headers. */
export interface QuotaSnapshot {
  requestsLimit: number | null;
  requestsRemaining: number | null;
  /** Active Jobs DB meters returned jobs as a second quota ("jobs"). */
  jobsLimit: number | null;
  jobsRemaining: number | null;
  /** Seconds until the quota resets. */
  resetSeconds: number | null;
}

function intHeader(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  if (value === null || value.trim() === "") return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? Math.trunc(parsed) : null;
}

/** Reads `x-ratelimit-requests-*` and `x-ratelimit-jobs-*`. */
export function readQuota(headers: Headers): QuotaSnapshot {
  return {
    requestsLimit: intHeader(headers, "x-ratelimit-requests-limit"),
    requestsRemaining: intHeader(headers, "x-ratelimit-requests-remaining"),
    jobsLimit: intHeader(headers, "x-ratelimit-jobs-limit"),
    jobsRemaining: intHeader(headers, "x-ratelimit-jobs-remaining"),
    resetSeconds: intHeader(headers, "x-ratelimit-requests-reset") ??
      intHeader(headers, "x-ratelimit-jobs-reset"),
  };
}

/** Which quota a snapshot shows as spent, if any. */
export function spentQuota(quota: QuotaSnapshot): "requests" | "jobs" | null {
  if (quota.requestsRemaining !== null && quota.requestsRemaining <= 0) return "requests";
  if (quota.jobsRemaining !== null && quota.jobsRemaining <= 0) return "jobs";
  return null;
}

/** The `message` of a gateway error body (`{"message": "..."}`), or the body's start. */
export function gatewayMessage(body: string): string {
  try {
    const parsed = JSON.parse(body);
    if (parsed && typeof parsed.message === "string") return parsed.message;
    if (parsed?.error && typeof parsed.error.message === "string") return parsed.error.message;
  } catch {
    // not JSON: fall through
  }
  return body.slice(0, 200).trim() || "(empty body)";
}

/** How a 429 is meant. */
export type TooManyRequests = "quota" | "rate_limit";

/**
 * Reads a 429: a spent quota header, or a "MONTHLY/DAILY quota" message, is the quota; anything
 * else (the per-second limit, "Too many requests") is the rate limit and is worth a retry.
 */
export function classifyTooManyRequests(message: string, quota: QuotaSnapshot): TooManyRequests {
  // the headers first: a throttling text with a quota at 0 is still the quota
  if (spentQuota(quota)) return "quota";
  if (/\b(MONTHLY|DAILY)\s+quota\b/i.test(message)) return "quota";
  return "rate_limit";
}

/**
 * Why a provider refused a request it will refuse again: the key (401), the account's
 * subscription to the API (403), the plan, which lacks the endpoint (a 401 or 403 saying so),
 * the endpoint itself (404), or the request (400, 422 and any other status).
 */
export type Refusal = "key" | "subscription" | "plan" | "endpoint" | "request";

/** RapidAPI's words for an endpoint the plan does not include (with a 401 or a 403). */
const PLAN_REFUSAL = /disabled for your subscription|requires an? (ultra|mega)/i;

/** Reads a refusal from its status and the gateway's message. */
export function classifyRefusal(status: number, message: string): Refusal {
  if ((status === 401 || status === 403) && PLAN_REFUSAL.test(message)) return "plan";
  if (status === 401) return "key";
  if (status === 403) return "subscription";
  return status === 404 ? "endpoint" : "request";
}

/**
 * Milliseconds a `Retry-After` header asks for (seconds or an HTTP date), or null when absent or
 * unreadable.
 */
export function retryAfterMs(headers: Headers, now: Date): number | null {
  const value = headers.get("retry-after-ms") ?? null;
  if (value !== null && Number.isFinite(Number(value))) return Math.max(0, Number(value));
  const header = headers.get("retry-after");
  if (header === null || header.trim() === "") return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - now.getTime());
}
