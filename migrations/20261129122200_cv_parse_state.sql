-- ---------------------------------------------------------------------------
-- A CV's way through parsing, as SQL functions the cv-ingest function calls (service role):
--   begin_cv_parse   uploaded (or a stale parsing) -> parsing; anything else: nothing to do,
--                    so a redelivered webhook for the same object version parses once
--   finish_cv_parse  parsing -> parsed, in one transaction with the user's new queries (the
--                    previous active ones deactivated, kept) and a durable backfill request
--   fail_cv_parse    parsing -> failed with a reason the user can act on; no partial queries
--   retry_cv_parse   failed -> uploaded, so that the sweep or a new call parses it again
-- and backfill_requests: the durable handoff to the backfill (a row, not an in-memory call).
-- ---------------------------------------------------------------------------

alter table public.cv_documents
  add column profile jsonb,
  -- how often the sweep has re-sent this CV to cv-ingest, and when last (for its backoff)
  add column sends integer not null default 0 check (sends >= 0),
  add column last_sent_at timestamptz;
comment on column public.cv_documents.profile is
  'The candidate profile Claude read (titles with seniority, places, preferences, skills); the '
  'feed ranks jobs against it.';

create table public.backfill_requests (
  id bigint generated always as identity primary key,
  user_id uuid not null references auth.users (id) on delete cascade,
  -- the CV whose queries asked for it (NULL for a request made by hand)
  cv_document_id uuid references public.cv_documents (id) on delete set null,
  requested_by text not null default 'cv_ingest'
    check (requested_by in ('cv_ingest', 'cli', 'manual', 'sweep')),
  -- how far back to fetch; NULL = the backfill's default (a month)
  days integer check (days between 1 and 90),
  state text not null default 'pending' check (state in ('pending', 'running', 'done', 'failed')),
  attempts integer not null default 0 check (attempts >= 0),
  last_error text,
  requested_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  -- one request per parsed CV: a redelivery cannot ask twice
  constraint backfill_requests_one_per_cv unique (cv_document_id)
);

comment on table public.backfill_requests is
  'Durable requests to backfill a user''s combinations; the backfill claims and completes them.';

create index backfill_requests_pending_idx on public.backfill_requests (requested_at)
  where state in ('pending', 'running');

alter table public.backfill_requests enable row level security;
revoke all on public.backfill_requests from anon, authenticated;
grant all on public.backfill_requests to service_role;

-- Claims a CV for parsing. Returns the row when this caller is now the one parsing it, else
-- nothing: already parsing (and not stale), parsed, or failed (failed needs retry_cv_parse).
create or replace function public.begin_cv_parse(
  p_cv_document_id uuid,
  p_stale_after interval default interval '10 minutes',
  p_max_attempts integer default 3
) returns setof public.cv_documents
language plpgsql volatile security invoker set search_path = ''
as $$
begin
  -- a CV that crashed the parser p_max_attempts times is failed, not parsed forever
  update public.cv_documents d
  set status = 'failed',
      error = coalesce('Parsing ' || d.file_name || ' failed ' || d.attempts || ' times; the last '
                       || 'attempt said: ' || d.error,
                       d.file_name || ' could not be processed after ' || d.attempts
                       || ' attempts. Upload it again, or contact support if it keeps failing.')
  where d.id = p_cv_document_id and d.attempts >= p_max_attempts
    and (d.status = 'uploaded'
         or (d.status = 'parsing' and d.parsing_started_at < now() - p_stale_after));
  return query
  update public.cv_documents d
  set status = 'parsing', attempts = d.attempts + 1, parsing_started_at = now()
  where d.id = p_cv_document_id
    and (d.status = 'uploaded'
         or (d.status = 'parsing' and d.parsing_started_at < now() - p_stale_after))
  returning d.*;
end
$$;

-- Finishes a parse: the CV's queries become the user's active queries (unless a newer CV of the
-- user is already parsed: then they are kept inactive), the CV is parsed, and a backfill request
-- is recorded. p_queries: [{title_keyword, location, ai_work_arrangement, ai_employment_type,
-- ai_seniority, ai_industry}]. Returns the number of active queries written, or NULL when the
-- CV was not being parsed (a late duplicate: nothing changes).
create or replace function public.finish_cv_parse(
  p_cv_document_id uuid,
  p_queries jsonb,
  p_model text,
  p_input_tokens integer,
  p_output_tokens integer,
  p_profile jsonb default null
) returns integer
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  doc public.cv_documents;
  newest boolean;
  written integer;
