/** Monthly provider budgets in SQL: reservations never pass the budget in public.settings. */
import assert from "node:assert/strict";
import { sqlBudgetLedger, sqlRatePacer } from "../shared/providers/budget.ts";
import { dbTest, withRollback } from "./support/database.ts";

Deno.test(
  "budget: calls reserve credits and jobs against settings; refused calls reserve nothing",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.provider_budget_usage`;
      const budget = sqlBudgetLedger(tx);
      assert.ok(await budget.reserve("jsearch", 500, 0), "no budget set: only the plan limits");
      await tx`delete from public.provider_budget_usage`;
      await tx`update public.settings set jsearch_monthly_credits = 5, active_jobs_db_monthly_jobs = 150`;
      assert.ok(await budget.reserve("jsearch", 2, 0));
      assert.ok(await budget.reserve("jsearch", 2, 0));
      assert.equal(await budget.reserve("jsearch", 2, 0), null, "4 + 2 would pass 5");
      const month =
        (await tx`select date_trunc('month', now() at time zone 'UTC')::date::text as m`)[0].m;
      await budget.release("jsearch", month, 1, 0);
      assert.ok(await budget.reserve("jsearch", 2, 0), "3 + 2 fits");
      assert.ok(await budget.reserve("active_jobs_db", 1, 100));
      assert.equal(
        await budget.reserve("active_jobs_db", 1, 100),
        null,
        "200 jobs would pass 150",
      );
      const rows =
        await tx`select provider, credits, jobs, month = date_trunc('month', now() at time zone 'UTC')::date as this_month
      from public.provider_budget_usage order by provider`;
      assert.deepEqual(rows.map((r) => ({ ...r })), [
        { provider: "active_jobs_db", credits: 1, jobs: 100, this_month: true },
        { provider: "jsearch", credits: 5, jobs: 0, this_month: true },
      ]);
    });
  },
);

Deno.test(
  "rate slots: every invocation takes the next slot of the provider's shared rate",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`update public.provider_rate_slots set next_at = now() - interval '1 minute'`;
      const pacer = sqlRatePacer(tx);
      const waits = [];
      for (let i = 0; i < 4; i++) waits.push(await pacer("jsearch", 200));
      assert.equal(waits[0], 0, "the first call goes at once");
      // then each waits one more interval (minus the time the previous calls took)
      for (let i = 1; i < 4; i++) {
        assert.ok(waits[i] > i * 200 - 100 && waits[i] <= i * 200, `wait ${i}: ${waits[i]} ms`);
      }
      assert.equal(await pacer("active_jobs_db", 200), 0, "each provider has its own slots");
    });
  },
);
