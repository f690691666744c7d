/**
 * A local fake of Resend's send endpoint, `POST /emails`, for tests and the demo: the bearer key,
 * the body's checks, verified sending domains, idempotency keys, the per-second rate limit with
 * its headers, a daily email quota, Resend's error bodies `{"statusCode", "name", "message"}`,
 * scripted faults, a request log and the emails it accepted. Served on 127.0.0.1, a free port.
 *
 * What it follows, and where from:
 * - body fields (`from` as `Name <address>` or an address, `to` a string or 1–50 addresses,
 *   `subject`, `html` and/or `text`, `headers` an object of strings) and the `{"id"}` answer:
 *   resend.com/docs/api-reference/emails/send-email;
 * - error names and statuses (`missing_api_key` 401, `invalid_api_key` 403, `validation_error`
 *   400 or 403, `not_found` 404, `invalid_idempotency_key` 400, `invalid_idempotent_request` and
 *   `concurrent_idempotent_requests` 409, `rate_limit_exceeded` and `daily_quota_exceeded` 429):
 *   resend.com/docs/api-reference/errors. Today's page gives field errors 400; older versions of
 *   it and answers reported in resend/resend-python#65 give 422 (`validationStatus`). A fault can
 *   be kept for one recipient (`inject(fault, { to })`), e.g. the 400 `validation_error` with
 *   which Resend refuses a `to` it will not take while other recipients' emails go out (same
 *   page: "The message will contain more details about what field and error were found");
 * - one idempotency key answers the first email's id for 24 hours without sending again, another
 *   payload under it is refused: resend.com/docs/dashboard/emails/idempotency-keys;
 * - `ratelimit-limit`, `ratelimit-remaining`, `ratelimit-reset` and `retry-after` (seconds), 2
 *   requests per second per team (resend.com/changelog/api-rate-limit; a later version of
 *   resend.com/docs/api-reference/rate-limit says 5: set `requestsPerSecond`);
 * - recipients count one email each against the daily quota, 100 a day on the free plan:
 *   resend.com/docs/knowledge-base/account-quotas-and-limits.
 *
 * Assumptions where the docs are silent: only successful sends keep their idempotency key; the
 * payload is compared with its keys sorted; a request refused for its key or the rate does not
 * take a rate-limit slot; the daily quota resets at 00:00 UTC; the field messages are modelled on
 * the reported `Invalid \`to\` field` wording. Any path but `POST /emails` is a 404 here.
 *
 * @module
 */
import { mailboxAddress } from "../../shared/email/resend.ts";

/** A fault the next request to `POST /emails` suffers, after its key and rate checks. */
export type ResendFault =
  /** Answer this status with Resend's error body (`retry-after` when given); nothing is sent. */
  | { kind: "status"; status: number; name?: string; message?: string; retryAfter?: number }
  /** Hold the request `ms` while its idempotency key is in flight, then serve it. */
  | { kind: "latency"; ms: number }
  /** Accept and send the email, then cut the 200 body off half way. */
  | { kind: "malformed_json" }
  /** Drop the connection before the body arrives; with `afterSend`, once the email was sent. */
  | { kind: "reset"; afterSend?: boolean };

/** Options of {@link startFakeResend}. */
export interface FakeResendOptions {
  /** API keys it accepts (default `["re_test_key"]`). */
  keys?: readonly string[];
  /**
   * Verified sending domains (default `["example.com"]`, reserved by RFC 2606 so a test never
   * names a real sender). `resend.dev`, Resend's testing domain, sends only to `ownerEmail`.
   */
  verifiedDomains?: readonly string[];
  /** The account's own address, the one `resend.dev` may send to (default `owner@example.com`). */
  ownerEmail?: string;
  /** Requests admitted in any trailing 1000 ms (default 2). */
  requestsPerSecond?: number;
  /** Emails (recipients) a UTC day (default 100000). */
  dailyQuota?: number;
  /** Status of field errors: 400 as the errors page says today (default), or 422. */
  validationStatus?: 400 | 422;
  /** Added to every request, in ms (default 0). */
  latencyMs?: number;
  /** The fake's clock (default `() => new Date()`). */
  now?: () => Date;
}

/** One request as the fake saw it; the key itself is never stored. */
export interface FakeResendRequest {
  method: string;
  path: string;
  /** Request headers, lower-case, without `authorization`. */
  headers: Record<string, string>;
  keyPresent: boolean;
  idempotencyKey: string | null;
  /** The parsed JSON body, or its text when it is not JSON. */
  body: unknown;
  /** Status sent; 0 while in flight. */
  status: number;
  /** The error's `name`, for an error answer. */
  error?: string;
  fault?: ResendFault["kind"];
}

