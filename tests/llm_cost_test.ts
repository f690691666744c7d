/**
 * What reading a CV costs: the price of each parse on its cv_documents row (public.llm_prices at
 * the time the tokens are written), the monthly sums of public.llm_spend_by_month, and how the
 * stats say it — parses by a model without a price are named, never left out silently.
 */
import assert from "node:assert/strict";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { describeLlmSpend, llmSpendByMonth } from "../shared/cv/llm_spend.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertCv } from "./support/fixtures.ts";

const query = [{
  title_keyword: "data engineer",
  location: "berlin",
  ai_work_arrangement: null,
  ai_employment_type: null,
  ai_seniority: null,
  ai_industry: null,
}];

/** A CV of `user` parsed by `model` with these tokens, its parse started at `startedAt`. */
async function parsed(
  tx: TransactionSql,
  user: string,
  model: string,
  tokens: [number, number],
  startedAt = "2026-12-03T10:00:00Z",
): Promise<string> {
  const cv = await insertCv(tx, user, `${crypto.randomUUID()}.pdf`);
  await tx`select from public.begin_cv_parse(${cv})`;
  await tx`update public.cv_documents set parsing_started_at = ${startedAt} where id = ${cv}`;
  await tx`select public.finish_cv_parse(${cv}, ${tx.json(query)}, ${model}, ${tokens[0]},
             ${tokens[1]})`;
  return cv;
}

async function costOf(tx: TransactionSql, cv: string): Promise<string | null> {
  const [row] = await tx<{ cost: string | null }[]>`
    select llm_cost_usd::text as cost from public.cv_documents where id = ${cv}`;
  return row.cost;
}

Deno.test(
  "llm cost: a parse is priced at llm_prices when its tokens are written",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const user = await createUser(tx, "lena@example.com");
      // the default model: $2 / $10 per million tokens
      const cv = await parsed(tx, user, "claude-sonnet-5-5", [2_343, 222]);
      assert.equal(Number(await costOf(tx, cv)), (2_343 * 2 + 222 * 10) / 1e6);
      // the price of that moment stays: a later price change does not rewrite past spend
      await tx`update public.llm_prices set usd_per_million_input = 20
             where model = 'claude-sonnet-5-5'`;
      assert.equal(Number(await costOf(tx, cv)), 0.006906);
      // a model without a price row: no price, not zero
      const unpriced = await parsed(tx, user, "claude-haiku-5-5", [2_000, 200]);
      assert.equal(await costOf(tx, unpriced), null);
      // a failure after Claude answered is priced; one before any call (no tokens) is not
      const failed = await insertCv(tx, user, "refused.pdf");
      await tx`select from public.begin_cv_parse(${failed})`;
      await tx`select public.fail_cv_parse(${failed}, 'Claude declined to read refused.pdf.',
               'claude-opus-5-5', 1000, 10)`;
      assert.equal(Number(await costOf(tx, failed)), (1000 * 4 + 10 * 20) / 1e6);
      const encrypted = await insertCv(tx, user, "encrypted.pdf");
      await tx`select from public.begin_cv_parse(${encrypted})`;
      await tx`select public.fail_cv_parse(${encrypted}, 'Cannot read CV encrypted.pdf.')`;
      assert.equal(await costOf(tx, encrypted), null);
      // adding the price later and touching the rows prices them (the fix docs/QUOTA.md gives)
      await tx`insert into public.llm_prices (model, usd_per_million_input, usd_per_million_output,
               source) values ('claude-haiku-5-5', 0.5, 2.5, 'test')`;
      await tx`update public.cv_documents set model = model
             where llm_cost_usd is null and input_tokens is not null and model = 'claude-haiku-5-5'`;
      assert.equal(Number(await costOf(tx, unpriced)), (2_000 * 0.5 + 200 * 2.5) / 1e6);
    });
  },
);

Deno.test("llm cost: a price must be a number of dollars, not negative", dbTest, async () => {
  await withRollback(async (tx) => {
    await assert.rejects(
      () =>
        tx.savepoint((sp) =>
          sp`insert into public.llm_prices (model, usd_per_million_input, usd_per_million_output,
               source) values ('claude-x', -1, 1, 'test')`
        ),
      /llm_prices_usd_per_million_input_check/,
    );
  });
});

Deno.test(
  "llm cost: llm_spend_by_month sums per month and model and counts the unpriced parses",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.cv_documents`;
      const user = await createUser(tx, "jonas@example.com");
      await parsed(tx, user, "claude-sonnet-5-5", [2_000, 200]);
      await parsed(tx, user, "claude-sonnet-5-5", [3_000, 300], "2026-12-31T23:59:00Z");
      await parsed(tx, user, "claude-sonnet-5-5", [1_000, 100], "2026-11-30T23:59:00Z");
      await parsed(tx, user, "claude-mystery-1", [4_000, 400]);
      await parsed(tx, user, "claude-mystery-1", [1_500, 150]);
      await insertCv(tx, user, "waiting.pdf"); // not read yet: no call, not in the view
      const months = await llmSpendByMonth(tx);
      assert.deepEqual(months, [
        {
          month: "2026-12-01",
          model: "claude-sonnet-5-5",
          parses: 2,
          inputTokens: 5_000,
          outputTokens: 500,
          costUsd: 0.015,
          unpricedParses: 0,
        },
        {
          month: "2026-12-01",
          model: "claude-mystery-1",
          parses: 2,
          inputTokens: 5_500,
          outputTokens: 550,
          costUsd: 0,
          unpricedParses: 2,
        },
        {
          month: "2026-11-01",
          model: "claude-sonnet-5-5",
          parses: 1,
          inputTokens: 1_000,
          outputTokens: 100,
          costUsd: 0.003,
          unpricedParses: 0,
        },
      ]);
      assert.deepEqual(describeLlmSpend(months), [
        "  2026-12 claude-sonnet-5-5: 2 parses, 5000 input and 500 output tokens, $0.0150",
        "  2026-12 claude-mystery-1: 2 parses, 5500 input and 550 output tokens, $0.0000 — " +
        "2 parses with a model without a price, not counted: add claude-mystery-1 to " +
        "public.llm_prices",
        "  2026-11 claude-sonnet-5-5: 1 parse, 1000 input and 100 output tokens, $0.0030",
      ]);
      assert.deepEqual(describeLlmSpend([]), ["  no CV read yet"]);
    });
  },
);
