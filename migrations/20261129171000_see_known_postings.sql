-- ---------------------------------------------------------------------------
-- Postings stored before are settled by identity key 1 (provider + provider id), the cheapest:
-- the store sends every posting of a batch here first, with its current keys, and sends in
-- full, to upsert_jobs, only those this did not find. One statement both finds a posting and
-- marks it seen, where known_job_sources found it and upsert_jobs looked it up again.
-- known_job_sources stays for Edge Functions deployed before this migration; nothing calls it.
-- ---------------------------------------------------------------------------

-- A posting that may be stored already: its provider id, validity, and its current apply URL
-- and identity keys (shared/jobs/identity.ts), as positional JSON rows.
create type private.job_batch_known as (
  provider text, provider_job_id text, valid_through timestamptz, url text, canonical_url text,
  fingerprint text);

create or replace function private.job_batch_known(p jsonb) returns setof private.job_batch_known
language sql immutable rows 1000 set search_path = ''
as $$
  select r ->> 0, r ->> 1, (r ->> 2)::timestamptz, r ->> 3, r ->> 4, r ->> 5
  from jsonb_array_elements(p) as r
$$;

revoke execute on function private.job_batch_known(jsonb) from public;
grant execute on function private.job_batch_known(jsonb) to service_role;

-- For postings that may be stored already: each stored one moves last_seen_at and takes its
-- current apply URL and keys; its job moves last_seen_at (and valid_through, when a posting
-- gives one), learns those keys unless another job holds them (a link or a title that changed
-- since the posting was stored still finds the job), and is linked to the combination.
-- Returns the stored ones with their job.
create or replace function public.see_known_postings(
  p_postings jsonb,
  p_combination_id bigint default null
)
returns table (provider text, provider_job_id text, job_id bigint)
language sql volatile security invoker set search_path = '' set jit = off
as $$
  with posting as materialized (
    select * from private.job_batch_known(p_postings)
  ),
  seen_sources as (
    update public.job_sources x set
      last_seen_at = now(),
      url = s.url,
      canonical_url = s.canonical_url,
      fingerprint = s.fingerprint
    from posting s
    where x.provider = s.provider and x.provider_job_id = s.provider_job_id
    -- the row as it was before this statement (a statement does not see its own changes):
    -- only keys that changed need learning
    returning x.provider, x.provider_job_id, x.job_id, s.valid_through, s.canonical_url,
              s.fingerprint,
              (select o.canonical_url is distinct from s.canonical_url
                        or o.fingerprint is distinct from s.fingerprint
               from public.job_sources o
               where o.provider = x.provider and o.provider_job_id = x.provider_job_id)
                as keys_changed
  ),
  -- one UPDATE per job (a second one on the same row in the same statement would be skipped),
  -- with the latest validity any of its postings gives; in job id order, the order the jobs
  -- and links are then taken in, so that two writers that see the same jobs (both providers'
  -- copies of a job in chunks side by side) wait for each other rather than deadlock
  touched as materialized (
    select s.job_id, max(s.valid_through) as valid_through
    from seen_sources s
    group by s.job_id
    order by s.job_id
  ),
  refreshed as (
    update public.jobs x set
      last_seen_at = now(),
      valid_through = coalesce(t.valid_through, x.valid_through)
    from touched t
    where x.id = t.job_id
    returning x.id
  ),
  learned as (
    insert into public.job_keys (key, job_id)
    select distinct on (k.key) k.key, s.job_id
    from seen_sources s
    cross join lateral (
      values (case when s.canonical_url is not null
                   then private.job_key('u', s.canonical_url) end),
             (private.job_key('f', s.fingerprint))
    ) as k(key)
    where s.keys_changed and k.key is not null
    order by k.key, s.job_id
    on conflict (key) do nothing
    returning key
  ),
  linked as (
    insert into public.combination_jobs as c (combination_id, job_id)
    select p_combination_id, t.job_id
    from touched t
    where p_combination_id is not null
    order by t.job_id
    on conflict (combination_id, job_id) do update set last_found_at = now()
    returning c.job_id
  )
  -- refreshed, learned and linked run to completion although nothing reads them
  select s.provider, s.provider_job_id, s.job_id from seen_sources s
$$;

comment on function public.see_known_postings(jsonb, bigint) is
  'Marks the stored ones among these postings seen, with their jobs; their jobs learn their '
  'current keys and are linked to the combination. Returns them. Service role only.';

revoke execute on function public.see_known_postings(jsonb, bigint) from public, anon, authenticated;
grant execute on function public.see_known_postings(jsonb, bigint) to service_role;
