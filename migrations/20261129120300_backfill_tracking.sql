-- ---------------------------------------------------------------------------
-- backfill_tracking: one row per distinct search combination that somebody has claimed or
-- backfilled, shared by every user. The seed's table, done right:
--   * the seed's UNIQUE(...) let NULL filters repeat; this one is NULLS NOT DISTINCT;
--   * state, claim time and expiry support an atomic claim (a worker that dies loses its claim);
--   * credits used feed the quota report ("credits saved" = what a skipped combination cost).
-- ---------------------------------------------------------------------------

create table public.backfill_tracking (
  id bigint generated always as identity primary key,

  -- combination identifiers (the seed's columns)
  title_keyword text not null
    check (private.is_normalized_label(title_keyword)),
  location text not null
    check (private.is_normalized_label(location)),
  ai_work_arrangement public.work_arrangement,
  ai_employment_type public.employment_type,
  ai_seniority public.seniority_level,
  ai_industry public.industry,
  combination_key text not null generated always as (
    private.combination_key(title_keyword, location, ai_work_arrangement, ai_employment_type,
                            ai_seniority, ai_industry)
  ) stored,

  -- claim and outcome
  state text not null default 'pending'
    check (state in ('pending', 'claimed', 'backfilled', 'failed')),
  claimed_at timestamptz,
  claimed_by text,
  claim_expires_at timestamptz,
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,

  -- metadata (the seed's) and quota accounting
  backfilled_date timestamptz,
  jobs_found integer not null default 0 check (jobs_found >= 0),
  credits_used integer not null default 0 check (credits_used >= 0),
  credits_by_provider jsonb not null default '{}'::jsonb,

  -- high-water mark of the daily refresh: the end of the last window fetched successfully
  last_refreshed_at timestamptz,

  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),

  constraint backfill_tracking_combination_unique unique nulls not distinct
    (title_keyword, location, ai_work_arrangement, ai_employment_type, ai_seniority, ai_industry),
  constraint backfill_tracking_combination_key_unique unique (combination_key),
  constraint backfill_tracking_backfilled_has_date
    check (state <> 'backfilled' or backfilled_date is not null),
  constraint backfill_tracking_claim_consistent
    check (state <> 'claimed' or (claimed_at is not null and claim_expires_at is not null))
);

comment on table public.backfill_tracking is
  'One row per distinct search combination: claimed, backfilled once for everybody, refreshed daily.';
comment on column public.backfill_tracking.credits_used is
  'Provider credits spent on the first backfill of this combination; what a later user saves.';

-- The seed's lookup index.
create index idx_backfill_combination on public.backfill_tracking
  (title_keyword, location, ai_work_arrangement, ai_seniority);
create index backfill_tracking_claimable_idx on public.backfill_tracking (state, claim_expires_at)
  where state <> 'backfilled';

create trigger backfill_tracking_touch_updated_at before update on public.backfill_tracking
  for each row execute function private.touch_updated_at();

alter table public.backfill_tracking enable row level security;
revoke all on public.backfill_tracking from anon, authenticated;
grant all on public.backfill_tracking to service_role;
