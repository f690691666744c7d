-- ---------------------------------------------------------------------------
-- The seed's three tracking functions, for the service role (the backfill worker) and the SQL
-- editor. Inputs are normalised with private.normalize_label, so callers and the check
-- constraints agree on what one combination is.
-- ---------------------------------------------------------------------------

-- The user's active combinations that have not been backfilled yet: the seed's LEFT JOIN
-- against backfill_tracking. A combination that is claimed but unfinished, or whose backfill
-- failed, is still unbacked; a combination backfilled for anybody is not.
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

revoke execute on function public.get_unbacked_combinations_for_user(uuid) from public, anon, authenticated;
revoke execute on function public.mark_combination_backfilled(text, text, text, text, text, text, integer, integer, jsonb)
  from public, anon, authenticated;
revoke execute on function public.is_combination_backfilled(text, text, text, text, text, text)
  from public, anon, authenticated;
grant execute on function public.get_unbacked_combinations_for_user(uuid) to service_role;
grant execute on function public.mark_combination_backfilled(text, text, text, text, text, text, integer, integer, jsonb)
  to service_role;
grant execute on function public.is_combination_backfilled(text, text, text, text, text, text)
  to service_role;
