/**
 * One exchange with a provider and how its answer is read: the request sent (its time-out cut to
 * what the invocation's deadline leaves), then the status, headers and body — or their absence —
 * read into a typed {@link Answer}: a page, a malformed page, the rate limit, a spent quota, a
 * refusal, a server error, a time-out, an unreachable host. What each answer is billed, whether
 * it is worth asking again, and the line it leaves in the ledger are read from it here too.
 *
 * @module
 */
import { PROVIDER_NAMES } from "../vocabulary.ts";
import type { CallRequest } from "./call.ts";
import type { CallOutcome } from "./ledger.ts";
import {
  classifyRefusal,
  classifyTooManyRequests,
  gatewayMessage,
  type QuotaSnapshot,
  readQuota,
  type Refusal,
  retryAfterMs,
} from "./rapidapi.ts";
import type { ProviderSession } from "./session.ts";

/** Thrown by a `parse` function when a 200 body does not have the documented shape. */
export class InvalidResponseError extends Error {
  override name = "InvalidResponseError";
}

/** A 429 followed within this time by a 403 makes the 403 throttling, not a rejected key. */
const THROTTLE_MEMORY_MS = 60_000;

/** What an answered exchange heard besides its body. */
interface Heard {
  status: number;
  /** The quota the gateway reported; null when the headers held none. */
  quota: QuotaSnapshot | null;
}

/** What one exchange came to. */
export type Answer<T> =
  /** A 2xx whose body `parse` accepted. */
  | Heard & { kind: "page"; value: T; records: number }
  /** A 2xx cut off, not JSON, or not the documented shape: the page exists, the answer broke. */
  | Heard & { kind: "malformed"; reason: string }
  /** The per-second limit: a 429 that is not the quota, or a 403 right after 429s. */
  | Heard & {
    kind: "rate_limited";
    message: string;
    retryAfterMs: number | null;
    /** A 403 read as throttling because 429s came just before it. */
    throttled403: boolean;
  }
  /** A 429 for a spent quota (its headers or its words). */
  | Heard & { kind: "quota_spent"; message: string }
  /** The request is refused, and would be again. */
  | Heard & { kind: "refused"; refusal: Refusal; message: string }
  /** A 5xx. */
  | Heard & { kind: "server_error"; message: string; retryAfterMs: number | null }
  /** No answer within `timeoutMs`: the call's time-out, or what the deadline left of it. */
  | { kind: "timeout"; status: null; quota: null; timeoutMs: number; cutByDeadline: boolean }
  /** The network failed before an answer came. */
  | { kind: "unreachable"; status: null; quota: null; origin: string; detail: string };

/** What an answer's status, headers and body are read with. */
export interface ReadContext<T> {
  parse: CallRequest<T>["parse"];
  /** The provider answered 429 shortly before: a 403 now is throttling. */
  throttledRecently: boolean;
  /** For a Retry-After given as a date. */
  now: Date;
}

/** A 2xx: the parsed page, or a malformed one. Errors other than the shape's are thrown. */
function readPage<T>(heard: Heard, body: string, parse: ReadContext<T>["parse"]): Answer<T> {
  try {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw new InvalidResponseError(`the body is not JSON (starts with ${body.slice(0, 40)})`);
    }
    const { value, records } = parse(json);
    return { ...heard, kind: "page", value, records };
  } catch (error) {
    if (!(error instanceof InvalidResponseError)) throw error;
    return { ...heard, kind: "malformed", reason: error.message };
  }
}

/** Reads an answer's status, headers and body. */
export function readAnswer<T>(
  response: { status: number; headers: Headers },
  body: string,
  context: ReadContext<T>,
): Answer<T> {
  const { status, headers } = response;
  const quota = readQuota(headers);
  const hasQuota = quota.requestsRemaining !== null || quota.jobsRemaining !== null;
  const heard: Heard = { status, quota: hasQuota ? quota : null };
  if (status >= 200 && status < 300) return readPage(heard, body, context.parse);
  const message = gatewayMessage(body);
  const retryAfter = () => retryAfterMs(headers, context.now);
  if (status === 429) {
    return classifyTooManyRequests(message, quota) === "quota"
      ? { ...heard, kind: "quota_spent", message }
      : {
        ...heard,
        kind: "rate_limited",
        message,
        retryAfterMs: retryAfter(),
        throttled403: false,
      };
  }
  if (status === 403 && context.throttledRecently) {
    return {
      ...heard,
      kind: "rate_limited",
      message,
      retryAfterMs: retryAfter(),
      throttled403: true,
    };
  }
  if (status >= 500) return { ...heard, kind: "server_error", message, retryAfterMs: retryAfter() };
  return { ...heard, kind: "refused", refusal: classifyRefusal(status, message), message };
}

