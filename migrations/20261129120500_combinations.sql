-- ---------------------------------------------------------------------------
-- What there is to fetch, shared by every user:
--   backfill_tracking   one row per distinct search combination that somebody has claimed or
--                       backfilled: unique with NULL filters (NULLS NOT DISTINCT); state, claim
--                       time and expiry for an atomic claim (a worker that dies loses its claim);
--                       credits used for the quota report ("credits saved" = what a skipped
--                       combination cost); the daily refresh's marks
--   backfill_requests   durable requests to backfill a user's combinations (a row, not an
--                       in-memory call): written by cv-ingest, a user's search edit, the CLI,
--                       public.request_backfill or the sweep; the backfill claims and completes
--                       them
--   get_unbacked_combinations_for_user, mark_combination_backfilled, is_combination_backfilled
--                       the original Python backfill system's three tracking functions, under
--                       their names, for the service role and the SQL editor
-- A combination is "unbacked" until it is 'backfilled'.
-- ---------------------------------------------------------------------------

create table public.backfill_requests (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  -- the CV whose queries asked for it (NULL for a request made by hand)
  cv_document_id uuid references public.cv_documents (id) on delete set null,
  requested_by text not null default 'cv_ingest'
    check (requested_by in ('cv_ingest', 'cli', 'manual', 'sweep', 'user')),
  -- how far back to fetch; NULL = the backfill's default (a month)
  days integer check (days between 1 and 90),
  state text not null default 'pending' check (state in ('pending', 'running', 'done', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,
  requested_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  run_id bigint references public.runs (id) on delete set null,
  -- the invocation working on it, and until when; an expired lease is taken again
  claimed_by text,
  lease_expires_at timestamptz,
  -- a pending request is due from this time (waiting for another worker or a retry)
  not_before timestamptz not null default now(),
  -- times an invocation died holding it (its lease expired and another took it over)
  interruptions integer not null default 0 check (interruptions >= 0),
  -- how often the sweep has sent it since it was last taken, and when last
  sends integer not null default 0 check (sends >= 0),
  last_sent_at timestamptz,
  -- one request per parsed CV: a redelivery cannot ask twice
  constraint backfill_requests_one_per_cv unique (cv_document_id),
  constraint backfill_requests_running_is_leased
    check (state <> 'running' or (claimed_by is not null and lease_expires_at is not null))
);

comment on table public.backfill_requests is
  'Durable requests to backfill a user''s combinations; the backfill claims and completes them.';

create index backfill_requests_pending_idx on public.backfill_requests (requested_at)
  where state in ('pending', 'running');
create index backfill_requests_user_idx on public.backfill_requests (user_id);

create index backfill_requests_run_idx on public.backfill_requests (run_id);

alter table public.backfill_requests enable row level security;
revoke all on public.backfill_requests from anon, authenticated;
grant all on public.backfill_requests to service_role;

create table public.backfill_tracking (
  id bigint generated always as identity primary key,

  -- combination identifiers (the original Python backfill system's columns)
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
    check (state in ('pending', 'claimed', 'backfilled', 'failed', 'waiting')),
  claimed_at timestamptz,
  claimed_by text,
  claim_expires_at timestamptz,
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,

  -- metadata and quota accounting
  backfilled_date timestamptz,
  jobs_found integer not null default 0 check (jobs_found >= 0),
  credits_used integer not null default 0 check (credits_used >= 0),
  credits_by_provider jsonb not null default '{}'::jsonb,

  -- high-water mark of the daily refresh: the end of the last window fetched successfully
  last_refreshed_at timestamptz,

  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),

  -- providers whose part of the backfill is stored; a retry fetches only the others
  providers_done text[] not null default '{}'
    check (providers_done <@ array['jsearch', 'active_jobs_db']::text[]),
  -- a failed or waiting combination is claimable again from this time
  next_attempt_at timestamptz,
  -- the period the backfill fetched (days back); NULL for rows marked by
  -- mark_combination_backfilled
  backfill_days integer check (backfill_days between 1 and 90),
  -- the request that completed the backfill; others that needed it count it as "skipped"
  backfill_request_id bigint references public.backfill_requests (id) on delete set null,
  -- the request that claimed it last, and how often in a row: a request gives up on a
  -- combination after its own attempts, not after other requests' ones
  attempted_by_request bigint,
  request_attempts integer not null default 0 check (request_attempts >= 0),
  -- per provider, where its daily refresh last succeeded up to: a provider that is stopped
  -- (spent budget) does not hold the other's window open; last_refreshed_at stays the earliest
  -- of them, the combination's own "refreshed up to"
  provider_refreshed_at jsonb not null default '{}'::jsonb,
  -- who caused the combination's first, paid fetch, and when (set by its first claim)
  first_requested_by uuid references auth.users (id) on delete set null,
  first_claimed_at timestamptz,

  constraint backfill_tracking_combination_unique unique nulls not distinct
    (title_keyword, location, ai_work_arrangement, ai_employment_type, ai_seniority, ai_industry),
  constraint backfill_tracking_backfilled_has_date
    check (state <> 'backfilled' or backfilled_date is not null),
  constraint backfill_tracking_claim_consistent
    check (state <> 'claimed' or (claimed_at is not null and claim_expires_at is not null))
);

comment on table public.backfill_tracking is
  'One row per distinct search combination: claimed, backfilled once for everybody, refreshed daily.';
comment on column public.backfill_tracking.credits_used is
  'Provider credits spent on the first backfill of this combination; what a later user saves.';
comment on column public.backfill_tracking.state is
  'pending | claimed | backfilled (every provider reached its end) | failed (retried from '
  'next_attempt_at) | waiting (providers_done are stored; the others wait for a provider pause '
  'or a Retry-After to end at next_attempt_at; not a failure)';
comment on column public.backfill_tracking.providers_done is
  'Providers whose backfill of this combination is stored; a retry fetches only the others.';
comment on column public.backfill_tracking.provider_refreshed_at is
  'Per provider, the instant its daily refresh last succeeded up to, e.g. {"jsearch": "..."}.';
comment on column public.backfill_tracking.first_requested_by is
  'The user whose request first claimed this combination: who caused its first, paid fetch.';

-- The original Python backfill system's lookup index.
create index idx_backfill_combination on public.backfill_tracking
  (title_keyword, location, ai_work_arrangement, ai_seniority);

create index backfill_tracking_claimable_idx on public.backfill_tracking (state, claim_expires_at)
  where state <> 'backfilled';

-- One unique index per combination (the six-column constraint above), so that ON CONFLICT can
-- always arbitrate: a second, equivalent unique index on combination_key turned a concurrent
-- insert of the same combination that collided first in the *other* index into a plain unique
-- violation (ten sessions marking one combination at once failed that way about once in ten
-- runs). combination_key is a function of the six columns; this plain index serves the joins.
create index backfill_tracking_combination_key_idx on public.backfill_tracking (combination_key);
create index backfill_tracking_request_idx on public.backfill_tracking (backfill_request_id);

create index backfill_tracking_first_requested_idx
  on public.backfill_tracking (first_requested_by, first_claimed_at)
  where first_requested_by is not null;

create trigger backfill_tracking_touch_updated_at before update on public.backfill_tracking
  for each row execute function private.touch_updated_at();

create trigger backfill_tracking_normalize_labels
  before insert or update of title_keyword, location on public.backfill_tracking
  for each row execute function private.normalize_search_labels();

alter table public.backfill_tracking enable row level security;
revoke all on public.backfill_tracking from anon, authenticated;
grant all on public.backfill_tracking to service_role;

-- ---- the tracking functions ------------------------------------------------------------------
-- For the service role (the backfill worker) and the SQL editor. Inputs are normalised with
-- private.normalize_label, so callers and the check constraints agree on what one combination
-- is.

-- The user's active combinations that have not been backfilled yet: a LEFT JOIN against
-- backfill_tracking. A combination that is claimed but unfinished, or whose backfill failed, is
-- still unbacked; a combination backfilled for anybody is not.
create or replace function public.get_unbacked_combinations_for_user(p_user_id uuid)
returns table (
  title_keyword text,
  location text,
  ai_work_arrangement text,
  ai_employment_type text,
  ai_seniority text,
  ai_industry text,
  combination_key text,
  tracking_state text
)
language sql stable set search_path = ''
as $$
  select distinct
    q.title_keyword, q.location, q.ai_work_arrangement, q.ai_employment_type, q.ai_seniority,
    q.ai_industry, q.combination_key, coalesce(bt.state, 'untracked')
  from public.user_search_queries q
  left join public.backfill_tracking bt on bt.combination_key = q.combination_key
  where q.user_id = p_user_id
    and q.is_active
    and (bt.id is null or bt.state <> 'backfilled')
  order by q.title_keyword, q.location
$$;

comment on function public.get_unbacked_combinations_for_user(uuid) is
  'Active combinations of a user that nobody has backfilled yet (LEFT JOIN backfill_tracking).';

-- Records a finished backfill of one combination. Idempotent: marking again keeps the first
-- backfilled_date and adds the new credits.
create or replace function public.mark_combination_backfilled(
  p_title_keyword text,
  p_location text,
  p_ai_work_arrangement text default null,
  p_ai_employment_type text default null,
  p_ai_seniority text default null,
  p_ai_industry text default null,
  p_jobs_found integer default 0,
  p_credits_used integer default 0,
  p_credits_by_provider jsonb default '{}'::jsonb
) returns public.backfill_tracking
language plpgsql volatile set search_path = ''
as $$
declare
  result public.backfill_tracking;
begin
  if private.normalize_label(p_title_keyword) is null or private.normalize_label(p_location) is null
  then
    raise exception 'Cannot mark combination backfilled: title_keyword and location are required'
      using errcode = '22023';
  end if;

  insert into public.backfill_tracking as bt (
    title_keyword, location, ai_work_arrangement, ai_employment_type, ai_seniority, ai_industry,
    state, backfilled_date, jobs_found, credits_used, credits_by_provider
  ) values (
    private.normalize_label(p_title_keyword), private.normalize_label(p_location),
    p_ai_work_arrangement, p_ai_employment_type, p_ai_seniority, p_ai_industry,
    'backfilled', now(), greatest(p_jobs_found, 0), greatest(p_credits_used, 0),
    coalesce(p_credits_by_provider, '{}'::jsonb)
  )
  on conflict on constraint backfill_tracking_combination_unique do update
    set state = 'backfilled',
        backfilled_date = coalesce(bt.backfilled_date, now()),
        jobs_found = excluded.jobs_found,
        credits_used = bt.credits_used + excluded.credits_used,
        credits_by_provider = (
          select coalesce(jsonb_object_agg(k, coalesce((bt.credits_by_provider ->> k)::int, 0)
                                              + coalesce((excluded.credits_by_provider ->> k)::int, 0)),
                          '{}'::jsonb)
          from (select jsonb_object_keys(bt.credits_by_provider) as k
                union
                select jsonb_object_keys(excluded.credits_by_provider)) as keys
        ),
        claimed_at = null,
        claimed_by = null,
        claim_expires_at = null,
        last_error = null
  returning * into result;
  return result;
end
$$;

comment on function public.mark_combination_backfilled(text, text, text, text, text, text, integer, integer, jsonb) is
  'Marks one combination backfilled with jobs found and credits used; idempotent.';

create or replace function public.is_combination_backfilled(
  p_title_keyword text,
  p_location text,
  p_ai_work_arrangement text default null,
  p_ai_employment_type text default null,
  p_ai_seniority text default null,
  p_ai_industry text default null
) returns boolean
language sql stable set search_path = ''
as $$
  select exists (
    select 1
    from public.backfill_tracking bt
    where bt.combination_key = private.combination_key(
        private.normalize_label(p_title_keyword), private.normalize_label(p_location),
        p_ai_work_arrangement, p_ai_employment_type, p_ai_seniority, p_ai_industry)
      and bt.state = 'backfilled'
  )
$$;

comment on function public.is_combination_backfilled(text, text, text, text, text, text) is
  'True when this combination has been backfilled for anybody.';

revoke execute on function public.get_unbacked_combinations_for_user(uuid),
  public.mark_combination_backfilled(text, text, text, text, text, text, integer, integer, jsonb),
  public.is_combination_backfilled(text, text, text, text, text, text)
  from public, anon, authenticated;
grant execute on function public.get_unbacked_combinations_for_user(uuid),
  public.mark_combination_backfilled(text, text, text, text, text, text, integer, integer, jsonb),
  public.is_combination_backfilled(text, text, text, text, text, text)
  to service_role;
