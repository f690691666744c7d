/**
 * The ranked feed of one user (`public.job_feed`), read the way PostgREST would read it for them:
 * in a transaction under the `authenticated` role with their claims, so RLS decides what they see.
 * For the `feed` function, which serves clients that do not talk to PostgREST.
 *
 * @module
 */
import { isTransaction, type Queryable, type TransactionSql } from "../db/postgres.ts";

/** What the feed can be asked for. */
export interface FeedQuery {
  limit: number;
  offset: number;
  onlyNew: boolean;
  workArrangement: string | null;
  search: string | null;
  /** Record this visit first, so "new" means new since the previous one. */
  markVisited: boolean;
}

/** One ranked job. */
export type FeedRow = Record<string, unknown> & { job_id: number; score: number; reason: string };

/** Reads the feed as the user whose verified claims are given. */
export async function readFeedAs(
  sql: Queryable,
  claims: { sub: string; role: string },
  query: FeedQuery,
): Promise<{ newSince: string | null; jobs: FeedRow[] }> {
  // a transaction of its own (a savepoint inside a caller's transaction): the role and claims
  // end with it
  const scoped = <T>(fn: (tx: TransactionSql) => Promise<T>): Promise<T> =>
    isTransaction(sql)
      ? sql.savepoint((sp) => fn(sp as unknown as TransactionSql)) as Promise<T>
      : (sql as unknown as { begin: (f: typeof fn) => Promise<T> }).begin(fn);
  return await scoped(async (tx) => {
    await tx.unsafe("set local role authenticated");
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
    let newSince: string | null = null;
    if (query.markVisited) {
      const [{ mark }] = await tx`select public.mark_feed_visited() as mark`;
      newSince = mark ? (mark as Date).toISOString() : null;
    }
    const jobs = await tx<FeedRow[]>`
      select * from public.job_feed(${query.limit}::integer, ${query.offset}::integer,
        ${query.onlyNew}, ${query.workArrangement}, ${query.search})`;
    await tx.unsafe("reset role");
    await tx`select set_config('request.jwt.claims', '', true)`;
    return { newSince, jobs: [...jobs] };
  });
}
