/**
 * The RapidAPI gateway both fake providers sit behind (docs.rapidapi.com): key and subscription
 * checks, unknown endpoints, plan-only endpoints, monthly request and job quotas that refill at
 * the first instant of each UTC month, the per-second limit, the gateway's headers, scripted and
 * random faults, latency and a request log; served over HTTP on 127.0.0.1 and a free port.
 *
 * Assumptions where the listings are silent: a request admitted while any job credit remains
 * returns its full page and job credits then clamp at 0; a 4xx answered by the API itself (bad
 * parameters) spends its request credits, as a proxied call does; 401, 403 and 404 replies carry
 * no quota headers; a held (`timeout`) request that outlives its hold gets a 504. A cut-off body
 * (`malformed_json`) is billed as the page it cut: the API answered 200 and the gateway counts
 * the call; injected 429s, 5xx and time-outs are not billed.
 *
 * @module
 */
import {
  createFaultQueue,
  type Fault,
  type FaultStep,
  GATEWAY_MESSAGES,
  type InjectOptions,
  type RandomFaults,
} from "./faults.ts";

import type { JobWorld } from "./world.ts";

export type { Fault, InjectOptions, RandomFaultKind, RandomFaults } from "./faults.ts";

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
}

/** What an endpoint receives. */
export interface EndpointCall {
  params: URLSearchParams;
  /** The fake's clock at admission. */
  now: Date;
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
  handle(call: EndpointCall): EndpointReply;
}

/** What a key has left this month. `jobsRemaining` only for plans that meter jobs. */
export interface QuotaUsage {
  requestsRemaining: number;
  jobsRemaining?: number;
}

/** A change of what is left; without `key`, every configured key is changed. */
export interface QuotaUpdate extends Partial<QuotaUsage> {
  key?: string;
}

/** Options both fake providers take. */
export interface FakeProviderOptions {
  /** The world postings come from (default `createJobWorld()`). */
  world?: JobWorld;
  /** Valid keys (default `["test-key"]`). */
  keys?: readonly string[];
  /** Valid keys not subscribed to the API (they get 403). */
  unsubscribedKeys?: readonly string[];
  plan?: RapidApiPlan;
  /** The fake's clock (default `() => new Date()`). */
  now?: () => Date;
  /** Added to every request (default 0). */
  latencyMs?: number;
  /** Faults drawn at random (seeded) for requests without a scripted fault (default none). */
  randomFaults?: RandomFaults;
}

/** What {@link serveRapidApi} serves: one API, its plan and its endpoints by path. */
export interface RapidApiDefinition extends FakeProviderOptions {
  plan: RapidApiPlan;
  /** The listing's path on rapidapi.com, for the "Upgrade your plan at" link. */
  listing: string;
  endpoints: Readonly<Record<string, RapidApiEndpoint>>;
}