/** An email the fake accepted (sent once, whatever the retries). */
export interface SentEmail {
  id: string;
  created_at: string;
  from: string;
  to: string[];
  subject: string;
  html?: string;
  text?: string;
  headers?: Record<string, string>;
  idempotencyKey: string | null;
}

/** A running fake. */
export interface FakeResend {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:54321` (RESEND_BASE_URL). */
  url: string;
  /** Every request so far, oldest first. */
  requests: FakeResendRequest[];
  /** Every email accepted, oldest first. */
  sent: SentEmail[];
  /**
   * Queues `fault` for the next `times` (default 1) requests to `POST /emails`; with `to`, for
   * the next requests whose recipients include that address (other requests pass it by).
   */
  inject(fault: ResendFault, options?: { times?: number; to?: string }): void;
  /** Empties the request log and the sent emails (idempotency keys and counters stay). */
  clearLog(): void;
  /** Releases held requests and stops the server; idempotent. */
  close(): Promise<void>;
}

/** An error answer: status, Resend's `name` and `message`. */
type Refusal = { status: number; name: string; message: string; retryAfter?: number };

/** A body that passed the checks. */
type Email = Omit<SentEmail, "id" | "created_at" | "idempotencyKey">;

const DAY_MS = 24 * 60 * 60 * 1000;
const MAX_RECIPIENTS = 50;
const FORMAT = "The email address needs to follow the `email@example.com` or " +
  "`Name <email@example.com>` format.";

/** The body's first problem, named by field, or the email it describes. */
function checkEmail(body: unknown): Email | { field: string; message: string } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return { field: "body", message: "The request body must be a JSON object." };
  }
  const b = body as Record<string, unknown>;
  for (const field of ["from", "to", "subject"]) {
    if (b[field] === undefined || b[field] === null) {
      return { field, message: `Missing \`${field}\` field.` };
    }
  }
  if (typeof b.from !== "string" || !mailboxAddress(b.from)) {
    return { field: "from", message: `Invalid \`from\` field. ${FORMAT}` };
  }
  const to = typeof b.to === "string" ? [b.to] : b.to;
  if (!Array.isArray(to) || to.length === 0 || to.some((t) => !mailboxAddress(String(t)))) {
    return { field: "to", message: `Invalid \`to\` field. ${FORMAT}` };
  }
  if (to.length > MAX_RECIPIENTS) {
    return { field: "to", message: `Too many recipients in \`to\`: at most ${MAX_RECIPIENTS}.` };
  }
  if (typeof b.subject !== "string") {
    return { field: "subject", message: "Invalid `subject` field: it must be a string." };
  }
  if (b.html === undefined && b.text === undefined) {
    return { field: "html", message: "Missing `html` or `text` field." };
  }
  for (const field of ["html", "text"]) {
    if (b[field] !== undefined && typeof b[field] !== "string") {
      return { field, message: `Invalid \`${field}\` field: it must be a string.` };
    }
  }
  const headers = b.headers;
  const headersOk = headers === undefined || (typeof headers === "object" && headers !== null &&
    !Array.isArray(headers) && Object.values(headers).every((v) => typeof v === "string"));
  if (!headersOk) {
    return { field: "headers", message: "Invalid `headers` field: an object of strings." };
  }
  return {
    from: b.from,
    to: to.map(String),
    subject: b.subject,
    html: b.html as string | undefined,
    text: b.text as string | undefined,
    headers: headers as Record<string, string> | undefined,
  };
}

/** JSON with object keys sorted: the payload an idempotency key is compared by. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (typeof value !== "object" || value === null) return JSON.stringify(value) ?? "null";
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
}

/** Waits `ms`, or less when `signal` aborts. */
function hold(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal.addEventListener("abort", done, { once: true });
  });
}

/** One idempotency key: its payload, the email's id once sent, when it was first used. */
interface KeyUse {
  payload: string;
  id: string | null;
  at: number;
}

/** The fake's state and its answers. */
class FakeResendServer implements FakeResend {
  readonly url: string;
  readonly requests: FakeResendRequest[] = [];
  readonly sent: SentEmail[] = [];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #closing = new AbortController();
  readonly #faults: { fault: ResendFault; to?: string }[] = [];
  readonly #keys = new Map<string, KeyUse>();
  readonly #admitted: number[] = [];
  #day = { date: "", emails: 0 };
  #closed?: Promise<void>;

