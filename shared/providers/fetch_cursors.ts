/**
 * A fetch's cursor in `public.fetch_cursors` (migration `..._provider_usage.sql`): opened or
 * resumed with the plan of its first attempt; an answered page stored with the cursor's step
 * past it and its ledger row in one transaction; a page that must wait.
 *
 * @module
 */
import { postgresJson } from "../db/json.ts";
import type { Queryable } from "../db/postgres.ts";
import { storeJobs, type StoreStats } from "../jobs/store.ts";
import type { Provider } from "../vocabulary.ts";
import { storeAnswer } from "./answer_store.ts";
import type { UsageLedger } from "./ledger.ts";
import type { AnsweredPage, FetchPlan, PageCursor } from "./paging.ts";

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
 * Stores an answered page: its postings (deduplicated, linked to the combination, in the
 * users' feeds at once), the cursor's step past it, and its ledger row completed — one
 * transaction, retried while the database is unreachable or deadlocks. Throws when it cannot
 * be stored.
 */
export async function storePage(
  sql: Queryable,
  key: CursorKey,
  page: AnsweredPage,
  ledger: UsageLedger,
  pause?: (ms: number) => Promise<void>,
): Promise<StoreStats> {
  try {
    return await storeAnswer(sql, async (tx, attempt) => {
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
    }, pause);
  } catch (error) {
    // the answer still counts in the ledger, even when its page is lost
    await ledger.complete(page.usage.row, page.usage.result).catch(() => {});
    throw error;
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
