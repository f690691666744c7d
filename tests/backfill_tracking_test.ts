import assert from "node:assert/strict";
import { dbTest, withRollback } from "./support/database.ts";
import { createUser } from "./support/auth.ts";
import { type Combination, insertQuery, markBackfilled } from "./support/fixtures.ts";
import type { TransactionSql } from "../shared/db/postgres.ts";

const dsBerlin: Combination = { title_keyword: "data scientist", location: "berlin" };
const dsBerlinHybrid: Combination = { ...dsBerlin, ai_work_arrangement: "Hybrid" };
const peMunich: Combination = {
  title_keyword: "product engineer",
  location: "munich",
  ai_employment_type: "FULL_TIME",
  ai_seniority: "5-10",
  ai_industry: "Software",
};

async function unbacked(tx: TransactionSql, userId: string) {
  const rows = await tx<
    { title_keyword: string; location: string; ai_work_arrangement: string | null }[]
  >`
    select title_keyword, location, ai_work_arrangement, tracking_state
    from public.get_unbacked_combinations_for_user(${userId})`;
  return rows.map((r) => `${r.title_keyword}|${r.location}|${r.ai_work_arrangement ?? "*"}`).sort();
}

Deno.test(
  "backfill_tracking: a combination with NULL filters can exist only once",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`insert into public.backfill_tracking (title_keyword, location) values ('data scientist', 'berlin')`;
      await assert.rejects(
        () =>
          tx.savepoint((sp) =>
            sp`insert into public.backfill_tracking (title_keyword, location) values ('data scientist', 'berlin')`
          ),
        /backfill_tracking_combination_unique/,
      );
      // Every filter NULL but one: still a distinct combination, and itself unique.
      await tx`
      insert into public.backfill_tracking (title_keyword, location, ai_work_arrangement)
      values ('data scientist', 'berlin', 'Hybrid')`;
      await assert.rejects(
        () =>
          tx.savepoint((sp) =>
            sp`insert into public.backfill_tracking (title_keyword, location, ai_work_arrangement)
             values ('data scientist', 'berlin', 'Hybrid')`
          ),
        /unique/,
      );
      const [{ count }] = await tx`select count(*)::int as count from public.backfill_tracking`;
      assert.equal(count, 2);
    });
  },
);

Deno.test("backfill_tracking: titles and locations are kept in normal form", dbTest, async () => {
  await withRollback(async (tx) => {
    // written by hand: put in normal form, so "Data Scientist" is the same combination
    for (
      const [title, location] of [["Data Scientist", "berlin"], ["data  scientist", "berlin"], [
        "data scientist",
        " Berlin",
      ]]
    ) {
      const [row] = await tx.savepoint((sp) =>
        sp`insert into public.backfill_tracking (title_keyword, location)
           values (${title}, ${location})
           on conflict on constraint backfill_tracking_combination_unique
           do update set updated_at = now()
           returning title_keyword, location`
      );
      assert.deepEqual([row.title_keyword, row.location], ["data scientist", "berlin"]);
    }
    const [{ n }] = await tx`select count(*)::int as n from public.backfill_tracking
                             where title_keyword = 'data scientist'`;
    assert.equal(n, 1, "one combination");
    for (const [title, location] of [["", "berlin"], ["\u200b", "berlin"]]) {
      await assert.rejects(
        () =>
          tx.savepoint((sp) =>
            sp`insert into public.backfill_tracking (title_keyword, location) values (${title}, ${location})`
          ),
        /check constraint/,
        `accepted ${JSON.stringify([title, location])}`,
      );
    }
  });
});

Deno.test("backfill_tracking: filters only take Active Jobs DB vocabulary", dbTest, async () => {
  await withRollback(async (tx) => {
    await assert.rejects(
      () =>
        tx.savepoint((sp) =>
          sp`insert into public.backfill_tracking (title_keyword, location, ai_work_arrangement)
             values ('data scientist', 'berlin', 'remote')`
        ),
      /work_arrangement/,
    );
    await assert.rejects(
      () =>
        tx.savepoint((sp) =>
          sp`insert into public.backfill_tracking (title_keyword, location, ai_seniority)
             values ('data scientist', 'berlin', 'senior')`
        ),
      /seniority_level/,
    );
  });
});

