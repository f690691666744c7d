/**
 * The RapidAPI proxy layer both fake providers sit behind (docs.rapidapi.com): key and subscription
 * checks, unknown endpoints, monthly request and job quotas, the per-second limit, the proxy's
 * response headers, scripted and random faults, latency and a request log.
 *
 * @module
 */
import {
  createFaultQueue,
  defaultFaultMessage,
  type Fault,
  type FaultStep,
  type InjectOptions,
  type RandomFaults,
} from "./faults.ts";
import { hold } from "./hold.ts";
import { createQuotaLedger, type QuotaUpdate, type QuotaUsage } from "./quota.ts";

export type { Fault, InjectOptions, RandomFaultKind, RandomFaults } from "./faults.ts";
export type { QuotaUpdate, QuotaUsage } from "./quota.ts";

/** A RapidAPI subscription plan. */
export interface RapidApiPlan {
  name: "BASIC" | "PRO" | "ULTRA" | "MEGA";
  monthlyRequests: number;
  /** Monthly job credits, for APIs that meter returned records (Active Jobs DB). */
  monthlyJobs?: number;
  /** Admitted requests allowed in any trailing 1000 ms. */
  perSecond?: number;
}

/** One request as the fake saw it. The key's value is never stored. */
export interface FakeRequest {
  at: Date;
  method: string;
  path: string;
  /** Query parameters (the last value of a repeated one). */
  params: Record<string, string>;
  keyPresent: boolean;
  /** The `x-rapidapi-host` header, or null. */
  host: string | null;
  /** HTTP status sent; 499 when the client went away first. */
  status: number;
  /** Requests quota spent. */
  credits: number;
  /** Records returned (job credits spent, where the plan meters jobs). */
  jobsReturned: number;
  /** The injected fault this request suffered. */
  fault?: string;
  /** The exception text when an endpoint threw (status 500). */
  error?: string;
}

/** What an endpoint receives. */
export interface EndpointCall {
  params: URLSearchParams;
  path: string;
  /** The fake's clock at admission. */
  now: Date;
  plan: RapidApiPlan;
  /** Broken records to append to a 200 page (the `malformed_records` fault), else 0. */
  malformedRecords: number;
}

/** What an endpoint answers. */
export interface EndpointReply {
  status: number;
  body: unknown;
  /** Records returned; each spends a job credit where the plan meters jobs. */
  jobs?: number;
}

/** One path of a fake API. */
export interface RapidApiEndpoint {
  /** Requests quota the call costs, read before admission (default 1). */
  credits?: (params: URLSearchParams) => number;
  /** Whether the call needs and spends job credits, when the plan meters jobs (default true). */
  metersJobs?: boolean;
  /** Plans allowed to call it (default all); others get 403 with `refusal`. */
  plans?: readonly RapidApiPlan["name"][];
  refusal?: string;
  handle(call: EndpointCall): EndpointReply | Promise<EndpointReply>;
}

/** Where the API is listed, for the "Upgrade your plan at" link. */
export interface RapidApiListing {
  /** e.g. `letscrape-6bRBa3QguO5`. */
  owner: string;
  /** e.g. `jsearch`. */
  api: string;
}

/** Options of {@link createRapidApiGateway}. */
export interface RapidApiGatewayOptions {
  listing: RapidApiListing;
  /** Endpoints by path, e.g. `"/search"`. */
  endpoints: Readonly<Record<string, RapidApiEndpoint>>;
  plan: RapidApiPlan;
  /** Valid keys (default `["test-key"]`). */
  keys?: readonly string[];
  /** Valid keys that are not subscribed to this API (403). */
  unsubscribedKeys?: readonly string[];
  /** The fake's clock (default `() => new Date()`). */
  now?: () => Date;
  /** Added to every request (default 0). */
  latencyMs?: number;
  /** Faults drawn at random for requests without a scripted fault (default none). */
  randomFaults?: RandomFaults;
}

/** A fake API behind the RapidAPI proxy, independent of any HTTP server. */
export interface RapidApiGateway {
  handle(request: Request): Promise<Response>;
  /** Every request so far, oldest first (the same array throughout). */
  readonly requests: FakeRequest[];
  /** Queues a fault for the next matching request(s). */
  inject(fault: Fault, options?: InjectOptions): void;
  /** Sets what is left this month (for one key, or every configured key). */
  setQuota(update: QuotaUpdate): void;
  /** What `key` (default: the first configured key) has left this month. */
  usage(key?: string): QuotaUsage;
  /** Empties the request log in place. */
  clearLog(): void;
  /** Releases every held request so a server can shut down. */
  close(): void;
}

