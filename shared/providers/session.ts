/**
 * One provider's state for one run: where it lives, its key, its limiter and retry policy, the
 * last quota it reported, and whether it is stopped for the rest of the run (quota spent, key
 * rejected, not subscribed).
 *
 * @module
 */
import type { BudgetLedger } from "./budget.ts";
import type { Provider } from "../vocabulary.ts";
import { createLimiter, type Limiter, sleep } from "./limiter.ts";
import type { CallOutcome, UsageLedger } from "./ledger.ts";
import type { QuotaSnapshot } from "./rapidapi.ts";

/** How calls are retried. */
export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** First backoff delay; doubles per retry, with jitter. */
  baseDelayMs: number;
  /** No single wait is longer; a Retry-After beyond it ends the retries. */
  maxDelayMs: number;
}

/** Settings of one provider. */
export interface ProviderSettings {
  baseUrl: string;
  /** The `X-RapidAPI-Host` header. */
  host: string;
  apiKey: string;
  timeoutMs: number;
  requestsPerSecond: number;
  maxConcurrency: number;
  retry: RetryPolicy;
  /** Largest number of pages (JSearch) or offset pages (Active Jobs DB) per combination. */
  maxPages: number;
}

/** Why a provider was stopped for the run, and until when it stays paused for everybody. */
export interface StopReason {
  outcome: CallOutcome;
  message: string;
  /** The end of the pause (`public.provider_pauses`); set by {@link stopProvider}. */
  until?: Date;
  /** The pause is written in `public.provider_pauses` (or was read from it). */
  persisted?: boolean;
}

/** A provider's state during one run. */
export interface ProviderSession {
  provider: Provider;
  settings: ProviderSettings;
  ledger: UsageLedger;
  limiter: Limiter;
  /** Set once the provider must not be called again in this run. */
  stopped: StopReason | null;
  /** The monthly budget every call reserves against; null = only the plan's quota limits. */
  budget: BudgetLedger | null;
  /**
   * The rate limit shared with other invocations: ms to wait for this call's slot. Null = only
   * this process's limiter.
   */
  pacer: ((provider: Provider, intervalMs: number) => Promise<number>) | null;
  /**
   * No call runs past this instant (ms, on `clock`): the invocation's hard stop, inside the Edge
   * wall clock. Null = none.
   */
  deadline: number | null;
  /** The latest quota the gateway reported. */
  quota: QuotaSnapshot | null;
  /** When the provider last answered 429 (ms, from `clock`). */
  lastThrottledAt: number | null;
  sleep: (ms: number) => Promise<void>;
  clock: () => number;
  random: () => number;
  fetch: typeof fetch;
}

/** Options for {@link createProviderSession}. */
export interface SessionOptions {
  ledger: UsageLedger;
  /** Monthly budgets (public.settings); absent = none. */
  budget?: BudgetLedger;
  /** A rate limit shared by every invocation (public.take_provider_slot); absent = none. */
  pacer?: (provider: Provider, intervalMs: number) => Promise<number>;
  /** How retry waits are spent (tests record them instead). The limiter always really waits. */
  sleep?: (ms: number) => Promise<void>;
  clock?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
}

/** Starts a provider's run state. */
export function createProviderSession(
  provider: Provider,
  settings: ProviderSettings,
  options: SessionOptions,
): ProviderSession {
  const pause = options.sleep ?? sleep;
  return {
    provider,
    settings,
    ledger: options.ledger,
    limiter: createLimiter({
      requestsPerSecond: settings.requestsPerSecond,
      maxConcurrency: settings.maxConcurrency,
    }),
    stopped: null,
    budget: options.budget ?? null,
    pacer: options.pacer ?? null,
    deadline: null,
    quota: null,
    lastThrottledAt: null,
    sleep: pause,
    clock: options.clock ?? (() => Date.now()),
    random: options.random ?? Math.random,
    fetch: options.fetch ?? fetch,
  };
}

/** A pause without a reset time of its own (a refused key, a missing endpoint) lasts this. */
const DEFAULT_PAUSE_MS = 3600_000;

/**
 * Until when a stopped provider is not worth calling: a spent budget until the next calendar
 * month (UTC, as budgets count), a spent quota until the reset the gateway reported, anything
 * else an hour. Compared with the database clock, so it is read from the real one.
 */
export function pauseUntil(
  outcome: CallOutcome,
  quota: QuotaSnapshot | null,
  now = new Date(),
): Date {
  if (outcome === "budget_exhausted") {
    return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  }
  const reset = outcome === "quota_exhausted" ? quota?.resetSeconds : null;
  return new Date(now.getTime() + (reset && reset > 0 ? reset * 1000 : DEFAULT_PAUSE_MS));
}

/** Stops the provider for the rest of the run and pauses it (first reason wins). */
export function stopProvider(session: ProviderSession, reason: StopReason): void {
  session.stopped ??= {
    ...reason,
    until: reason.until ?? pauseUntil(reason.outcome, session.quota),
  };
}
