/**
 * What reading CVs with Claude cost per month and model (`public.llm_spend_by_month`), and how
 * `deno task jobs stats` says it: beside the provider credits, with the parses by a model
 * without a price named, never left out silently.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";

/** One month and model of `public.llm_spend_by_month`. */
export interface LlmSpendMonth {
  /** The first day of the month (UTC), `YYYY-MM-DD`. */
  month: string;
  model: string;
  parses: number;
  inputTokens: number;
  outputTokens: number;
  /** USD of the priced parses at `public.llm_prices`. */
  costUsd: number;
  /** Parses by a model without a row in `public.llm_prices`: not in `costUsd`. */
  unpricedParses: number;
}

/** The months and models, newest month first, then the costliest model. */
export async function llmSpendByMonth(sql: Queryable, limit = 24): Promise<LlmSpendMonth[]> {
  const rows = await sql`
    select to_char(month, 'YYYY-MM-DD') as month, model, parses,
           input_tokens::float8 as input_tokens, output_tokens::float8 as output_tokens,
           cost_usd::float8 as cost_usd, unpriced_parses
    from public.llm_spend_by_month
    order by month desc, cost_usd desc, model
    limit ${limit}`;
  return rows.map((row) => ({
    month: row.month,
    model: row.model,
    parses: row.parses,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    costUsd: row.cost_usd,
    unpricedParses: row.unpriced_parses,
  }));
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** USD to the tenth of a cent below a dollar (a parse costs about a cent), else to the cent. */
export function formatUsd(usd: number): string {
  return usd < 1 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
}

/** One line per month and model, and a line per month and model that has unpriced parses. */
export function describeLlmSpend(months: LlmSpendMonth[]): string[] {
  if (months.length === 0) return ["  no CV read yet"];
  return months.map((m) => {
    const line = `  ${m.month.slice(0, 7)} ${m.model}: ${plural(m.parses, "parse")}, ` +
      `${m.inputTokens} input and ${m.outputTokens} output tokens, ${formatUsd(m.costUsd)}`;
    if (m.unpricedParses === 0) return line;
    return `${line} — ${plural(m.unpricedParses, "parse")} with a model without a price, not ` +
      `counted: add ${m.model} to public.llm_prices`;
  });
}