begin
  select * into doc from public.cv_documents where id = p_cv_document_id for update;
  if not found or doc.status <> 'parsing' then
    return null;
  end if;
  -- one finish per user at a time: "newest wins" must see the other CV's outcome
  perform pg_advisory_xact_lock(hashtextextended('cv_documents.user:' || doc.user_id::text, 0));
  -- a CV uploaded later that is already parsed wins
  newest := not exists (
    select 1 from public.cv_documents o
    where o.user_id = doc.user_id and o.id <> doc.id and o.status = 'parsed'
      and o.created_at > doc.created_at);
  if newest then
    update public.user_search_queries set is_active = false, deactivated_at = now()
    where user_id = doc.user_id and is_active;
  end if;
  insert into public.user_search_queries (user_id, cv_document_id, title_keyword, location,
    ai_work_arrangement, ai_employment_type, ai_seniority, ai_industry, is_active,
    deactivated_at)
  select distinct on (private.combination_key(q.title_keyword, q.location,
                        q.ai_work_arrangement, q.ai_employment_type, q.ai_seniority,
                        q.ai_industry))
         doc.user_id, doc.id, q.title_keyword, q.location, q.ai_work_arrangement,
         q.ai_employment_type, q.ai_seniority, q.ai_industry, newest,
         case when newest then null else now() end
  from jsonb_to_recordset(p_queries) as q(title_keyword text, location text,
    ai_work_arrangement text, ai_employment_type text, ai_seniority text, ai_industry text);
  get diagnostics written = row_count;
  update public.cv_documents
  set status = 'parsed', parsed_at = now(), error = null, model = p_model,
      input_tokens = p_input_tokens, output_tokens = p_output_tokens, profile = p_profile
  where id = doc.id;
  if newest and written > 0 then
    insert into public.backfill_requests (user_id, cv_document_id)
    values (doc.user_id, doc.id)
    on conflict on constraint backfill_requests_one_per_cv do nothing;
  end if;
  return case when newest then written else 0 end;
end
$$;

-- Fails a parse with a reason for the user. A retryable failure (Claude busy, a download that
-- failed) goes back to 'uploaded' with the reason noted, for the sweep to try again; after
-- p_max_attempts it fails for good. Returns false when the CV was not being parsed.
create or replace function public.fail_cv_parse(
  p_cv_document_id uuid,
  p_error text,
  p_model text default null,
  p_input_tokens integer default null,
  p_output_tokens integer default null,
  p_retryable boolean default false,
  p_max_attempts integer default 3
) returns boolean
language sql volatile security invoker set search_path = ''
as $$
  with failed as (
    update public.cv_documents
    set status = case when p_retryable and attempts < p_max_attempts then 'uploaded'
                      else 'failed' end,
        error = coalesce(nullif(btrim(p_error), ''), 'Parsing failed.'),
        model = coalesce(p_model, model), input_tokens = coalesce(p_input_tokens, input_tokens),
        output_tokens = coalesce(p_output_tokens, output_tokens)
    where id = p_cv_document_id and status = 'parsing'
    returning 1
  )
  select exists (select 1 from failed)
$$;

-- Puts a failed CV back in line. Returns false when it had not failed.
create or replace function public.retry_cv_parse(p_cv_document_id uuid) returns boolean
language sql volatile security invoker set search_path = ''
as $$
  with retried as (
    update public.cv_documents set status = 'uploaded', error = null, attempts = 0, sends = 0,
      last_sent_at = null
    where id = p_cv_document_id and status = 'failed'
    returning 1
  )
  select exists (select 1 from retried)
$$;

revoke execute on function public.begin_cv_parse(uuid, interval, integer),
  public.finish_cv_parse(uuid, jsonb, text, integer, integer, jsonb),
  public.fail_cv_parse(uuid, text, text, integer, integer, boolean, integer),
  public.retry_cv_parse(uuid) from public, anon, authenticated;
grant execute on function public.begin_cv_parse(uuid, interval, integer),
  public.finish_cv_parse(uuid, jsonb, text, integer, integer, jsonb),
  public.fail_cv_parse(uuid, text, text, integer, integer, boolean, integer),
  public.retry_cv_parse(uuid) to service_role;
