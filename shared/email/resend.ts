/**
 * The product's Resend client: one `POST /emails` (resend.com/docs/api-reference/emails/send-email)
 * with an `Idempotency-Key` header, its answer read into a typed {@link SendOutcome}. It never
 * retries by itself: the caller decides when to send again, always with the same idempotency
 * key, which Resend answers with the first email's id for 24 hours without sending it again
 * (resend.com/docs/dashboard/emails/idempotency-keys).
 *
 * Plain `fetch`, not the `resend` npm package (6.38.0 on npm): the package wraps the same single
 * request, and reading the status, the error's `name` and `retry-after` here gives one typed
 * outcome per call with no retry or error mapping hidden inside a dependency.
 *
 * ```ts
 * const resend = createResendClient({ apiKey: "re_...", baseUrl: "https://api.resend.com" });
 * const outcome = await resend.send(message, `digest/${userId}/2026-12-07`);
 * if (outcome.kind === "retry") console.log(outcome.reason);
 * ```
 *
 * @module
 */
import { z } from "zod";
import { isEmailAddress } from "../identifiers.ts";
import { retryAfterMs } from "../providers/rapidapi.ts";

/** One email as the product sends it. `from` is `Name <address>` or a bare address. */
export interface EmailMessage {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra email headers, e.g. `List-Unsubscribe` (RFC 8058). */
  headers?: Record<string, string>;
}

/** What one send came to. */
export type SendOutcome =
  /** Resend accepted the email (or had accepted it under this idempotency key). */
  | { kind: "sent"; id: string }
  /**
   * Try later with the SAME idempotency key: a 429 rate limit, a 5xx, a network error, a
   * time-out, a cut-off or malformed 2xx body, a 409 while the key's first request is in flight.
   * The email may have been accepted; the same key never sends it twice.
   */
  | { kind: "retry"; status: number | null; reason: string; retryAfterMs: number | null }
  /** A 4xx about this email (a field, the sender's domain): record it, skip the user today. */
  | { kind: "refused"; status: number; name: string; reason: string }
  /** The key is missing, invalid or restricted, or a quota is spent: stop sending this run. */
  | { kind: "stopped"; status: number; name: string; reason: string };

/** Options of {@link createResendClient}. */
export interface ResendClientOptions {
  apiKey: string;
  /** e.g. `https://api.resend.com` (RESEND_BASE_URL), or a local fake's URL. */
  baseUrl: string;
  fetch?: typeof fetch;
  /** How long one request may take, answer included (default 10000 ms). */
  timeoutMs?: number;
  /** The clock a `retry-after` date is read against (default `() => new Date()`). */
  now?: () => Date;
}

/** The client. */
export interface ResendClient {
  /** Sends `message` once under `idempotencyKey` (1–256 characters); never throws for Resend. */
  send(message: EmailMessage, idempotencyKey: string): Promise<SendOutcome>;
}

/** Resend's longest idempotency key (resend.com/docs/api-reference/errors). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 256;

const MAILBOX = /^\s*(?:([^<>]*?)\s*<([^<>\s]+)>|([^<>\s]+))\s*$/;

/**
 * The address of a mailbox written as Resend takes it, `Name <address>` or a bare address, or
 * null when it is neither.
 */
export function mailboxAddress(value: string): string | null {
  const match = MAILBOX.exec(value);
  const address = match ? match[2] ?? match[3] : undefined;
  return address !== undefined && isEmailAddress(address) ? address : null;
}

/** A 200 answer of `POST /emails`. */
const sentSchema = z.object({ id: z.string().min(1) });

/** Resend's error body (resend.com/docs/api-reference/errors). */
const errorSchema = z.object({
  statusCode: z.number().optional(),
  name: z.string().min(1),
  message: z.string(),
});

/** Where to get a key, for the reasons that are about it. */
const KEY_FIX = "set RESEND_API_KEY to a sending key from https://resend.com/api-keys";

/** A 401/403 about the key, or a spent quota: the outcome that stops this run's sending. */
function stopOf(status: number, name: string, message: string): SendOutcome | null {
  const said = `${status} ${name}: ${message}`;
  if (status === 401 || (status === 403 && /api.?key/i.test(`${name} ${message}`))) {
    return {
      kind: "stopped",
      status,
      name,
      reason: `Resend refused the API key (${said}): ${KEY_FIX}`,
    };
  }
  if (status === 429 && /quota/i.test(name)) {
    return {
      kind: "stopped",
      status,
      name,
      reason: `Resend's email quota is spent (${said}): no email is sent until it resets ` +
        "(daily quotas at the next day, monthly at the next billing month); raise it with a " +
        "plan at https://resend.com/settings/billing",
    };
  }
  return null;
}

