-- ---------------------------------------------------------------------------
-- Analytics for the SQL editor (and `deno task jobs stats`): backfill overlap and savings, quota
-- tracking, run history and fair use as views. security_invoker: they read with the caller's
-- rights, so RLS of the tables beneath applies; only the service role (and the dashboard's
-- postgres) may read them.
-- ---------------------------------------------------------------------------

-- Combinations by the number of active users whose queries use them.
create or replace view public.combination_popularity with (security_invoker = true) as
select q.combination_key,
       min(q.title_keyword) as title_keyword,
       min(q.location) as location,
       min(q.ai_work_arrangement) as ai_work_arrangement,
       min(q.ai_employment_type) as ai_employment_type,
       min(q.ai_seniority) as ai_seniority,
       min(q.ai_industry) as ai_industry,
       count(distinct q.user_id)::integer as users,
       coalesce(min(bt.state), 'untracked') as state,
       min(bt.backfilled_date) as backfilled_date,
       min(bt.last_refreshed_at) as last_refreshed_at,
       coalesce(min(bt.jobs_found), 0)::integer as jobs_found
from public.user_search_queries q
left join public.backfill_tracking bt on bt.combination_key = q.combination_key
where q.is_active
group by q.combination_key;
comment on view public.combination_popularity is
  'Active combinations by how many users share them, with their backfill state.';

-- Backfill overlap per combination: what its first fetch cost, and what the other users who
-- share it would have paid again without the shared store.
create or replace view public.backfill_overlap with (security_invoker = true) as
select bt.id as combination_id, bt.title_keyword, bt.location, bt.state, bt.backfilled_date,
       coalesce(p.users, 0)::integer as users,
       bt.credits_used,
       (bt.credits_used * greatest(coalesce(p.users, 0) - 1, 0))::integer as credits_saved,
       bt.jobs_found
from public.backfill_tracking bt
left join public.combination_popularity p on p.combination_key = bt.combination_key;
comment on view public.backfill_overlap is
  'Per combination: users sharing it, credits its backfill cost, credits the sharing saved.';

-- The summary: combinations asked for by users vs fetched, credits spent vs a naive
-- per-user backfill.
create or replace view public.backfill_savings with (security_invoker = true) as
select count(*)::integer as combinations,
       coalesce(sum(users), 0)::integer as user_combinations,
       count(*) filter (where state = 'backfilled')::integer as backfilled,
       coalesce(sum(credits_used), 0)::integer as credits_spent,
       coalesce(sum(credits_used * greatest(users, 1)), 0)::integer as credits_naive,
       coalesce(sum(credits_saved), 0)::integer as credits_saved,
       round(100.0 * coalesce(sum(credits_saved), 0)
             / nullif(sum(credits_used * greatest(users, 1)), 0), 1) as savings_percent
from public.backfill_overlap;
comment on view public.backfill_savings is
  'Overall: combinations, user combinations, credits spent vs a naive per-user backfill.';

-- Quota used per provider and calendar month (UTC), against the budget in settings: 'credits'
-- counts every call at what it costs if billed, pending and unknown ones included, so it never
-- undercounts; those are also shown apart, as possibly billed.
create or replace view public.quota_by_month with (security_invoker = true) as
select u.provider,
       date_trunc('month', u.called_at at time zone 'UTC')::date as month,
       count(*)::integer as calls,
       count(*) filter (where u.outcome not in ('ok', 'pending', 'unknown'))::integer
         as failed_calls,
       sum(u.credits)::integer as credits,
       sum(u.jobs_returned)::integer as jobs_returned,
       case u.provider when 'jsearch' then s.jsearch_monthly_credits
                       when 'active_jobs_db' then s.active_jobs_db_monthly_credits end
         as budget_credits,
       case u.provider when 'active_jobs_db' then s.active_jobs_db_monthly_jobs end as budget_jobs,
       (array_agg(u.quota_requests_remaining order by u.called_at desc)
          filter (where u.quota_requests_remaining is not null))[1] as plan_requests_left,
       (array_agg(u.quota_jobs_remaining order by u.called_at desc)
          filter (where u.quota_jobs_remaining is not null))[1] as plan_jobs_left,
       count(*) filter (where u.outcome = 'pending')::integer as pending_calls,
       count(*) filter (where u.outcome = 'unknown')::integer as unknown_calls,
       coalesce(sum(u.credits) filter (where u.outcome in ('pending', 'unknown')), 0)::integer
         as credits_possibly_billed
from public.api_usage u
left join public.settings s on true
group by u.provider, date_trunc('month', u.called_at at time zone 'UTC'), s.jsearch_monthly_credits,
         s.active_jobs_db_monthly_credits, s.active_jobs_db_monthly_jobs;
comment on view public.quota_by_month is
  'Calls, credits and jobs per provider and month, the budget, what the plan said was left, and '
  'calls whose answer is not recorded (pending, unknown: possibly billed).';

-- Run history: every backfill, daily refresh and sweep with its outcome and headline numbers.
create or replace view public.run_history with (security_invoker = true) as
select r.id, r.kind, r.status, r.triggered_by, r.run_date, r.user_id, r.started_at,
       r.finished_at, r.finished_at - r.started_at as duration, r.progress_done, r.progress_total,
       coalesce((r.stats ->> 'new_jobs')::integer, 0) as new_jobs,
       coalesce((r.stats ->> 'credits_used')::integer, 0) as credits_used,
       coalesce((r.stats ->> 'credits_saved')::integer, 0) as credits_saved,
       r.error
from public.runs r;
comment on view public.run_history is 'Runs, newest first when ordered by id, with headline numbers.';

-- Each user's paid combinations and the credits their first fetches cost, today and this month
-- (local days of the settings' time zone).
create or replace view public.user_credit_usage with (security_invoker = true) as
select t.first_requested_by as user_id,
       count(*) filter (where t.first_claimed_at >= b.day_start)::integer as combinations_today,
       coalesce(sum(t.credits_used) filter (where t.first_claimed_at >= b.day_start), 0)::integer
         as credits_today,
       count(*)::integer as combinations_month,
       coalesce(sum(t.credits_used), 0)::integer as credits_month
from public.backfill_tracking t
cross join lateral (
  select date_trunc('day', now() at time zone s.daily_refresh_time_zone)
           at time zone s.daily_refresh_time_zone as day_start,
         date_trunc('month', now() at time zone s.daily_refresh_time_zone)
           at time zone s.daily_refresh_time_zone as month_start
  from public.settings s
) b
where t.first_requested_by is not null and t.first_claimed_at >= b.month_start
group by t.first_requested_by;
comment on view public.user_credit_usage is
  'Per user: new paid combinations caused and their credits, today and this month.';

revoke all on public.combination_popularity, public.backfill_overlap, public.backfill_savings,
  public.quota_by_month, public.run_history, public.user_credit_usage from anon, authenticated;
grant select on public.combination_popularity, public.backfill_overlap, public.backfill_savings,
  public.quota_by_month, public.run_history, public.user_credit_usage to service_role;