Deno.test(
  "user_search_queries: one active row per user and combination, NULL filters included",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const user = await createUser(tx, "a@example.com");
      await insertQuery(tx, user, dsBerlin);
      await assert.rejects(
        () => tx.savepoint((sp) => insertQuery(sp, user, dsBerlin)),
        /user_search_queries_one_active_per_combination/,
      );
      // A deactivated row does not block a new active one (a newer CV).
      await tx`update public.user_search_queries set is_active = false, deactivated_at = now() where user_id = ${user}`;
      await insertQuery(tx, user, dsBerlin);
      // Another user may have the same combination.
      const other = await createUser(tx, "b@example.com");
      await insertQuery(tx, other, dsBerlin);
      const [{ count }] = await tx`select count(*)::int as count from public.user_search_queries`;
      assert.equal(count, 3);
    });
  },
);

Deno.test(
  "get_unbacked_combinations_for_user: LEFT JOIN finds what nobody has backfilled",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const a = await createUser(tx, "a@example.com");
      const b = await createUser(tx, "b@example.com");
      await insertQuery(tx, a, dsBerlin);
      await insertQuery(tx, a, dsBerlinHybrid);
      await insertQuery(tx, a, peMunich);
      await insertQuery(tx, b, dsBerlin);

      assert.deepEqual(await unbacked(tx, a), [
        "data scientist|berlin|*",
        "data scientist|berlin|Hybrid",
        "product engineer|munich|*",
      ]);

      // User A's backfill marks two combinations; B's shared one is no longer unbacked.
      await markBackfilled(tx, dsBerlin, 40, 12);
      await markBackfilled(tx, peMunich, 10, 3);
      assert.deepEqual(await unbacked(tx, a), ["data scientist|berlin|Hybrid"]);
      assert.deepEqual(await unbacked(tx, b), []);

      // A claimed or failed combination is still unbacked; an inactive query is not a gap.
      await tx`
      insert into public.backfill_tracking (title_keyword, location, ai_work_arrangement, state, last_error)
      values ('data scientist', 'berlin', 'Hybrid', 'failed', 'JSearch: 500')`;
      assert.deepEqual(await unbacked(tx, a), ["data scientist|berlin|Hybrid"]);
      await tx`update public.user_search_queries set is_active = false, deactivated_at = now()
             where user_id = ${a} and ai_work_arrangement = 'Hybrid'`;
      assert.deepEqual(await unbacked(tx, a), []);
    });
  },
);

Deno.test(
  "mark_combination_backfilled / is_combination_backfilled: idempotent, NULL-safe, normalising",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const isBackfilled = async (
        title: string,
        location: string,
        arrangement: string | null = null,
      ) => {
        const [row] = await tx<{ done: boolean }[]>`
        select public.is_combination_backfilled(${title}, ${location}, ${arrangement}) as done`;
        return row.done;
      };
      assert.equal(await isBackfilled("data scientist", "berlin"), false);
      const first = await markBackfilled(tx, dsBerlin, 40, 12);
      assert.equal(await isBackfilled("data scientist", "berlin"), true);
      assert.equal(await isBackfilled("  Data   Scientist ", "BERLIN"), true);
      assert.equal(await isBackfilled("data scientist", "berlin", "Hybrid"), false);

      // Marking again (e.g. a retried worker) keeps one row and the first date, adds credits.
      const [before] =
        await tx`select backfilled_date from public.backfill_tracking where id = ${first}`;
      const [again] = await tx<{ id: number; credits_used: number; jobs_found: number }[]>`
      select id, credits_used, jobs_found from public.mark_combination_backfilled(
        ' Data Scientist', 'Berlin', null, null, null, null, 45, 2, '{"jsearch": 2}')`;
      assert.equal(again.id, first);
      assert.equal(again.credits_used, 14);
      assert.equal(again.jobs_found, 45);
      const [after] =
        await tx`select backfilled_date, count(*) over () as n from public.backfill_tracking`;
      assert.deepEqual(after.backfilled_date, before.backfilled_date);
      assert.equal(Number(after.n), 1);

      await assert.rejects(
        () => tx.savepoint((sp) => sp`select public.mark_combination_backfilled('  ', 'berlin')`),
        /title_keyword and location are required/,
      );
    });
  },
);

Deno.test("mark_combination_backfilled: adds credits per provider", dbTest, async () => {
  await withRollback(async (tx) => {
    await tx`select public.mark_combination_backfilled('qa engineer', 'hamburg', null, null, null, null,
      5, 3, '{"jsearch": 1, "active_jobs_db": 2}')`;
    const [row] = await tx`select credits_by_provider from public.mark_combination_backfilled(
      'qa engineer', 'hamburg', null, null, null, null, 5, 4, '{"active_jobs_db": 4}')`;
    assert.deepEqual(row.credits_by_provider, { jsearch: 1, active_jobs_db: 6 });
  });
});
