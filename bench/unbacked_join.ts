/**
 * get_unbacked_combinations_for_user joins queries to tracking on the generated md5
 * combination_key. Baseline: the same LEFT JOIN written on the six columns with
 * IS NOT DISTINCT FROM (what NULL filters force without a key). Both run on the same data in the
 * same transaction, interleaved, and the transaction is rolled back.
 *
 * @module
 */
import type { Sql, TransactionSql } from "../shared/db/postgres.ts";
import { inRolledBackTransaction } from "../local/database.ts";
import { type BenchResult, result } from "./report.ts";

const users = 2000;
const combosPerUser = 6;
const titles = 300;
const locations = 10;
const calls = 400;

async function seed(tx: TransactionSql): Promise<string[]> {
  const ids = await tx<{ id: string }[]>`
    insert into auth.users (id, email)
    select gen_random_uuid(), 'bench-' || g || '@bench.test' from generate_series(1, ${users}) g
    returning id`;
  // Each user picks combinations from a shared pool; about a third of the filters are NULL.
  await tx`
    insert into public.user_search_queries (user_id, title_keyword, location, ai_work_arrangement,
      ai_seniority)
    select distinct on (u.id, t, l, wa, s) u.id, 'title ' || t, 'city ' || l, wa, s
    from (select id, row_number() over () as n from auth.users where email like 'bench-%') u
    cross join lateral (
      select (u.n * 7 + k * 13) % ${titles} as t, (u.n + k) % ${locations} as l,
        (array[null, 'Hybrid', 'Remote OK'])[1 + (u.n + k) % 3] as wa,
        (array[null, '2-5', '5-10'])[1 + (u.n * k) % 3] as s
      from generate_series(1, ${combosPerUser}) k
    ) c`;
  // Half of the distinct combinations are backfilled.
  await tx`
    insert into public.backfill_tracking (title_keyword, location, ai_work_arrangement, ai_seniority,
      state, backfilled_date)
    select title_keyword, location, ai_work_arrangement, ai_seniority, 'backfilled', now()
    from (select distinct title_keyword, location, ai_work_arrangement, ai_seniority,
            combination_key from public.user_search_queries) d
    where ('x' || substr(combination_key, 1, 8))::bit(32)::int % 2 = 0`;
  await tx`analyze public.user_search_queries`;
  await tx`analyze public.backfill_tracking`;
  return ids.map((row) => row.id);
}

async function timeCalls(run: (userId: string) => Promise<unknown>, userIds: string[]) {
  const start = performance.now();
  for (let i = 0; i < calls; i++) await run(userIds[(i * 37) % userIds.length]);
  return calls / ((performance.now() - start) / 1000);
}

/** Runs the benchmark; leaves nothing behind. */
export async function benchUnbackedJoin(sql: Sql): Promise<BenchResult[]> {
  return await inRolledBackTransaction(sql, async (tx) => {
    const userIds = await seed(tx);
    const keyJoin = (id: string) =>
      tx`select count(*) from public.get_unbacked_combinations_for_user(${id})`;
    const columnJoin = (id: string) =>
      tx`select count(*) from (
          select distinct q.title_keyword, q.location, q.ai_work_arrangement, q.ai_employment_type,
            q.ai_seniority, q.ai_industry
          from public.user_search_queries q
          left join public.backfill_tracking bt
            on bt.title_keyword = q.title_keyword and bt.location = q.location
           and bt.ai_work_arrangement is not distinct from q.ai_work_arrangement
           and bt.ai_employment_type is not distinct from q.ai_employment_type
           and bt.ai_seniority is not distinct from q.ai_seniority
           and bt.ai_industry is not distinct from q.ai_industry
          where q.user_id = ${id} and q.is_active and (bt.id is null or bt.state <> 'backfilled')) d`;
    // Same answers first, then interleaved timing rounds.
    for (const id of userIds.slice(0, 50)) {
      const [a] = await keyJoin(id);
      const [b] = await columnJoin(id);
      if (Number(a.count) !== Number(b.count)) {
        throw new Error(`Key join and column join disagree for user ${id}`);
      }
    }
    let key = 0;
    let columns = 0;
    for (let round = 0; round < 3; round++) {
      key += await timeCalls(keyJoin, userIds);
      columns += await timeCalls(columnJoin, userIds);
    }
    return [
      result(
        "unbacked combinations per user (key join vs six-column join)",
        key / 3,
        "calls/s",
        columns / 3,
      ),
    ];
  });
}
