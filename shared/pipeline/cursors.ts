/**
 * The SQL side of page-level progress (migration `..._page_progress.sql`): a fetch's cursor,
 * opened or resumed; an answered page stored with the cursor's step past it and its ledger row
 * in one transaction; a page that must wait; provider pauses.
 *
 * @module
 */
import { postgresJson } from "../db/json.ts";
import { isConnectionError, isTransaction, type Queryable } from "../db/postgres.ts";
import type { Provider } from "../jobs/canonical_job.ts";
import { storeJobs, type StoreStats } from "../jobs/store.ts";
import type { ProviderSessions } from "../providers/mod.ts";
import type { AnsweredPage, FetchPlan, PageCursor } from "../providers/paging.ts";
import type { UsageLedger } from "../providers/ledger.ts";
import { sleep } from "../providers/limiter.ts";

/** Which fetch a cursor belongs to. */
export interface CursorKey {
  combinationId: number;
  provider: Provider;
  purpose: "backfill" | "refresh";
  /** `days:30` for a backfill's period, `run:17` for a daily run. */
  owner: string;
}

/** A stored cursor: the plan its pages are asked with and where it stands. */
export interface StoredCursor {
  plan: FetchPlan;
  position: PageCursor;
  done: boolean;
  /** The next page waits until then (a Retry-After). */
  notBefore: Date | null;
}

interface CursorRow {
  endpoint: string;
  params: Record<string, string>;
  window_since: Date;
  window_until: Date;
  next_page: number;
  previous_first_id: string | null;
  done: boolean;
  not_before: Date | null;
}

function cursorFromRow(provider: Provider, row: CursorRow): StoredCursor {
  return {
    plan: {
      provider,
      endpoint: row.endpoint,
      params: row.params,
      window: { since: new Date(row.window_since), until: new Date(row.window_until) },
      // what the window was asked as: JSearch's date_posted, Active Jobs DB's endpoint
      label: row.params.date_posted ?? row.endpoint,
    },
    position: { nextPage: row.next_page, previousFirstId: row.previous_first_id },
    done: row.done,
    notBefore: row.not_before ? new Date(row.not_before) : null,
  };
}

/**
 * The cursor of the fetch `key`: the stored one when it belongs to the same owner — its plan
 * wins over `plan`, so a retry asks with the parameters and window of the first attempt — else
 * a new one at `firstPage`.
 */
export async function openCursor(
  sql: Queryable,
  key: CursorKey,
  plan: FetchPlan,
  firstPage: number,
): Promise<StoredCursor> {
  const [row] = await sql<CursorRow[]>`
    select * from public.open_fetch_cursor(${key.combinationId}::bigint, ${key.provider},
      ${key.purpose}, ${key.owner}, ${plan.endpoint}, ${postgresJson(plan.params)}::text::jsonb,
      ${plan.window.since.toISOString()}::timestamptz,
      ${plan.window.until.toISOString()}::timestamptz, ${firstPage}::integer)`;
  return cursorFromRow(key.provider, row);
}

/** Whether the cursor already stands where storing `page` moves it. */
async function isPast(tx: Queryable, key: CursorKey, page: AnsweredPage): Promise<boolean> {
  const [row] = await tx`
    select 1 from public.fetch_cursors
    where combination_id = ${key.combinationId} and provider = ${key.provider}
      and purpose = ${key.purpose} and owner = ${key.owner}
      and next_page = ${page.next.nextPage}
      and previous_first_id is not distinct from ${page.next.previousFirstId}`;
  return row !== undefined;
}

/** Another worker moved the cursor past this page: it stored it; this copy is dropped. */
export class CursorMovedError extends Error {
  override name = "CursorMovedError";
}

/**
 * Waits between attempts to store a page while the database is unreachable, in ms: about 40 s
 * in all, inside the Edge wall clock with room to spare. The answer is paid for; keeping it
 * through a short outage is worth the wait.
 */
const STORE_RETRY_MS = [250, 500, 1000, 2000, 4000, 8000, 8000, 8000, 8000];