/** A running fake provider. */
export interface FakeServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:54321`. */
  url: string;
  /** Every request so far, oldest first (the same array throughout; the key is never stored). */
  requests: FakeRequest[];
  /** Queues a fault for the next matching request(s), consumed in order. */
  inject(fault: Fault, options?: InjectOptions): void;
  /** Sets what is left this month, for one key or every configured key. */
  setQuota(update: QuotaUpdate): void;
  /** What a key (default: the first configured key) has left this month. */
  usage(key?: string): QuotaUsage;
  /** Empties the request log. */
  clearLog(): void;
  /** Releases held requests and stops the server. Idempotent. */
  close(): Promise<void>;
}

/** The quotas of one API: per key, what is left this month, and the per-second window. */
class Quota {
  readonly #months = new Map<string, QuotaUsage & { month: string }>();
  readonly #admitted = new Map<string, number[]>();
  constructor(
    readonly plan: RapidApiPlan,
    readonly now: () => Date,
    readonly keys: readonly string[],
  ) {}

  /** What `key` has left; a new month refills it. */
  usage(key: string): QuotaUsage {
    const month = this.now().toISOString().slice(0, 7);
    let state = this.#months.get(key);
    if (state?.month !== month) {
      const { monthlyRequests: requestsRemaining, monthlyJobs: jobsRemaining } = this.plan;
      state = { month, requestsRemaining, jobsRemaining };
      this.#months.set(key, state);
    }
    return state;
  }

  set(update: QuotaUpdate): void {
    for (const key of update.key === undefined ? this.keys : [update.key]) {
      const usage = this.usage(key);
      usage.requestsRemaining = update.requestsRemaining ?? usage.requestsRemaining;
      if (usage.jobsRemaining !== undefined) {
        usage.jobsRemaining = update.jobsRemaining ?? usage.jobsRemaining;
      }
    }
  }

  /** Spends an admitted call: its request credits, its records, its slot in the window. */
  spend(key: string, requests: number, jobs: number): void {
    const usage = this.usage(key);
    usage.requestsRemaining = Math.max(0, usage.requestsRemaining - requests);
    if (usage.jobsRemaining !== undefined) {
      usage.jobsRemaining = Math.max(0, usage.jobsRemaining - jobs);
    }
    this.window(key).push(this.now().getTime());
  }

  /** Times of the calls admitted in the trailing second, oldest first. */
  window(key: string): number[] {
    const since = this.now().getTime() - 1000;
    const times = (this.#admitted.get(key) ?? []).filter((t) => t > since);
    this.#admitted.set(key, times);
    return times;
  }

  /** The `x-ratelimit-*` headers of `key`. */
  headers(headers: Headers, key: string): void {
    const { plan } = this;
    const usage = this.usage(key);
    const at = this.now();
    const month = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
    const reset = String(Math.ceil((month - at.getTime()) / 1000));
    headers.set("x-ratelimit-requests-limit", String(plan.monthlyRequests));
    headers.set("x-ratelimit-requests-remaining", String(usage.requestsRemaining));
    headers.set("x-ratelimit-requests-reset", reset);
    if (usage.jobsRemaining !== undefined) {
      headers.set("x-ratelimit-jobs-limit", String(plan.monthlyJobs));
      headers.set("x-ratelimit-jobs-remaining", String(usage.jobsRemaining));
      headers.set("x-ratelimit-jobs-reset", reset);
    }
    if (plan.perSecond !== undefined) {
      const window = this.window(key);
      const resetMs = window.length === 0 ? 1000 : window[0] + 1000 - at.getTime();
      headers.set("x-ratelimit-limit", String(plan.perSecond));
      headers.set("x-ratelimit-remaining", String(Math.max(0, plan.perSecond - window.length)));
      headers.set("x-ratelimit-reset", String(Math.max(1, Math.ceil(resetMs / 1000))));
    }
  }
}

/**
 * Waits `ms` or until any of `signals` aborts; clears its timer and listeners either way.
 * Resolves true when the time elapsed, false when aborted.
 */
function hold(ms: number, signals: readonly AbortSignal[]): Promise<boolean> {
  if (signals.some((signal) => signal.aborted)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const finish = (elapsed: boolean) => {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener("abort", onAbort);
      resolve(elapsed);
    };
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(true), Math.max(0, ms));
    for (const signal of signals) signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Query parameters as the log keeps them: the last value of each, keys left out. */
function loggedParams(params: URLSearchParams): Record<string, string> {
  return Object.fromEntries([...params].filter(([name]) => !/api-key/i.test(name)));
}

/** The first half of `body`'s JSON (at least one character): a body cut off on the wire. */
function cutOff(body: unknown): string {
  const text = JSON.stringify(body) ?? "null";
  return text.slice(0, Math.max(1, Math.floor(text.length / 2)));
}

/** One fake API behind the gateway, served on a free port of 127.0.0.1. */
class FakeRapidApi implements FakeServer {
  readonly url: string;
  readonly requests: FakeRequest[] = [];
  readonly #closing = new AbortController();
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #faults;
  readonly #quota;
  readonly #keys;
  readonly #unsubscribed;

  constructor(readonly api: RapidApiDefinition) {
    this.#keys = new Set(api.keys ?? ["test-key"]);
    this.#unsubscribed = new Set(api.unsubscribedKeys ?? []);
    this.#faults = createFaultQueue(api.randomFaults);
    const keys = [...this.#keys, ...this.#unsubscribed];
    this.#quota = new Quota(api.plan, api.now ?? (() => new Date()), keys);
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      (request) =>
        this.handle(request).catch((error) =>
          Response.json({ message: `Internal Server Error: ${error}` }, { status: 500 })
        ),
    );
    this.url = `http://127.0.0.1:${this.#server.addr.port}`;
  }

  inject(fault: Fault, options?: InjectOptions): void {
    this.#faults.inject(fault, options);
  }

  setQuota(update: QuotaUpdate): void {
    this.#quota.set(update);
  }

  usage(key?: string): QuotaUsage {
    const { requestsRemaining, jobsRemaining } = this.#quota.usage(key ?? this.#quota.keys[0]);
    return jobsRemaining === undefined
      ? { requestsRemaining }
      : { requestsRemaining, jobsRemaining };
  }

  clearLog(): void {
    this.requests.length = 0;
  }

  #closed?: Promise<void>;
  close(): Promise<void> {
    this.#closing.abort();
    this.#closed ??= this.#server.shutdown();
    return this.#closed;
  }

  /** A reply through the gateway; with `key`, its quota headers (none for 401, 403, 404). */
  reply(
    entry: FakeRequest,
    status: number,
    body: unknown,
    extra: { key?: string; raw?: string; retryAfter?: number } = {},
  ): Response {
    const headers = new Headers({
      "content-type": "application/json",
      "server": "RapidAPI-0.0.45",
      "x-rapidapi-request-id": crypto.randomUUID().replaceAll("-", ""),
    });
    if (extra.key !== undefined) this.#quota.headers(headers, extra.key);
    if (extra.retryAfter !== undefined) headers.set("retry-after", String(extra.retryAfter));
    entry.status = status;
    return new Response(extra.raw ?? JSON.stringify(body), { status, headers });
  }

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const key = request.headers.get("x-rapidapi-key") ?? "";
    const entry: FakeRequest = {
      path: url.pathname,
      params: loggedParams(url.searchParams),
      keyPresent: key.length > 0,
      host: request.headers.get("x-rapidapi-host"),
      status: 0,
      credits: 0,
      jobsReturned: 0,
    };
    this.requests.push(entry);
    if (this.api.latencyMs) await hold(this.api.latencyMs, [this.#closing.signal]);
    if (!this.#keys.has(key) && !this.#unsubscribed.has(key)) {
      return this.reply(entry, 401, { message: GATEWAY_MESSAGES[401] });
    }
    if (this.#unsubscribed.has(key)) {
      return this.reply(entry, 403, { message: GATEWAY_MESSAGES[403] });
    }
    const endpoint = request.method === "GET" ? this.api.endpoints[url.pathname] : undefined;
    if (!endpoint) {
      return this.reply(entry, 404, { message: `Endpoint '${url.pathname}' does not exist` });
    }
    const step = this.#faults.take(url.pathname);
    if (step) {
      entry.fault = step.label;
      const early = await this.faulted(entry, step, key, request);
      if (early) return early;
    }
    return this.refusal(entry, endpoint, key, url.searchParams) ??
      this.serve(entry, endpoint, { key, params: url.searchParams, step });
  }

  /** The reply of a fault that answers instead of the API, or undefined to serve the call. */
  async faulted(entry: FakeRequest, step: FaultStep, key: string, request: Request) {
    const { fault } = step;
    if (fault.kind === "status") {
      const quiet = [401, 403, 404].includes(fault.status);
      const message = fault.message ?? GATEWAY_MESSAGES[fault.status] ?? `HTTP ${fault.status}`;
      return this.reply(entry, fault.status, { message }, {
        key: quiet ? undefined : key,
        retryAfter: fault.retryAfter,
      });
    }
    if (fault.kind === "timeout") {
      // only a long hold watches for the client going away: reading `request.signal` makes
      // Deno warn about its legacy abort-after-success
      const client = request.signal;
      const elapsed = await hold(fault.ms ?? 30_000, [client, this.#closing.signal]);
      const response = this.reply(entry, 504, { message: GATEWAY_MESSAGES[504] }, { key });
      if (!elapsed && client.aborted) entry.status = 499;
      return response;
    }
    if (fault.kind === "latency") await hold(fault.ms, [this.#closing.signal]);
    // malformed_json and malformed_records are served (and billed) as a page, then spoilt
    return undefined;
  }

  /** The gateway's refusal of a call the plan, the rate or the quota does not allow. */
  refusal(entry: FakeRequest, endpoint: RapidApiEndpoint, key: string, params: URLSearchParams) {
    const { plan } = this.api;
    if (endpoint.plans && !endpoint.plans.includes(plan.name)) {
      return this.reply(entry, 403, { message: endpoint.refusal ?? GATEWAY_MESSAGES[403] });
    }
    const exceeded = (what: string) => this.reply(entry, 429, { message: what }, { key });
    if (plan.perSecond !== undefined && this.#quota.window(key).length >= plan.perSecond) {
      return exceeded(
        `You have exceeded the rate limit per second for your plan, ${plan.name}, ` +
          "by the API provider",
      );
    }
    const usage = this.#quota.usage(key);
    const monthly = (quota: string) =>
      exceeded(
        `You have exceeded the MONTHLY quota for ${quota} on your current plan, ${plan.name}. ` +
          `Upgrade your plan at https://rapidapi.com/${this.api.listing}`,
      );
    if (usage.requestsRemaining < (endpoint.credits?.(params) ?? 1)) return monthly("Requests");
    const metersJobs = usage.jobsRemaining !== undefined && endpoint.metersJobs !== false;
    if (metersJobs && (usage.jobsRemaining ?? 0) <= 0) return monthly("Jobs");
    return undefined;
  }

  /** Calls the endpoint and bills what it answered. */
  serve(
    entry: FakeRequest,
    endpoint: RapidApiEndpoint,
    call: { key: string; params: URLSearchParams; step?: FaultStep },
  ): Response {
    const { key, params, step } = call;
    let result: EndpointReply;
    try {
      const malformedRecords = step?.fault.kind === "malformed_records" ? step.fault.count : 0;
      result = endpoint.handle({ params, now: this.#quota.now(), malformedRecords });
    } catch {
      return this.reply(entry, 500, { message: GATEWAY_MESSAGES[500] }, { key });
    }
    const credits = endpoint.credits?.(params) ?? 1;
    const jobs = result.jobs ?? 0;
    this.#quota.spend(key, credits, endpoint.metersJobs === false ? 0 : jobs);
    entry.credits = credits;
    entry.jobsReturned = jobs;
    const raw = step?.fault.kind === "malformed_json" ? cutOff(result.body) : undefined;
    return this.reply(entry, result.status, result.body, { key, raw });
  }
}

/** Serves one fake API on a free port of 127.0.0.1. */
export function serveRapidApi(api: RapidApiDefinition): FakeServer {
  return new FakeRapidApi(api);
}
