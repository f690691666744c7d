-- ---------------------------------------------------------------------------
-- Ledgers anyone with the SQL editor can read:
--   runs      : one row per backfill, daily refresh, ingestion or sweep run, with progress/stats;
--   api_usage : one row per provider call, successful or not, with credits and remaining quota.
-- ---------------------------------------------------------------------------

create table public.runs (
  id bigint generated always as identity primary key,
  kind text not null check (kind in ('backfill', 'daily_refresh', 'cv_ingest', 'sweep')),
  status text not null default 'running'
    check (status in ('running', 'succeeded', 'partial', 'failed', 'skipped')),
  triggered_by text not null default 'manual'
    check (triggered_by in ('webhook', 'cron', 'cli', 'manual', 'sweep', 'test')),
  user_id uuid references auth.users (id) on delete set null,
  -- the local calendar date (Europe/Berlin by default) a daily refresh is for
  run_date date,
  progress_done integer not null default 0 check (progress_done >= 0),
  progress_total integer check (progress_total >= 0),
  stats jsonb not null default '{}'::jsonb,
  error text,
  started_at timestamptz not null default now(),
  heartbeat_at timestamptz not null default now(),
  finished_at timestamptz,
  constraint runs_daily_has_date check (kind <> 'daily_refresh' or run_date is not null),
  constraint runs_finished_consistent check ((status = 'running') = (finished_at is null))
);

comment on table public.runs is
  'Run ledger: one row per run with progress, stats (jobs added, credits used/saved) and errors.';

-- One daily refresh per local date; a second firing, a retry or a manual call finds this row.
create unique index runs_one_daily_refresh_per_date on public.runs (run_date)
  where kind = 'daily_refresh';
create index runs_kind_started_idx on public.runs (kind, started_at desc);

create table public.api_usage (
  id bigint generated always as identity primary key,
  run_id bigint references public.runs (id) on delete set null,
  combination_id bigint references public.backfill_tracking (id) on delete set null,
  provider text not null check (provider in ('jsearch', 'active_jobs_db', 'anthropic')),
  endpoint text not null,
  -- request parameters without the key
  params jsonb not null default '{}'::jsonb,
  http_status integer,
  outcome text not null check (outcome in ('ok', 'http_error', 'rate_limited', 'quota_exhausted',
                                           'timeout', 'network_error', 'invalid_response')),
  error text,
  credits integer not null default 0 check (credits >= 0),
  jobs_returned integer not null default 0 check (jobs_returned >= 0),
  quota_requests_limit integer,
  quota_requests_remaining integer,
  quota_jobs_limit integer,
  quota_jobs_remaining integer,
  quota_reset_seconds integer,
  duration_ms integer check (duration_ms >= 0),
  called_at timestamptz not null default now(),
  constraint api_usage_params_has_no_key
    check (not (params ?| array['x-rapidapi-key', 'X-RapidAPI-Key', 'rapidapi_key', 'api_key']))
);

comment on table public.api_usage is
  'Usage and quota ledger: every provider call with its credits and the quota headers seen.';

create index api_usage_provider_called_idx on public.api_usage (provider, called_at);
create index api_usage_run_idx on public.api_usage (run_id);

alter table public.runs enable row level security;
alter table public.api_usage enable row level security;
revoke all on public.runs, public.api_usage from anon, authenticated;
grant all on public.runs, public.api_usage to service_role;