/** One page store at a time per transaction (savepoints of concurrent stores would nest). */
const transactionQueues = new WeakMap<object, Promise<unknown>>();

async function inPageTransaction<T>(sql: Queryable, fn: (tx: Queryable) => Promise<T>) {
  if (!isTransaction(sql)) return await sql.begin((tx) => fn(tx as unknown as Queryable)) as T;
  const before = transactionQueues.get(sql) ?? Promise.resolve();
  const mine = before.catch(() => {}).then(() =>
    sql.savepoint((sp) => fn(sp as unknown as Queryable))
  );
  transactionQueues.set(sql, mine);
  return await mine as T;
}

/**
 * Stores an answered page: its postings (deduplicated, linked to the combination, in the
 * users' feeds at once), the cursor's step past it, and its ledger row completed — one
 * transaction, retried while the database is unreachable. Throws when it cannot be stored.
 */
export async function storePage(
  sql: Queryable,
  key: CursorKey,
  page: AnsweredPage,
  ledger: UsageLedger,
  pause: (ms: number) => Promise<void> = sleep,
): Promise<StoreStats> {
  for (let attempt = 0;; attempt++) {
    try {
      return await inPageTransaction(sql, async (tx) => {
        const stats = await storeJobs(tx, page.jobs, { combinationId: key.combinationId });
        const [{ moved }] = await tx`
          select public.advance_fetch_cursor(${key.combinationId}::bigint, ${key.provider},
            ${key.purpose}, ${key.owner}, ${page.page}::integer, ${page.next.nextPage}::integer,
            ${page.next.previousFirstId}, ${page.done}, ${page.truncated},
            ${page.jobs.length}::integer, ${page.credits}::integer) as moved`;
        // after a lost connection, this worker's own commit may have landed: the cursor is
        // then already past the page, with its first id
        if (!moved && !(attempt > 0 && await isPast(tx, key, page))) {
          throw new CursorMovedError(
            `the ${key.provider} cursor of combination ${key.combinationId} is no longer at ` +
              `page ${page.page}: another worker stored it`,
          );
        }
        await ledger.complete(page.usage.row, page.usage.result, tx);
        return stats;
      });
    } catch (error) {
      const wait = STORE_RETRY_MS[attempt];
      if (!isConnectionError(error) || wait === undefined) {
        // the answer still counts in the ledger, even when its page is lost
        await ledger.complete(page.usage.row, page.usage.result).catch(() => {});
        throw error;
      }
      await pause(wait);
    }
  }
}

/** Records that the cursor's next page waits until `notBefore` (or why it stopped). */
export async function holdCursor(
  sql: Queryable,
  key: CursorKey,
  notBefore: Date | null,
  error: string | null,
): Promise<void> {
  await sql`
    select public.hold_fetch_cursor(${key.combinationId}::bigint, ${key.provider}, ${key.purpose},
      ${key.owner}, ${notBefore?.toISOString() ?? null}::timestamptz, ${error})`;
}

/** Stops (in these sessions) every provider that is paused in `public.provider_pauses`. */
export async function applyPauses(sql: Queryable, sessions: ProviderSessions): Promise<void> {
  const rows = await sql`
    select provider, paused_until, outcome, reason from public.active_provider_pauses()`;
  for (const row of rows) {
    const session = sessions[row.provider as Provider];
    session.stopped ??= {
      outcome: row.outcome,
      message: row.reason,
      until: new Date(row.paused_until),
      persisted: true,
    };
  }
}

/** Writes the pause of every provider these sessions stopped that is not written yet. */
export async function persistPauses(sql: Queryable, sessions: ProviderSessions): Promise<void> {
  for (const provider of ["jsearch", "active_jobs_db"] as const) {
    const stopped = sessions[provider].stopped;
    if (!stopped || stopped.persisted) continue;
    const [{ until }] = await sql`
      select public.pause_provider(${provider}, ${stopped.until!.toISOString()}::timestamptz,
                                   ${stopped.outcome}, ${stopped.message}) as until`;
    stopped.until = new Date(until);
    stopped.persisted = true;
  }
}
