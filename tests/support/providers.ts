/**
 * Provider clients wired to the local fakes, with instant retries (the delays asked for are
 * recorded, not waited) and a ledger tests can read.
 *
 * @module
 */
import {
  type FakeRequest,
  type ProviderFakes,
  type ProviderFakesOptions,
  startProviderFakes,
} from "../../local/fakes/mod.ts";
import { loadConfig } from "../../shared/config.ts";
import {
  createProviderSessions,
  type PagingSettings,
  type ProviderSessions,
} from "../../shared/providers/mod.ts";
import type { BudgetLedger } from "../../shared/providers/budget.ts";
import type { UsageEntry, UsageLedger } from "../../shared/providers/ledger.ts";

/** A fixed clock for fakes and windows: Saturday 28 Nov 2026, 08:00 UTC. */
export const NOW = new Date("2026-11-28T08:00:00Z");

/** A window of `days` days ending at {@link NOW}. */
export function lastDays(days: number) {
  return { since: new Date(NOW.getTime() - days * 24 * 3600 * 1000), until: NOW };
}

/** Fakes, sessions and what the sessions waited for. */
export interface ProviderHarness {
  fakes: ProviderFakes;
  sessions: ProviderSessions;
  /** Every usage row completed, in order (also written to `options.ledger` when given). */
  entries: UsageEntry[];
  /** Every retry delay the clients asked for, in ms. */
  sleeps: number[];
  close(): Promise<void>;
}

/** Options for {@link startProviderHarness}. */
export interface HarnessOptions extends ProviderFakesOptions {
  /** Environment overrides (strings, as in the real environment). */
  env?: Record<string, string>;
  /** Where usage rows go (default: in memory). */
  ledger?: UsageLedger;
  /** The sessions' clock in ms (default: real time). */
  clock?: () => number;
  /** Monthly budgets every call reserves against (default: none). */
  budget?: BudgetLedger;
  /** The paging settings (default: the column defaults of `public.settings`). */
  paging?: Partial<PagingSettings>;
}

/** Starts both fakes on a fixed clock and sessions pointed at them. */
export async function startProviderHarness(options: HarnessOptions = {}): Promise<ProviderHarness> {
  const fakes = await startProviderFakes({
    ...options,
    jsearch: { now: () => NOW, ...options.jsearch },
    activeJobsDb: { now: () => NOW, ...options.activeJobsDb },
  });
  const sleeps: number[] = [];
  const entries: UsageEntry[] = [];
  let next = 0;
  const ledger: UsageLedger = {
    open: (start) => options.ledger?.open(start) ?? Promise.resolve({ id: ++next, start }),
    async complete(row, result, within) {
      await options.ledger?.complete(row, result, within);
      entries.push({ ...row.start, ...result });
    },
  };
  const config = loadConfig({
    RAPIDAPI_KEY: "test-key",
    JSEARCH_BASE_URL: fakes.jsearch.url,
    ACTIVE_JOBS_BASE_URL: fakes.activeJobsDb.url,
    JSEARCH_REQUESTS_PER_SECOND: "1000",
    ACTIVE_JOBS_REQUESTS_PER_SECOND: "1000",
    PROVIDER_TIMEOUT_MS: "2000",
    ...options.env,
  });
  const sessions = createProviderSessions(config, {
    ledger,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
    clock: options.clock,
    budget: options.budget,
    paging: options.paging,
  });
  return { fakes, sessions, entries, sleeps, close: () => fakes.close() };
}

/** A page: its path and parameters, without JSearch's `num_pages` (how many pages it spans). */
function pageKey(request: FakeRequest): string {
  const { num_pages: _, ...params } = request.params;
  return `${request.path} ${JSON.stringify(Object.entries(params).sort())}`;
}

/**
 * Requests for a page that had been answered (200, whole body) before: what page-level
 * progress must keep empty.
 */
export function answeredAgain(requests: readonly FakeRequest[]): string[] {
  const answered = new Set<string>();
  const again: string[] = [];
  for (const request of requests) {
    const key = pageKey(request);
    if (answered.has(key)) again.push(key);
    if (request.status === 200 && request.fault !== "malformed_json") answered.add(key);
  }
  return again;
}
