/** Monthly provider budgets in SQL: reservations never pass the budget in public.settings. */
import assert from "node:assert/strict";
import { sqlBudgetLedger } from "../shared/providers/budget.ts";
import { dbTest, withRollback } from "./support/database.ts";

Deno.test(
  "budget: calls reserve credits and jobs against settings; refused calls reserve nothing",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.provider_budget_usage`;
      const budget = sqlBudgetLedger(tx);
      assert.equal(
        await budget.reserve("jsearch", 500, 0),
        true,
        "no budget set: only the plan limits",
      );
      await tx`delete from public.provider_budget_usage`;
      await tx`update public.settings set jsearch_monthly_credits = 5, active_jobs_db_monthly_jobs = 150`;
      assert.equal(await budget.reserve("jsearch", 2, 0), true);
      assert.equal(await budget.reserve("jsearch", 2, 0), true);
      assert.equal(await budget.reserve("jsearch", 2, 0), false, "4 + 2 would pass 5");
      await budget.release("jsearch", 1, 0);
      assert.equal(await budget.reserve("jsearch", 2, 0), true, "3 + 2 fits");
      assert.equal(await budget.reserve("active_jobs_db", 1, 100), true);
      assert.equal(
        await budget.reserve("active_jobs_db", 1, 100),
        false,
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
