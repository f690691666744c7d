-- ---------------------------------------------------------------------------
-- Postings stored before are settled by identity key 1 (provider + provider id), the cheapest:
-- the store sends every posting of a batch here first, as keys only, and sends in full, to
-- upsert_jobs, only those this did not find. One statement both finds a posting and marks it
-- seen, where known_job_sources (now dropped) found it and upsert_jobs looked it up again.
-- ---------------------------------------------------------------------------

-- For postings that may be stored already (p_seen: provider, provider_job_id, valid_through):
-- each stored one moves last_seen_at, and so does its job (valid_through too, when the posting
-- gives one); the jobs are linked to the combination. Returns the stored ones with their job.
create or replace function public.see_known_postings(
  p_seen jsonb,
  p_combination_id bigint default null
)
returns table (provider text, provider_job_id text, job_id bigint)
language sql volatile security invoker set search_path = '' set jit = off
as $$
  with seen as materialized (
    select * from private.job_batch_seen(p_seen)
  ),
  seen_sources as (
    update public.job_sources x set last_seen_at = now()
    from seen s
    where x.provider = s.provider and x.provider_job_id = s.provider_job_id
    returning x.provider, x.provider_job_id, x.job_id, s.valid_through
  ),
  -- one UPDATE per job (a second one on the same row in the same statement would be skipped),
  -- with the latest validity any of its postings gives
  touched as (
    select s.job_id, max(s.valid_through) as valid_through
    from seen_sources s
    group by s.job_id
  ),
  refreshed as (
    update public.jobs x set
      last_seen_at = now(),
      valid_through = coalesce(t.valid_through, x.valid_through)
    from touched t
    where x.id = t.job_id
    returning x.id
  ),
  linked as (
    insert into public.combination_jobs as c (combination_id, job_id)
    select p_combination_id, t.job_id
    from touched t
    where p_combination_id is not null
    on conflict (combination_id, job_id) do update set last_found_at = now()
    returning c.job_id
  )
  -- refreshed and linked run to completion although nothing reads them
  select s.provider, s.provider_job_id, s.job_id from seen_sources s
$$;

comment on function public.see_known_postings(jsonb, bigint) is
  'Marks the stored ones among these postings (keys only) seen, with their jobs, and links '
  'the jobs to the combination; returns them. Service role only.';

revoke execute on function public.see_known_postings(jsonb, bigint) from public, anon, authenticated;
grant execute on function public.see_known_postings(jsonb, bigint) to service_role;

drop function public.known_job_sources(text[], text[]);
