import assert from "node:assert/strict";
import { dbTest, withRollback } from "./support/database.ts";

Deno.test(
  "every function pins its search_path, unless its SQL body is bound when created",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      // A function that resolves names at call time under the caller's search_path can be made
      // to call someone else's function or operator (Supabase's advisor: function_search_path_mutable).
      // A SQL-standard body (RETURN / BEGIN ATOMIC) is parsed and bound when it is created, so
      // it needs no pinned path; it must not run as its owner either.
      const loose = await tx<{ name: string; definer: boolean; bound: boolean }[]>`
      select p.oid::regprocedure::text as name, p.prosecdef as definer,
             p.prosqlbody is not null as bound
      from pg_catalog.pg_proc p
      join pg_catalog.pg_namespace n on n.oid = p.pronamespace
      where n.nspname in ('public', 'private')
        and not exists (select 1 from pg_catalog.pg_depend d
                        where d.classid = 'pg_catalog.pg_proc'::regclass and d.objid = p.oid
                          and d.deptype = 'e')
        and not exists (select 1 from unnest(coalesce(p.proconfig, '{}')) as c
                        where c like 'search_path=%')
      order by 1`;
      assert.deepEqual(loose.filter((f) => !f.bound || f.definer), [], "unpinned functions");
      // the feed's rules and the skills' normal form: inlined into the statements that score
      // thousands of items or index thousands of jobs
      assert.deepEqual(loose.map((f) => f.name.replace(/\(.*/, "")), [
        "private.cv_skill_in_text",
        "private.feed_combination_lock",
        "private.feed_currency",
        "private.feed_live_until",
        "private.feed_percent",
        "private.feed_reason",
        "private.feed_recency",
        "private.feed_score",
        "private.feed_skills",
        "private.is_skill_stop_word",
        "private.job_key",
        "private.job_skill_text",
        "private.skill_key",
        "private.skill_tokens",
      ]);
    });
  },
);
