/**
 * The daily refresh's scheduler where pg_cron is not (the embedded PGlite, a plain Postgres): a
 * long-running loop that sleeps until the next 06:00 in the configured zone — asking Postgres,
 * whose zone rules make it DST-correct — then fires the way pg_cron's job does: only if the
 * local date has no run yet. Sleeps in short steps, so a suspended laptop or a clock change
 * cannot make it miss a day by much.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";

/** What the scheduler needs. */
export interface SchedulerDeps {
  sql: Queryable;
  /** Runs a due date's refresh (start it, then drain it); `at` is the firing instant. */
  fire(at: Date): Promise<void>;
  clock?: () => Date;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  log?: (line: string) => void;
}

/** Longest single sleep, in ms. */
const STEP_MS = 60_000;

/** Waits `ms`, or less when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

/** The next instant the local refresh time comes, after `after` (from the settings). */
export async function nextFiring(sql: Queryable, after: Date): Promise<Date> {
  const [{ at }] = await sql`select public.next_daily_refresh_at(${after.toISOString()}) as at`;
  return at;
}

/** Whether a firing at `at` is due (the local time has come and the date has no run). */
export async function isDue(sql: Queryable, at: Date): Promise<boolean> {
  const [{ due }] = await sql`select public.daily_refresh_due(${at.toISOString()}) as due`;
  return due !== null;
}

/**
 * Fires at every local refresh time until `signal` aborts (or after `maxFirings`, for tests).
 * A date that missed its time while the scheduler was down is run when it starts.
 */
export async function runScheduler(
  deps: SchedulerDeps,
  options: { signal?: AbortSignal; maxFirings?: number } = {},
): Promise<number> {
  const clock = deps.clock ?? (() => new Date());
  const sleep = deps.sleep ?? abortableSleep;
  const log = deps.log ?? (() => {});
  let firings = 0;
  while (!options.signal?.aborted && firings < (options.maxFirings ?? Infinity)) {
    const now = clock();
    if (await isDue(deps.sql, now)) {
      log(`daily refresh due at ${now.toISOString()}`);
      try {
        await deps.fire(now);
      } catch (error) {
        // the run row says where it stopped; the scheduler lives on and the sweep or a
        // --run-once picks the run up
        log(`daily refresh at ${now.toISOString()} failed: ${(error as Error).message}`);
      }
      firings++;
      // a firing that started no run (the database's clock behind this one) waits a step
      // before asking again, instead of firing in a tight loop
      if (await isDue(deps.sql, now)) await sleep(STEP_MS, options.signal);
      continue;
    }
    const next = await nextFiring(deps.sql, now);
    log(`next daily refresh at ${next.toISOString()}`);
    while (!options.signal?.aborted && clock() < next) {
      await sleep(Math.min(STEP_MS, next.getTime() - clock().getTime()), options.signal);
    }
  }
  return firings;
}