/** A 4xx about this email: its field, its sender's domain, or a reused idempotency key. */
function refusalOf(status: number, name: string, message: string): SendOutcome {
  const said = `${status} ${name}: ${message}`;
  let fix = "fix the field the message names; this user is skipped until then";
  if (status === 403) {
    fix = "verify the sender's domain at https://resend.com/domains, or set DIGEST_FROM to an " +
      "address on a verified domain";
  } else if (name === "invalid_idempotent_request") {
    fix = "this idempotency key was used for a different email within 24 hours; keep one key " +
      "per email (e.g. digest/<user>/<date>) and build the same email for it";
  } else if (name === "invalid_idempotency_key") {
    fix = `use an idempotency key of 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`;
  }
  return { kind: "refused", status, name, reason: `Resend refused the email (${said}): ${fix}` };
}

/** Reads a non-2xx answer. */
function errorOutcome(status: number, headers: Headers, body: string, now: Date): SendOutcome {
  const parsed = errorSchema.safeParse(parseJson(body));
  const name = parsed.success ? parsed.data.name : "unknown";
  const message = parsed.success
    ? parsed.data.message
    : `body ${JSON.stringify(body.slice(0, 80))}`;
  const stop = stopOf(status, name, message);
  if (stop) return stop;
  const retryAfter = retryAfterMs(headers, now);
  const again = "send again later with the same idempotency key";
  if (status === 429) {
    const wait = retryAfter === null ? "" : ` after ${Math.ceil(retryAfter / 1000)} s`;
    return {
      kind: "retry",
      status,
      retryAfterMs: retryAfter,
      reason: `Resend's rate limit (${status} ${name}: ${message}): send again${wait} with the ` +
        "same idempotency key, or ask Resend support for a higher rate",
    };
  }
  if (status >= 500 || name === "concurrent_idempotent_requests") {
    const what = status >= 500 ? "Resend failed" : "Resend is still sending this key's email";
    return {
      kind: "retry",
      status,
      retryAfterMs: retryAfter,
      reason: `${what} (${status} ${name}: ${message}): ${again}`,
    };
  }
  return refusalOf(status, name, message);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Reads a 2xx answer: the email's id, or a retry when the body is not `{"id": ...}`. */
function sentOutcome(status: number, body: string): SendOutcome {
  const parsed = sentSchema.safeParse(parseJson(body));
  if (parsed.success) return { kind: "sent", id: parsed.data.id };
  return {
    kind: "retry",
    status,
    retryAfterMs: null,
    reason: `Resend answered ${status} with a body that is not {"id": ...} (starts with ` +
      `${JSON.stringify(body.slice(0, 40))}); the email may have been accepted: send again ` +
      "with the same idempotency key, which answers its id without sending it twice",
  };
}

/** A request that got no complete answer: the time-out, or the network. */
function noAnswer(error: unknown, status: number | null, timeoutMs: number, url: string) {
  const timedOut = error instanceof DOMException &&
    (error.name === "TimeoutError" || error.name === "AbortError");
  const reason = timedOut
    ? `Resend did not answer within ${timeoutMs} ms; the email may have been accepted: send ` +
      "again with the same idempotency key, which never sends it twice"
    : `Resend's answer did not arrive from ${new URL(url).origin} (${(error as Error).message}):` +
      " check RESEND_BASE_URL and the network, then send again with the same idempotency key";
  return { kind: "retry", status: timedOut ? null : status, retryAfterMs: null, reason } as const;
}

/** Creates the client; see {@link ResendClient.send}. */
export function createResendClient(options: ResendClientOptions): ResendClient {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const now = options.now ?? (() => new Date());
  const url = `${options.baseUrl.replace(/\/+$/, "")}/emails`;
  return {
    async send(message, idempotencyKey) {
      if (idempotencyKey.length < 1 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        throw new RangeError(
          `Resend idempotency keys are 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters, got ` +
            `${idempotencyKey.length}: build one per email, such as digest/<user>/<date>`,
        );
      }
      let status: number | null = null;
      try {
        const response = await doFetch(url, {
          method: "POST",
          headers: {
            "authorization": `Bearer ${options.apiKey}`,
            "content-type": "application/json",
            "idempotency-key": idempotencyKey,
          },
          body: JSON.stringify(message),
          signal: AbortSignal.timeout(timeoutMs),
        });
        status = response.status;
        const body = await response.text();
        return response.ok
          ? sentOutcome(status, body)
          : errorOutcome(status, response.headers, body, now());
      } catch (error) {
        return noAnswer(error, status, timeoutMs, url);
      }
    },
  };
}
