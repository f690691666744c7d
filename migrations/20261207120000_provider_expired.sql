-- ---------------------------------------------------------------------------
-- Postings a provider reports expired, asked for once per daily run:
--
--   private.mark_jobs_expired     one statement: the provider's postings among the ids get
--                                 job_sources.expired_at, their jobs jobs.expired_at (each only
--                                 where still null, so a repeat marks nothing); the counts
--   runs.expired_*                the check's record on the daily run, for the SQL editor:
--                                 state, attempts, when, ids reported, postings and jobs marked,
--                                 or why it failed
--   claim_expired_check           one statement takes the check for one invocation: parallel
--                                 invocations and retries never call twice
--   finish_expired_check          marks the reported ids and records the counts, in one statement
--   fail_expired_check            records why the call failed, and whether one more attempt may
--                                 come later in the run
--
-- The provider: Active Jobs DB's GET /active-ats-expired, "IDs of jobs that were flagged as
-- expired yesterday. Updates once per day at 01:30 UTC. Requires Ultra or Mega subscription."
-- (https://rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/active-jobs-db); one request
-- credit, no job credits. Asked only when settings.active_jobs_db_expired_enabled is true.
-- ---------------------------------------------------------------------------

alter table public.runs
  add column expired_state text
    constraint runs_expired_state_check check (expired_state in ('claimed', 'done', 'failed')),
  add column expired_attempts integer not null default 0
    constraint runs_expired_attempts_check check (expired_attempts >= 0),
  add column expired_claimed_at timestamptz,
  add column expired_checked_at timestamptz,
  add column expired_retry_at timestamptz,
  add column expired_reported integer check (expired_reported >= 0),
  add column expired_marked_postings integer check (expired_marked_postings >= 0),
  add column expired_marked_jobs integer check (expired_marked_jobs >= 0),
  add column expired_failure text
    constraint runs_expired_failure_check check (expired_failure in (
      'plan_required', 'key_refused', 'refused', 'quota_exhausted', 'budget_exhausted',
      'rate_limited', 'server_error', 'timeout', 'network_error', 'invalid_response', 'not_sent',
      'store_failed')),
  add column expired_error text,
  add constraint runs_expired_only_daily
    check (kind = 'daily_refresh' or (expired_state is null and expired_error is null));

comment on column public.runs.expired_state is
  'The daily run''s expired-postings check (Active Jobs DB /active-ats-expired): NULL = not '
  'taken (the setting is off, or the provider was paused: see expired_error); claimed = an '
  'invocation is calling, or died with the call out (never asked again: api_usage says whether '
  'it was billed); done = the counts are in; failed = expired_failure and expired_error say why.';
comment on column public.runs.expired_attempts is
  'Calls the check has made on this run (at most 2: a transient failure is asked once more).';
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

-- The provider's postings among p_ids, and their jobs, marked expired now — each only where it
-- is not marked yet, so a repeat marks nothing. One statement. Returns how many postings and
-- jobs it marked.
create or replace function private.mark_jobs_expired(p_provider text, p_ids text[])
returns table (postings integer, jobs integer)
language sql volatile security invoker set search_path = ''
as $$
  with ids as (
    select distinct u.id from unnest(p_ids) as u(id) where u.id is not null
  ),
  marked_postings as (
    update public.job_sources s
    set expired_at = now()
    from ids
    where s.provider = p_provider and s.provider_job_id = ids.id and s.expired_at is null
    returning s.job_id
  ),
  marked_jobs as (
    update public.jobs j
    set expired_at = now()
    where j.id in (select job_id from marked_postings) and j.expired_at is null
    returning 1
  )
  select (select count(*) from marked_postings)::integer, (select count(*) from marked_jobs)::integer
$$;

-- Takes the run's expired-postings check for one invocation, in one statement: returns the
-- attempt number, or NULL when it is not this caller's to make — the setting is off, the run is
-- not running, another invocation took it (a crash after the claim leaves it 'claimed': never
-- asked again), it is done, or it failed and may not (yet) be asked again. With p_blocked_by
-- (the provider is paused: asking would be refused), nothing is taken and the reason is written
-- for the SQL editor; a later invocation of the run takes it once the pause is over.
create or replace function public.claim_expired_check(
  p_run_id bigint,
  p_blocked_by text default null,
  p_max_attempts integer default 2
) returns integer
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  attempt integer;
begin
  if p_blocked_by is not null then
    update public.runs r
    set expired_error = p_blocked_by
    from public.settings s
    where r.id = p_run_id and r.kind = 'daily_refresh' and r.status = 'running'
      and s.active_jobs_db_expired_enabled and r.expired_state is null;
    return null;
  end if;
  update public.runs r
  set expired_state = 'claimed', expired_attempts = r.expired_attempts + 1,
      expired_claimed_at = now(), expired_retry_at = null
  from public.settings s
  where r.id = p_run_id and r.kind = 'daily_refresh' and r.status = 'running'
    and s.active_jobs_db_expired_enabled
    and (r.expired_state is null
         or (r.expired_state = 'failed' and r.expired_retry_at <= now()
             and r.expired_attempts < p_max_attempts))
  returning r.expired_attempts into attempt;
  return attempt;
end
$$;

-- Marks the reported ids expired and records the outcome on the run in one statement (one call).
-- Returns the distinct ids reported and the postings and jobs marked.
create or replace function public.finish_expired_check(
  p_run_id bigint,
  p_provider text,
  p_ids text[]
) returns table (reported integer, postings integer, jobs integer)
language sql volatile security invoker set search_path = ''
as $$
  with marked as (
    select m.postings, m.jobs from private.mark_jobs_expired(p_provider, p_ids) m
  ),
  reported as (
    select count(distinct u.id)::integer as ids from unnest(p_ids) as u(id)
  ),
  recorded as (
    update public.runs r
    set expired_state = 'done', expired_checked_at = now(), expired_retry_at = null,
        expired_reported = reported.ids, expired_marked_postings = marked.postings,
        expired_marked_jobs = marked.jobs, expired_failure = null, expired_error = null
    from marked, reported
    where r.id = p_run_id
    returning 1
  )
  select reported.ids, marked.postings, marked.jobs from marked, reported
$$;

-- Records a failed check: its code, the reason in words, and from when one more attempt may
-- come in this run (NULL: not again).
create or replace function public.fail_expired_check(
  p_run_id bigint,
  p_failure text,
  p_error text,
  p_retry_at timestamptz default null
) returns void
language sql volatile security invoker set search_path = ''
as $$
  update public.runs
  set expired_state = 'failed', expired_checked_at = now(), expired_failure = p_failure,
      expired_error = p_error, expired_retry_at = p_retry_at
  where id = p_run_id and expired_state = 'claimed'
$$;

revoke execute on function private.mark_jobs_expired(text, text[]),
  public.claim_expired_check(bigint, text, integer),
  public.finish_expired_check(bigint, text, text[]),
  public.fail_expired_check(bigint, text, text, timestamptz)
  from public, anon, authenticated;
grant execute on function private.mark_jobs_expired(text, text[]),
  public.claim_expired_check(bigint, text, integer),
  public.finish_expired_check(bigint, text, text[]),
  public.fail_expired_check(bigint, text, text, timestamptz)
  to service_role;