/** A request that got no answer: the time-out (`timeoutMs`, of the call's `fullMs`) or not. */
function noAnswer<T>(error: unknown, timeoutMs: number, fullMs: number, url: URL): Answer<T> {
  const timedOut = error instanceof DOMException &&
    (error.name === "TimeoutError" || error.name === "AbortError");
  return timedOut
    ? { kind: "timeout", status: null, quota: null, timeoutMs, cutByDeadline: timeoutMs < fullMs }
    : {
      kind: "unreachable",
      status: null,
      quota: null,
      origin: url.origin,
      detail: (error as Error).message,
    };
}

/** Sends the request and reads the answer; never throws for the network or a time-out. */
export async function exchange<T>(
  session: ProviderSession,
  request: CallRequest<T>,
): Promise<Answer<T>> {
  const { settings } = session;
  const timeoutMs = session.deadline === null
    ? settings.timeoutMs
    : Math.max(1, Math.min(settings.timeoutMs, session.deadline - session.clock()));
  const url = new URL(settings.baseUrl.replace(/\/+$/, "") + request.endpoint);
  for (const [key, value] of Object.entries(request.params)) url.searchParams.set(key, value);
  let response: Response;
  let body: string;
  try {
    response = await session.fetch(url, {
      headers: {
        "X-RapidAPI-Key": settings.apiKey,
        "X-RapidAPI-Host": settings.host,
        "Accept": "application/json",
      },
      signal: AbortSignal.timeout(timeoutMs),
    });
    body = await response.text();
  } catch (error) {
    return noAnswer(error, timeoutMs, settings.timeoutMs, url);
  }
  const throttledAt = session.lastThrottledAt;
  return readAnswer(response, body, {
    parse: request.parse,
    throttledRecently: throttledAt !== null && session.clock() - throttledAt < THROTTLE_MEMORY_MS,
    now: new Date(session.clock()),
  });
}

/**
 * What an answer is billed: a page, a malformed page and a refused request reached the provider
 * and cost the call. A malformed page's job credits cannot be read, so it counts the most the
 * page could hold and the ledger never undercounts.
 */
export function billed<T>(
  request: Pick<CallRequest<T>, "credits" | "records">,
  answer: Answer<T>,
): { credits: number; records: number } {
  if (answer.kind === "page") return { credits: request.credits, records: answer.records };
  if (answer.kind === "malformed") {
    return { credits: request.credits, records: request.records ?? 0 };
  }
  if (answer.kind === "refused" && answer.refusal === "request") {
    return { credits: request.credits, records: 0 };
  }
  return { credits: 0, records: 0 };
}

/** Whether the same request is worth asking again, and after the wait the provider asked for. */
export type Retry = { retry: false } | { retry: true; afterMs: number | null };

/** Whether to ask again: a malformed page at once, throttling and faults after a wait. */
export function retryOf<T>(answer: Answer<T>): Retry {
  switch (answer.kind) {
    case "malformed":
      return { retry: true, afterMs: 0 };
    case "rate_limited":
    case "server_error":
      return { retry: true, afterMs: answer.retryAfterMs };
    case "timeout":
    case "unreachable":
      return { retry: true, afterMs: null };
    default:
      return { retry: false };
  }
}

const OUTCOMES: Record<Answer<unknown>["kind"], CallOutcome> = {
  page: "ok",
  malformed: "invalid_response",
  rate_limited: "rate_limited",
  quota_spent: "quota_exhausted",
  refused: "http_error",
  server_error: "http_error",
  timeout: "timeout",
  unreachable: "network_error",
};

/** The ledger's outcome of an answer. */
export function outcomeOf<T>(answer: Answer<T>): CallOutcome {
  return OUTCOMES[answer.kind];
}

/** The ledger's error text of an answer, in words a person can act on; null for a page. */
export function describeAnswer<T>(
  session: ProviderSession,
  endpoint: string,
  answer: Answer<T>,
): string | null {
  const name = PROVIDER_NAMES[session.provider];
  switch (answer.kind) {
    case "page":
      return null;
    case "malformed":
      return `${name} ${endpoint} sent a malformed page: ${answer.reason}`;
    case "rate_limited":
      return answer.throttled403
        ? `${name} answered 403 right after 429s (throttling): ${answer.message}`
        : `${name} rate limit: ${answer.message}`;
    case "quota_spent":
      return answer.message;
    case "refused":
      return answer.refusal === "request"
        ? `${name} refused ${endpoint} (${answer.status}): ${answer.message}`
        : answer.message;
    case "server_error":
      return `${name} server error ${answer.status}: ${answer.message}`;
    case "timeout":
      return `${name} did not answer ${endpoint} within ${answer.timeoutMs} ms` +
        (answer.cutByDeadline ? " (the invocation's deadline)" : "");
    case "unreachable":
      return `Cannot reach ${name} at ${answer.origin}: ${answer.detail}`;
  }
}
