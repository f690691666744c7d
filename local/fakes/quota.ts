/**
 * The RapidAPI quota ledger of one fake API: per key, a monthly requests budget (and a jobs
 * budget for APIs that meter jobs) that refills at the first instant of each UTC month, and the
 * per-second window.
 *
 * @module
 */
import type { RapidApiPlan } from "./rapidapi_gateway.ts";

/** What a key has left this month. `jobsRemaining` only for plans that meter jobs. */
export interface QuotaUsage {
  requestsRemaining: number;
  jobsRemaining?: number;
}

/** A change of what is left; without `key`, every configured key is changed. */
export interface QuotaUpdate {
  requestsRemaining?: number;
  jobsRemaining?: number;
  key?: string;
}

/** The per-second window of one key at one instant. */
export interface SecondWindow {
  /** Admitted requests in the trailing 1000 ms. */
  used: number;
  /** Whole seconds until the oldest of them leaves the window (at least 1). */
  resetSeconds: number;
}

/** Quota state of one fake API. */
export interface QuotaLedger {
  /** What `key` has left now (refilled if a new month began). */
  usage(key: string): QuotaUsage;
  /** Spends `requests` and `jobs`; jobs remaining is clamped at 0. */
  spend(key: string, spent: { requests: number; jobs: number }): void;
  set(update: QuotaUpdate): void;
  /** Seconds until the first instant of next month UTC. */
  secondsToReset(): number;
  /** The per-second window of `key`. */
  window(key: string): SecondWindow;
  /** Records an admitted request in the per-second window. */
  admit(key: string): void;
}

/** Options of {@link createQuotaLedger}. */
export interface QuotaLedgerOptions {
  plan: RapidApiPlan;
  /** Keys that `set` without a key applies to. */
  keys: readonly string[];
  now: () => Date;
}

interface KeyState extends QuotaUsage {
  month: string;
}

function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** A ledger where every key starts the month with the plan's full budgets. */
export function createQuotaLedger(options: QuotaLedgerOptions): QuotaLedger {
  const { plan, now } = options;
  const states = new Map<string, KeyState>();
  const admitted = new Map<string, number[]>();

  function state(key: string): KeyState {
    const month = monthOf(now());
    let current = states.get(key);
    if (!current || current.month !== month) {
      current = { month, requestsRemaining: plan.monthlyRequests };
      if (plan.monthlyJobs !== undefined) current.jobsRemaining = plan.monthlyJobs;
      states.set(key, current);
    }
    return current;
  }

  function recent(key: string): number[] {
    const cutoff = now().getTime() - 1000;
    const times = (admitted.get(key) ?? []).filter((t) => t > cutoff);
    admitted.set(key, times);
    return times;
  }

  return {
    usage(key) {
      const { requestsRemaining, jobsRemaining } = state(key);
      return jobsRemaining === undefined
        ? { requestsRemaining }
        : { requestsRemaining, jobsRemaining };
    },
    spend(key, spent) {
      const current = state(key);
      current.requestsRemaining = Math.max(0, current.requestsRemaining - spent.requests);
      if (current.jobsRemaining !== undefined) {
        current.jobsRemaining = Math.max(0, current.jobsRemaining - spent.jobs);
      }
    },
    set(update) {
      for (const key of update.key === undefined ? options.keys : [update.key]) {
        const current = state(key);
        if (update.requestsRemaining !== undefined) {
          current.requestsRemaining = update.requestsRemaining;
        }
        if (update.jobsRemaining !== undefined && current.jobsRemaining !== undefined) {
          current.jobsRemaining = update.jobsRemaining;
        }
      }
    },
    secondsToReset() {
      const at = now();
      const next = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
      return Math.max(0, Math.ceil((next - at.getTime()) / 1000));
    },
    window(key) {
      const times = recent(key);
      const oldest = times[0];
      const resetMs = oldest === undefined ? 1000 : oldest + 1000 - now().getTime();
      return { used: times.length, resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)) };
    },
    admit(key) {
      recent(key).push(now().getTime());
    },
  };
}