  constructor(readonly options: FakeResendOptions) {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) => this.handle(request),
    );
    this.url = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  inject(fault: ResendFault, options: { times?: number; to?: string } = {}): void {
    const times = options.times ?? 1;
    if (!Number.isInteger(times) || times < 1) {
      throw new Error(`inject: times must be a positive integer, got ${times}`);
    }
    const to = options.to === undefined ? undefined : mailboxAddress(options.to)?.toLowerCase();
    if (options.to !== undefined && !to) {
      throw new Error(`inject: to must be an email address, got ${JSON.stringify(options.to)}`);
    }
    for (let i = 0; i < times; i++) this.#faults.push({ fault, to });
  }

  /** Takes the first queued fault for this request: one for any request, or for its `to`. */
  takeFault(body: unknown): ResendFault | undefined {
    const raw = (body as { to?: unknown } | null)?.to;
    const to = (Array.isArray(raw) ? raw : [raw]).map((t) =>
      mailboxAddress(String(t))?.toLowerCase()
    );
    const at = this.#faults.findIndex((f) => f.to === undefined || to.includes(f.to));
    return at < 0 ? undefined : this.#faults.splice(at, 1)[0].fault;
  }

  clearLog(): void {
    this.requests.length = 0;
    this.sent.length = 0;
  }

  close(): Promise<void> {
    this.#closing.abort();
    this.#closed ??= this.#server.shutdown();
    return this.#closed;
  }

  now(): number {
    return (this.options.now?.() ?? new Date()).getTime();
  }

  /** Admitted requests in the trailing second, oldest first. */
  window(): number[] {
    const since = this.now() - 1000;
    while (this.#admitted.length > 0 && this.#admitted[0] <= since) this.#admitted.shift();
    return this.#admitted;
  }

  /** The answer, with the rate-limit headers when the request had a valid key. */
  reply(entry: FakeResendRequest, status: number, body: unknown, limited: boolean, raw?: string) {
    const headers = new Headers({ "content-type": "application/json" });
    if (limited) {
      const limit = this.options.requestsPerSecond ?? 2;
      const window = this.window();
      const resetMs = window.length === 0 ? 1000 : window[0] + 1000 - this.now();
      headers.set("ratelimit-limit", String(limit));
      headers.set("ratelimit-remaining", String(Math.max(0, limit - window.length)));
      headers.set("ratelimit-reset", String(Math.max(1, Math.ceil(resetMs / 1000))));
    }
    const refusal = status >= 400 ? body as Refusal : undefined;
    if (refusal?.retryAfter !== undefined) headers.set("retry-after", String(refusal.retryAfter));
    entry.status = status;
    if (refusal) entry.error = refusal.name;
    const text = raw ??
      JSON.stringify(
        refusal ? { statusCode: status, name: refusal.name, message: refusal.message } : body,
      );
    return new Response(text, { status, headers });
  }

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const headers = Object.fromEntries(
      [...request.headers].filter(([name]) => name !== "authorization"),
    );
    const text = await request.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch { /* kept as text */ }
    const key = /^Bearer\s+(\S+)$/i.exec(request.headers.get("authorization") ?? "")?.[1];
    const entry: FakeResendRequest = {
      method: request.method,
      path: url.pathname,
      headers,
      keyPresent: key !== undefined,
      idempotencyKey: request.headers.get("idempotency-key"),
      body,
      status: 0,
    };
    this.requests.push(entry);
    if (this.options.latencyMs) await hold(this.options.latencyMs, this.#closing.signal);
    const refused = (r: Refusal, limited: boolean) => this.reply(entry, r.status, r, limited);
    if (!key) {
      const message = "Missing API key in the authorization header.";
      return refused({ status: 401, name: "missing_api_key", message }, false);
    }
    if (!(this.options.keys ?? ["re_test_key"]).includes(key)) {
      return refused(
        { status: 403, name: "invalid_api_key", message: "API key is invalid." },
        false,
      );
    }
    if (request.method !== "POST" || url.pathname !== "/emails") {
      const message = "The requested endpoint does not exist.";
      return refused({ status: 404, name: "not_found", message }, true);
    }
    return await this.send(entry);
  }

  /** `POST /emails` with a valid key: the rate, a fault, the checks, then the email. */
  async send(entry: FakeResendRequest): Promise<Response> {
    const refused = (r: Refusal) => this.reply(entry, r.status, r, true);
    const limit = this.options.requestsPerSecond ?? 2;
    if (this.window().length >= limit) {
      const message = `Too many requests. You can only make ${limit} requests per second. ` +
        "See rate limit response headers for more information.";
      return refused({ status: 429, name: "rate_limit_exceeded", message, retryAfter: 1 });
    }
    this.#admitted.push(this.now());
    const fault = this.takeFault(entry.body);
    if (fault) entry.fault = fault.kind;
    if (fault?.kind === "status") {
      const name = fault.name ?? (fault.status >= 500 ? "internal_server_error" : "fault");
      const message = fault.message ?? `HTTP ${fault.status}`;
      return refused({ status: fault.status, name, message, retryAfter: fault.retryAfter });
    }
    if (fault?.kind === "reset" && !fault.afterSend) return this.dropped(entry);
    const checked = this.check(entry);
    if ("status" in checked) return refused(checked);
    const answer = await this.accept(entry, checked, fault?.kind === "latency" ? fault.ms : 0);
    if ("status" in answer) return refused(answer);
    if (fault?.kind === "reset") return this.dropped(entry);
    const cut = fault?.kind === "malformed_json" ? JSON.stringify(answer).slice(0, 8) : undefined;
    return this.reply(entry, 200, answer, true, cut);
  }

  /** The idempotency key's and the body's checks, then the sender's domain. */
  check(entry: FakeResendRequest): Refusal | Email {
    const key = entry.idempotencyKey;
    if (key !== null && (key.length < 1 || key.length > 256)) {
      const message = "The key must be between 1-256 chars.";
      return { status: 400, name: "invalid_idempotency_key", message };
    }
    const email = checkEmail(entry.body);
    if ("field" in email) {
      const status = this.options.validationStatus ?? 400;
      return { status, name: "validation_error", message: email.message };
    }
    const domain = mailboxAddress(email.from)!.split("@")[1].toLowerCase();
    const owner = this.options.ownerEmail ?? "owner@example.com";
    if (domain === "resend.dev" && email.to.some((to) => mailboxAddress(to) !== owner)) {
      const message = `You can only send testing emails to your own email address (${owner}). ` +
        "To send emails to other recipients, please verify a domain at resend.com/domains, " +
        "and change the `from` address to an email using this domain.";
      return { status: 403, name: "validation_error", message };
    }
    const verified = (this.options.verifiedDomains ?? ["example.com"]).map((d) => d.toLowerCase());
    if (domain !== "resend.dev" && !verified.includes(domain)) {
      const message = `The ${domain} domain is not verified. Please, add and verify your domain ` +
        "on https://resend.com/domains";
      return { status: 403, name: "validation_error", message };
    }
    return email;
  }

  /** The idempotency key's earlier use, the hold, the quota, then the email sent. */
  async accept(
    entry: FakeResendRequest,
    email: Email,
    holdMs: number,
  ): Promise<Refusal | { id: string }> {
    const key = entry.idempotencyKey;
    const payload = canonical(entry.body);
    const now = this.now();
    const earlier = key === null ? undefined : this.#keys.get(key);
    if (earlier && now - earlier.at < DAY_MS) {
      if (earlier.payload !== payload) {
        const message = "Same idempotency key used with a different request payload.";
        return { status: 409, name: "invalid_idempotent_request", message };
      }
      if (earlier.id === null) {
        const message = "Same idempotency key used while original request is still in progress.";
        return { status: 409, name: "concurrent_idempotent_requests", message };
      }
      return { id: earlier.id };
    }
    const use: KeyUse = { payload, id: null, at: now };
    if (key !== null) this.#keys.set(key, use);
    await hold(holdMs, this.#closing.signal);
    const date = new Date(this.now()).toISOString().slice(0, 10);
    if (this.#day.date !== date) this.#day = { date, emails: 0 };
    const quota = this.options.dailyQuota ?? 100_000;
    if (this.#day.emails + email.to.length > quota) {
      if (key !== null) this.#keys.delete(key);
      const message = `You have reached your daily email sending quota of ${quota} emails.`;
      return { status: 429, name: "daily_quota_exceeded", message };
    }
    this.#day.emails += email.to.length;
    use.id = crypto.randomUUID();
    const created_at = new Date(this.now()).toISOString();
    this.sent.push({ id: use.id, created_at, ...email, idempotencyKey: key });
    return { id: use.id };
  }

  /** A 200 whose body never arrives: the connection drops mid-answer. */
  dropped(entry: FakeResendRequest): Response {
    entry.status = 200;
    const body = new ReadableStream({
      pull(controller) {
        controller.error("fake Resend: connection dropped (injected reset fault)");
      },
    });
    return new Response(body, { status: 200, headers: { "content-type": "application/json" } });
  }
}

/** Starts the fake on a free port of 127.0.0.1. */
export function startFakeResend(options: FakeResendOptions = {}): Promise<FakeResend> {
  return Promise.resolve(new FakeResendServer(options));
}
