-- ---------------------------------------------------------------------------
-- runs: the run ledger anyone with the SQL editor can read, one row per backfill request, daily
-- refresh, ingestion or sweep run, with progress, stats (jobs added, credits used and saved) and
-- errors. A daily run also records its expired-postings check (runs.expired_*: Active Jobs DB
-- /active-ats-expired, asked at most once per run; the daily refresh migration takes and
-- finishes it).
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
  -- the daily run's expired-postings check
  expired_state text
    constraint runs_expired_state_check check (expired_state in ('claimed', 'done', 'failed')),
  expired_attempts integer not null default 0
    constraint runs_expired_attempts_check check (expired_attempts >= 0),
  expired_claimed_at timestamptz,
  expired_checked_at timestamptz,
  expired_retry_at timestamptz,
  expired_reported integer check (expired_reported >= 0),
  expired_marked_postings integer check (expired_marked_postings >= 0),
  expired_marked_jobs integer check (expired_marked_jobs >= 0),
  expired_failure text
    constraint runs_expired_failure_check check (expired_failure in (
      'plan_required', 'key_refused', 'refused', 'quota_exhausted', 'budget_exhausted',
      'rate_limited', 'server_error', 'timeout', 'network_error', 'invalid_response', 'not_sent',
      'store_failed')),
  expired_error text,
  constraint runs_daily_has_date check (kind <> 'daily_refresh' or run_date is not null),
  constraint runs_finished_consistent check ((status = 'running') = (finished_at is null)),
  constraint runs_expired_only_daily
    check (kind = 'daily_refresh' or (expired_state is null and expired_error is null))
);

comment on table public.runs is
  'Run ledger: one row per run with progress, stats (jobs added, credits used/saved) and errors.';
comment on column public.runs.expired_state is
  'The daily run''s expired-postings check (Active Jobs DB /active-ats-expired): NULL = not '
  'taken (the setting is off, or the provider was paused: see expired_error); claimed = an '
  'invocation is calling, or died with the call out (never asked again: api_usage says whether '
  'it was billed); done = the counts are in; failed = expired_failure and expired_error say why.';
comment on column public.runs.expired_attempts is
  'Calls the check has made on this run (at most settings.expired_check_max_attempts: a '
  'transient failure is asked again).';
comment on column public.runs.expired_retry_at is
  'A failed check whose failure was transient is taken once more by an invocation of this run '
  'from then on; NULL = not again on this run.';
comment on column public.runs.expired_reported is
  'Distinct posting ids the provider reported expired.';
comment on column public.runs.expired_marked_postings is
  'Stored postings (job_sources) marked expired by this run.';
comment on column public.runs.expired_marked_jobs is
  'Jobs marked expired by this run (they leave every feed and stay stored).';
comment on column public.runs.expired_failure is
  'Why the check failed, as a code: plan_required (upgrade to Ultra or Mega, or turn the '
  'setting off), key_refused, refused, quota_exhausted, budget_exhausted, rate_limited, '
  'server_error, timeout, network_error, invalid_response, not_sent, store_failed.';
comment on column public.runs.expired_error is
  'The check''s failure, or why it was not taken yet, in words with the fix.';

-- One daily refresh per local date; a second firing, a retry or a manual call finds this row.
create unique index runs_one_daily_refresh_per_date on public.runs (run_date)
  where kind = 'daily_refresh';

create index runs_kind_started_idx on public.runs (kind, started_at desc);

alter table public.runs enable row level security;
revoke all on public.runs from anon, authenticated;
grant all on public.runs to service_role;
