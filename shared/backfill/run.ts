/**
 * One invocation of the backfill (the Edge Function's background work, or the CLI): take a due
 * request, claim its combinations one at a time, backfill each, and settle the request — within a
 * time budget and a number of combinations, so that an invocation fits the Edge limits and a long
 * backfill continues in the next one. Several invocations can run at once: the claims in SQL
 * make sure no combination is fetched twice.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import { type Provider, PROVIDERS } from "../vocabulary.ts";
import { applyPauses } from "../providers/pauses.ts";
import type { ProviderSessions } from "../providers/mod.ts";
import {
  type BackfillRequest,
  claimCombinations,
  finishCombination,
  recordProgress,
  releaseRequest,
  type Settlement,
  settleRequest,
  takeRequest,
} from "./claims.ts";
import { backfillCombination, progressDelta } from "./combination.ts";

/** What an invocation needs. */
export interface BackfillDeps {
  sql: Queryable;
  /** Provider sessions for this invocation (a spent quota stops a provider for it). */
  sessions: () => ProviderSessions | Promise<ProviderSessions>;
  /** Most combinations this invocation attempts. */
  maxCombinations: number;
  /** Wall-clock time in which new combinations are started, in ms. */
  timeBudgetMs: number;
  /** No provider call runs past this many ms after the invocation starts (none if absent). */
  deadlineMs?: number;
  /** Queue the next invocation through pg_net when a request has more to do. */
  chain: boolean;
  now?: () => Date;
  clock?: () => number;
  log?: (line: string) => void;
}

/** Which work to do. */
export interface BackfillOptions {
  /** Only this request; otherwise any due requests, oldest first. */
  requestId?: number | null;
  /** The invocation's name in claims (`claimed_by`); a fresh one by default. */
  worker?: string;
}

/** Where one request stands after this invocation. */
export interface RequestOutcome {
  requestId: number;
  runId: number;
  userId: string;
  settlement: Settlement;
  /** Combinations this invocation attempted for it. */
  attempted: number;
  /** The run's status and stats (`runs` row), all invocations so far. */
  runStatus: string;
  stats: Record<string, unknown>;
}

/** What an invocation did. */
export interface BackfillInvocation {
  worker: string;
  requests: RequestOutcome[];
  /** Combinations attempted, over all requests. */
  attempted: number;
  /** Why it stopped early, if it did (budget, combination cap, a provider stopped). */
  stoppedBy?: string;
  /** Providers paused (spent quota or budget, refused key): only their work waited. */
  pausedProviders: ProviderPause[];
}

/** A provider that is paused, until when, and why. */
export interface ProviderPause {
  provider: Provider;
  until: Date | null;
  reason: string;
}

/** The providers paused in these sessions, with until when and why. */
export function pausedProviders(sessions: ProviderSessions): ProviderPause[] {
  return PROVIDERS.filter((provider) => sessions[provider].stopped).map((provider) => {
    const stopped = sessions[provider].stopped!;
    return { provider, until: stopped.until ?? null, reason: stopped.message };
  });
}

/** Settles a request after this invocation's part in it, and reads its run. */
async function settle(
  deps: BackfillDeps,
  request: BackfillRequest,
  worker: string,
  attempted: number,
): Promise<RequestOutcome> {
  const settlement = await settleRequest(deps.sql, request, worker, { chain: deps.chain });
  const [run] = await deps.sql`select status, stats from public.runs where id = ${request.runId}`;
  deps.log?.(
    `backfill request ${request.id} (run ${request.runId}): ${settlement} after ${attempted} ` +
      `combination(s) in this invocation; ${JSON.stringify(run?.stats ?? {})}`,
  );
  return {
    requestId: request.id,
    runId: request.runId,
    userId: request.userId,
    settlement,
    attempted,
    runStatus: run?.status,
    stats: run?.stats ?? {},
  };
}

/**
 * Runs one invocation. Returns what it did; throws only when the database fails (claims then
 * expire and are taken again).
 */
export async function runBackfill(
  deps: BackfillDeps,
  options: BackfillOptions = {},
): Promise<BackfillInvocation> {
  const worker = options.worker ?? `backfill-${crypto.randomUUID()}`;
  const clock = deps.clock ?? (() => Date.now());
  const log = deps.log ?? (() => {});
  const started = clock();
  const invocation: BackfillInvocation = {
    worker,
    requests: [],
    attempted: 0,
    pausedProviders: [],
  };
  let sessions: ProviderSessions | null = null;
  const limit = (): string | undefined => {
    if (invocation.attempted >= deps.maxCombinations) {
      return `the cap of ${deps.maxCombinations} combinations per invocation`;
    }
    // a paused provider stops only its own work: with every provider paused, the claims go on
    // and mark each combination waiting, without a call, so the request waits for the pauses
    return clock() - started >= deps.timeBudgetMs
      ? `the time budget of ${deps.timeBudgetMs} ms`
      : undefined;
  };

  while (!limit()) {
    const request = await takeRequest(deps.sql, worker, options.requestId ?? null);
    if (!request) break;
    let attempted: number;
    try {
      sessions ??= await startSessions(deps);
      attempted = await backfillRequest(deps, sessions, request, worker, {
        limit,
        log,
        count: () => invocation.attempted++,
      });
    } catch (error) {
      // a missing key, a bug, a database hiccup: the request says why and waits a little
      const message = `The backfill could not run: ${(error as Error).message}`;
      await releaseRequest(deps.sql, request, worker, message).catch(() => {});
      log(`backfill request ${request.id}: ${message}`);
      throw error;
    }
    invocation.requests.push(await settle(deps, request, worker, attempted));
    if (options.requestId != null) break;
  }
  invocation.stoppedBy = limit();
  invocation.pausedProviders = sessions ? pausedProviders(sessions) : [];
  return invocation;
}

/** Provider sessions for one invocation, with its hard deadline inside the Edge wall clock. */
async function startSessions(deps: BackfillDeps): Promise<ProviderSessions> {
  const sessions = await deps.sessions();
  for (const session of [sessions.jsearch, sessions.active_jobs_db]) {
    session.deadline = deps.deadlineMs === undefined ? null : session.clock() + deps.deadlineMs;
  }
  return sessions;
}

async function backfillRequest(
  deps: BackfillDeps,
  sessions: ProviderSessions,
  request: BackfillRequest,
  worker: string,
  loop: { limit: () => string | undefined; log: (line: string) => void; count: () => void },
): Promise<number> {
  const { limit, log } = loop;
  let attempted = 0;
  while (!limit()) {
    // pauses written by other invocations since the last claim stop those providers here too
    await applyPauses(deps.sql, sessions);
    const [combination] = await claimCombinations(deps.sql, request, worker);
    if (!combination) break;
    attempted++;
    loop.count();
    const report = await backfillCombination(
      { sql: deps.sql, sessions, now: deps.now },
      request,
      combination,
    );
    const state = await finishCombination(deps.sql, combination, request, worker, report.result);
    await recordProgress(deps.sql, request.runId, progressDelta(report, state));
    const { titleKeyword, location } = combination.search;
    log(
      `backfill "${titleKeyword}" in "${location}": ${state}, ${report.store.newJobs} new ` +
        `job(s), ${report.fetches.map((f) => `${f.provider} ${f.credits} credit(s)`).join(", ")}` +
        (report.result.error ? ` — ${report.result.error}` : ""),
    );
  }
  return attempted;
}