const PROXY_VERSION = "0.0.45";

function randomHex(bytes: number): string {
  const data = crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
}

function proxyHeaders(): Headers {
  return new Headers({
    "content-type": "application/json",
    "server": `RapidAPI-${PROXY_VERSION}`,
    "x-rapidapi-version": PROXY_VERSION,
    "x-rapidapi-region": "AWS - eu-central-1",
    "x-rapidapi-request-id": randomHex(32),
  });
}

function loggedParams(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of params) {
    if (!/rapidapi-key|api-key/i.test(name)) out[name] = value;
  }
  return out;
}

/** The first half of `body`'s JSON (at least one character): a body cut off on the wire. */
function cutOff(body: unknown): string {
  const text = JSON.stringify(body) ?? "null";
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}

/**
 * Creates the proxy layer of one fake API.
 *
 * Assumptions where the listings are silent: a request admitted while any job credit remains
 * returns its full page and job credits then clamp at 0; a 4xx answered by the API itself
 * (bad parameters) spends its request credits, as a proxied call does; 401, 403 and 404 replies
 * carry no quota headers; a held (`timeout`) request that outlives its hold gets a 504. A cut-off
 * body (`malformed_json`) is billed as the page it cut, request credits and job credits alike: the
 * API answered 200 and the proxy counts the call; injected 429s, 5xx and time-outs are not billed.
 */
