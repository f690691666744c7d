/**
 * One attempt at backfilling one claimed combination: fetch the providers it still needs (JSearch
 * over the period, `date_posted=month` for a month; Active Jobs DB's 7-day endpoint, paged),
 * each page stored as it arrives with its cursor — deduplicated across providers and linked to
 * the combination — and say which providers are done. A retry resumes each provider at its
 * cursor, with the parameters and window of the first attempt (the cursor belongs to the
 * period, `days:N`, not to a request). A paused provider, or a page that must wait for a
 * Retry-After, makes the combination wait, not fail.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import { PROVIDERS } from "../vocabulary.ts";
import { type FetchAndStore, fetchAndStore, usageDelta } from "../providers/fetch_and_store.ts";
import type { ProviderSessions } from "../providers/mod.ts";
import type { BackfillRequest, ClaimedCombination, CombinationResult } from "./claims.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** What one attempt did, for the run's stats. */
export interface CombinationReport extends FetchAndStore {
  result: CombinationResult;
}

/** What {@link backfillCombination} needs. */
export interface CombinationDeps {
  sql: Queryable;
  sessions: ProviderSessions;
  now?: () => Date;
}

/** Fetches and stores one combination; never throws for a provider or storage failure. */
export async function backfillCombination(
  deps: CombinationDeps,
  request: BackfillRequest,
  combination: ClaimedCombination,
): Promise<CombinationReport> {
  const until = deps.now?.() ?? new Date();
  const step = await fetchAndStore(deps, {
    search: combination.search,
    window: { since: new Date(until.getTime() - combination.days * DAY_MS), until },
    providers: PROVIDERS.filter((provider) => !combination.providersDone.includes(provider)),
    combinationId: combination.id,
    runId: request.runId,
    purpose: "backfill",
    owner: `days:${combination.days}`,
  });
  return {
    ...step,
    result: {
      providersDone: step.providersDone,
      creditsByProvider: step.creditsByProvider,
      // the refresh starts where the earliest part was fetched
      fetchedUntil: step.doneUntil ?? until,
      error: step.errors.length > 0 ? step.errors.join("; ") : undefined,
      waitUntil: step.waitUntil,
    },
  };
}

/** The counts one attempt adds to the run's stats (`runs.stats`). */
export function progressDelta(report: CombinationReport, state: string): Record<string, unknown> {
  return {
    attempts: 1,
    attempts_failed: state === "failed" ? 1 : 0,
    attempts_waiting: state === "waiting" ? 1 : 0,
    claims_lost: state === "lost" ? 1 : 0,
    ...usageDelta(report),
  };
}
