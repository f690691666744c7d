/**
 * Storing what a paid answer brought — a page of postings, the expired ids of a day — in one
 * transaction (inside a caller's transaction, a savepoint, one at a time), tried again while the
 * database is unreachable or a concurrent writer deadlocks it. The answer is paid for; keeping
 * it through a short outage is worth the wait.
 *
 * @module
 */
import { isConnectionError, isTransaction, type Queryable } from "../db/postgres.ts";
import { sleep } from "./limiter.ts";

/**
 * Waits between attempts, in ms: about 40 s in all, inside the Edge wall clock with room to
 * spare.
 */
const STORE_RETRY_MS = [250, 500, 1000, 2000, 4000, 8000, 8000, 8000, 8000];

/** SQLSTATEs a second attempt resolves: a deadlock, a serialization failure. */
const CONFLICT_CODES = new Set(["40P01", "40001"]);

/** Why storing failed in a way worth another attempt, or null when it is not. */
type StoreFault = "unreachable" | "conflict";

/** Reads a failed store's error into a {@link StoreFault}. */
function storeFault(error: unknown): StoreFault | null {
  if (isConnectionError(error)) return "unreachable";
  const code = (error as { code?: unknown })?.code;
  return typeof code === "string" && CONFLICT_CODES.has(code) ? "conflict" : null;
}

/** One store at a time per transaction (savepoints of concurrent stores would nest). */
const transactionQueues = new WeakMap<object, Promise<unknown>>();

/** Runs `fn` in its own transaction, or in a savepoint of the caller's, queued. */
async function inOwnTransaction<T>(sql: Queryable, fn: (tx: Queryable) => Promise<T>) {
  if (!isTransaction(sql)) return await sql.begin((tx) => fn(tx as unknown as Queryable)) as T;
  const before = transactionQueues.get(sql) ?? Promise.resolve();
  const mine = before.catch(() => {}).then(() =>
    sql.savepoint((sp) => fn(sp as unknown as Queryable))
  );
  transactionQueues.set(sql, mine);
  return await mine as T;
}

/**
 * Runs `write` in one transaction, again after a {@link StoreFault}; `attempt` counts from 0
 * (a later attempt may find its earlier commit landed). Throws the error that ended it.
 */
export async function storeAnswer<T>(
  sql: Queryable,
  write: (tx: Queryable, attempt: number) => Promise<T>,
  pause: (ms: number) => Promise<void> = sleep,
): Promise<T> {
  for (let attempt = 0;; attempt++) {
    try {
      return await inOwnTransaction(sql, (tx) => write(tx, attempt));
    } catch (error) {
      const wait = STORE_RETRY_MS[attempt];
      if (wait === undefined || storeFault(error) === null) throw error;
      await pause(wait);
    }
  }
}
