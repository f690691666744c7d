-- ---------------------------------------------------------------------------
-- What reading a CV costs: a price per Claude model (USD per million input and output tokens),
-- the price of each parse recorded on its cv_documents row when its tokens are written, and LLM
-- spend per month as a view beside the provider credits (quota_by_month).
-- docs/QUOTA.md, "What reading a CV costs" has the cost per sample CV.
-- ---------------------------------------------------------------------------

create table public.llm_prices (
  model text primary key check (btrim(model) <> ''),
  usd_per_million_input numeric not null check (usd_per_million_input >= 0),
  usd_per_million_output numeric not null check (usd_per_million_output >= 0),
  -- where the price was read, and when
  source text not null,
  updated_at timestamptz not null default now()
);

comment on table public.llm_prices is
  'Standard (not batch, not cached) API price per Claude model in USD per million tokens; a parse '
  'by a model without a row here has no price (cv_documents.llm_cost_usd is null) and '
  'llm_spend_by_month counts it as unpriced.';

create trigger llm_prices_touch_updated_at before update on public.llm_prices
  for each row execute function private.touch_updated_at();

alter table public.llm_prices enable row level security;
revoke all on public.llm_prices from anon, authenticated;
grant all on public.llm_prices to service_role;

-- Standard prices (USD per million input / output tokens), each row naming its public source:
-- * Claude 5.x: Anthropic's model overview, "Price / MTok" of the current lineup
--   (https://platform.claude.com/docs/about-claude/models/whats-new-opus-5, read 2026-12-07):
--   Sonnet 5.5 $2 / $10, Opus 5.5 $4 / $20, Opus 5 $5 / $25, Fable 5.1 $10 / $50.
--   claude-sonnet-5-5 is the default ANTHROPIC_MODEL.
-- * claude-sonnet-5: not on that page; a public release note prices Sonnet 5.5 at $2 / $10,
--   "the same as Sonnet 5" (https://github.com/uttamdeb/agent-telemetry/releases/tag/v1.6.4).
-- * claude-sonnet-4-6 $3 / $15, claude-haiku-4-5 $1 / $5: a third-party summary of Anthropic's
--   pricing page as of 2026-03-21 (https://deploybase.ai/articles/claude-api-pricing).
-- * claude-haiku-5-5 is left out on purpose: the overview says "From $0.10 / $0.50", a tiered
--   price one row cannot hold; its parses show as unpriced until a row is added.
-- Cache writes and reads, the Batch API's 50 % and long-context prices do not apply: the CV call
-- (shared/cv/extract.ts) is one uncached, unbatched request of a few thousand tokens.
insert into public.llm_prices (model, usd_per_million_input, usd_per_million_output, source) values
  ('claude-sonnet-5-5', 2, 10,
   'https://platform.claude.com/docs/about-claude/models/whats-new-opus-5 (2026-12-07)'),
  ('claude-opus-5-5', 4, 20,
   'https://platform.claude.com/docs/about-claude/models/whats-new-opus-5 (2026-12-07)'),
  ('claude-opus-5', 5, 25,
   'https://platform.claude.com/docs/about-claude/models/whats-new-opus-5 (2026-12-07)'),
  ('claude-fable-5-1', 10, 50,
   'https://platform.claude.com/docs/about-claude/models/whats-new-opus-5 (2026-12-07)'),
  ('claude-sonnet-5', 2, 10,
   'https://github.com/uttamdeb/agent-telemetry/releases/tag/v1.6.4 (secondary, 2026-09)'),
  ('claude-sonnet-4-6', 3, 15, 'https://deploybase.ai/articles/claude-api-pricing (secondary, 2026-03-21)'),
  ('claude-haiku-4-5', 1, 5, 'https://deploybase.ai/articles/claude-api-pricing (secondary, 2026-03-21)');

-- ---- the price of a parse ----------------------------------------------------------------------
-- Recorded when finish_cv_parse / fail_cv_parse write the model and tokens, at the price of that
-- moment: a later price change does not rewrite past spend. NULL when no tokens were recorded
-- (nothing was billed) or the model has no price row. To price past parses after adding a row:
--   update public.cv_documents set model = model
--   where llm_cost_usd is null and input_tokens is not null and model = '<model>';
alter table public.cv_documents add column llm_cost_usd numeric check (llm_cost_usd >= 0);

comment on column public.cv_documents.llm_cost_usd is
  'USD the last Claude call for this CV cost (input_tokens and output_tokens at public.llm_prices '
  'when they were written); null when nothing was billed or the model has no price.';

create or replace function private.price_cv_parse() returns trigger
language plpgsql volatile security invoker set search_path = ''
as $$
begin
  new.llm_cost_usd := (
    select (coalesce(new.input_tokens, 0) * p.usd_per_million_input
            + coalesce(new.output_tokens, 0) * p.usd_per_million_output) / 1000000
    from public.llm_prices p
    where p.model = new.model
      and (new.input_tokens is not null or new.output_tokens is not null));
  return new;
end
$$;

revoke execute on function private.price_cv_parse() from public, anon, authenticated;

create trigger cv_documents_price_llm_call
  before insert or update of model, input_tokens, output_tokens on public.cv_documents
  for each row execute function private.price_cv_parse();

-- ---- spend per month ---------------------------------------------------------------------------
-- Claude calls per calendar month (UTC, by when the parse started) and model: the tokens, what
-- they cost, and the parses that could not be priced (cost_usd leaves them out; add the model to
-- public.llm_prices). A row keeps the last attempt's tokens only, and a deleted CV takes its row
-- with it, so this is what the CVs still here cost, not the invoice.
create or replace view public.llm_spend_by_month with (security_invoker = true) as
select date_trunc('month', coalesce(d.parsing_started_at, d.created_at) at time zone 'UTC')::date
         as month,
       d.model,
       count(*)::integer as parses,
       coalesce(sum(d.input_tokens), 0)::bigint as input_tokens,
       coalesce(sum(d.output_tokens), 0)::bigint as output_tokens,
       coalesce(sum(d.llm_cost_usd), 0) as cost_usd,
       count(*) filter (where d.llm_cost_usd is null)::integer as unpriced_parses
from public.cv_documents d
where d.model is not null and (d.input_tokens is not null or d.output_tokens is not null)
group by 1, d.model;
comment on view public.llm_spend_by_month is
  'Claude calls that read CVs per month and model: parses, tokens, USD at public.llm_prices, and '
  'parses by a model without a price (not in cost_usd).';

revoke all on public.llm_spend_by_month from anon, authenticated;
grant select on public.llm_spend_by_month to service_role;
