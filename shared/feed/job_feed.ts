/**
 * The ranked feed of one user (`public.job_feed`), read the way PostgREST would read it for them:
 * in a transaction under the `authenticated` role with their claims, so RLS decides what they see.
 * For the `feed` function, which serves clients that do not talk to PostgREST.
 *
 * @module
 */
import { asUser, type UserClaims } from "../auth/as_user.ts";
import type { Queryable } from "../db/postgres.ts";

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
  user: UserClaims,
  query: FeedQuery,
): Promise<{ newSince: string | null; jobs: FeedRow[] }> {
  return await asUser(sql, user, async (tx) => {
    let newSince: string | null = null;
    if (query.markVisited) {
      const [{ mark }] = await tx`select public.mark_feed_visited() as mark`;
      newSince = mark ? (mark as Date).toISOString() : null;
    }
    const jobs = await tx<FeedRow[]>`
      select * from public.job_feed(${query.limit}::integer, ${query.offset}::integer,
        ${query.onlyNew}, ${query.workArrangement}, ${query.search})`;
    return { newSince, jobs: [...jobs] };
  });
}