export function createRapidApiGateway(options: RapidApiGatewayOptions): RapidApiGateway {
  const { plan, listing, endpoints } = options;
  const keys = options.keys ?? ["test-key"];
  const validKeys = new Set(keys);
  const unsubscribed = new Set(options.unsubscribedKeys ?? []);
  const now = options.now ?? (() => new Date());
  const latencyMs = options.latencyMs ?? 0;
  const ledger = createQuotaLedger({ plan, keys: [...keys, ...unsubscribed], now });
  const faults = createFaultQueue(options.randomFaults);
  const closing = new AbortController();
  const requests: FakeRequest[] = [];
  const upgrade = `Upgrade your plan at https://rapidapi.com/${listing.owner}/api/${listing.api}`;

  function quotaHeaders(headers: Headers, key: string): void {
    const usage = ledger.usage(key);
    const reset = String(ledger.secondsToReset());
    headers.set("x-ratelimit-requests-limit", String(plan.monthlyRequests));
    headers.set("x-ratelimit-requests-remaining", String(usage.requestsRemaining));
    headers.set("x-ratelimit-requests-reset", reset);
    if (plan.monthlyJobs !== undefined) {
      headers.set("x-ratelimit-jobs-limit", String(plan.monthlyJobs));
      headers.set("x-ratelimit-jobs-remaining", String(usage.jobsRemaining ?? 0));
      headers.set("x-ratelimit-jobs-reset", reset);
    }
    if (plan.perSecond !== undefined) {
      const window = ledger.window(key);
      headers.set("x-ratelimit-limit", String(plan.perSecond));
      headers.set("x-ratelimit-remaining", String(Math.max(0, plan.perSecond - window.used)));
      headers.set("x-ratelimit-reset", String(window.resetSeconds));
    }
  }

  function reply(
    entry: FakeRequest,
    status: number,
    body: unknown,
    extra: { key?: string; raw?: string; retryAfter?: number } = {},
  ): Response {
    const headers = proxyHeaders();
    if (extra.key !== undefined) quotaHeaders(headers, extra.key);
    if (extra.retryAfter !== undefined) headers.set("retry-after", String(extra.retryAfter));
    entry.status = status;
    return new Response(extra.raw ?? JSON.stringify(body), { status, headers });
  }

  async function faulted(
    entry: FakeRequest,
    step: FaultStep,
    context: { key: string; request: Request },
  ): Promise<Response | undefined> {
    const { fault } = step;
    const { key, request } = context;
    switch (fault.kind) {
      case "status": {
        const quiet = fault.status === 401 || fault.status === 403 || fault.status === 404;
        const message = fault.message ?? defaultFaultMessage(fault.status);
        return reply(entry, fault.status, { message }, {
          key: quiet ? undefined : key,
          retryAfter: fault.retryAfter,
        });
      }
      case "timeout": {
        const elapsed = await hold(fault.ms ?? 30_000, [request.signal, closing.signal]);
        const response = reply(entry, 504, { message: defaultFaultMessage(504) }, { key });
        if (!elapsed && request.signal.aborted) entry.status = 499;
        return response;
      }
      case "latency":
        await hold(fault.ms, [closing.signal]);
        return undefined;
      case "malformed_json":
      case "malformed_records":
        // served (and billed) as a page, then spoilt in handle()
        return undefined;
    }
  }

  async function handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const path = url.pathname;
    const key = request.headers.get("x-rapidapi-key") ?? "";
    const entry: FakeRequest = {
      at: now(),
      method: request.method,
      path,
      params: loggedParams(url.searchParams),
      keyPresent: key.length > 0,
      host: request.headers.get("x-rapidapi-host"),
      status: 0,
      credits: 0,
      jobsReturned: 0,
    };
    requests.push(entry);
    // Latency holds only until the server closes: reading `request.signal` makes Deno warn about
    // its legacy abort-after-success, and a delay need not notice a client leaving. Only the
    // timeout fault, which holds for long, watches for the client going away.
    if (latencyMs > 0) await hold(latencyMs, [closing.signal]);

    if (!validKeys.has(key) && !unsubscribed.has(key)) {
      return reply(entry, 401, {
        message: "Invalid API key. Go to https://docs.rapidapi.com/docs/keys for more info.",
      });
    }
    if (unsubscribed.has(key)) {
      return reply(entry, 403, { message: "You are not subscribed to this API." });
    }
    const endpoint = request.method === "GET" ? endpoints[path] : undefined;
    if (!endpoint) return reply(entry, 404, { message: `Endpoint '${path}' does not exist` });

    const call = (malformedRecords: number) =>
      Promise.resolve(endpoint.handle({
        params: url.searchParams,
        path,
        now: now(),
        plan,
        malformedRecords,
      }));
    const step = faults.take(path);
    if (step) {
      entry.fault = step.label;
      const early = await faulted(entry, step, { key, request });
      if (early) return early;
    }
    if (endpoint.plans && !endpoint.plans.includes(plan.name)) {
      return reply(entry, 403, {
        message: endpoint.refusal ?? "You are not subscribed to this API.",
      });
    }
    if (plan.perSecond !== undefined && ledger.window(key).used >= plan.perSecond) {
      return reply(entry, 429, {
        message: `You have exceeded the rate limit per second for your plan, ${plan.name}, ` +
          "by the API provider",
      }, { key });
    }
    const credits = endpoint.credits?.(url.searchParams) ?? 1;
    const usage = ledger.usage(key);
    if (usage.requestsRemaining < credits) {
      return reply(entry, 429, {
        message: `You have exceeded the MONTHLY quota for Requests on your current plan, ` +
          `${plan.name}. ${upgrade}`,
      }, { key });
    }
    const metersJobs = plan.monthlyJobs !== undefined && endpoint.metersJobs !== false;
    if (metersJobs && (usage.jobsRemaining ?? 0) <= 0) {
      return reply(entry, 429, {
        message: `You have exceeded the MONTHLY quota for Jobs on your current plan, ` +
          `${plan.name}. ${upgrade}`,
      }, { key });
    }

    let result: EndpointReply;
    try {
      result = await call(step?.fault.kind === "malformed_records" ? step.fault.count : 0);
    } catch (error) {
      entry.error = error instanceof Error ? error.message : String(error);
      return reply(entry, 500, { message: "Internal Server Error" }, { key });
    }
    const jobs = metersJobs ? result.jobs ?? 0 : 0;
    ledger.admit(key);
    ledger.spend(key, { requests: credits, jobs });
    entry.credits = credits;
    entry.jobsReturned = result.jobs ?? 0;
    return reply(entry, result.status, result.body, {
      key,
      raw: step?.fault.kind === "malformed_json" ? cutOff(result.body) : undefined,
    });
  }

  return {
    handle,
    requests,
    inject: (fault, injectOptions) => faults.inject(fault, injectOptions),
    setQuota: (update) => ledger.set(update),
    usage: (key) => ledger.usage(key ?? keys[0] ?? ""),
    clearLog() {
      requests.length = 0;
    },
    close() {
      closing.abort();
    },
  };
}
