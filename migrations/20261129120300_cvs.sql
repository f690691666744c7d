-- ---------------------------------------------------------------------------
-- CVs: the private `cvs` bucket, one cv_documents row per uploaded CV (per Storage object
-- version) with its parsing status, the Storage trigger that records an upload and wakes the
-- cv-ingest function, a CV's way through parsing, and the sweep that re-sends what pg_net lost.
-- Rows are written by the Storage trigger and the cv-ingest function (service role); a user reads
-- their own.
-- ---------------------------------------------------------------------------

create table public.cv_documents (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users (id) on delete cascade,
  storage_bucket text not null default 'cvs',
  storage_path text not null,
  storage_object_id uuid,
  -- storage.objects.version: a new value for every upload, also when the same path is overwritten.
  object_version text,
  file_name text not null,
  size_bytes bigint check (size_bytes >= 0),
  status text not null default 'uploaded'
    check (status in ('uploaded', 'parsing', 'parsed', 'failed')),
  error text,
  attempts integer not null default 0 check (attempts >= 0),
  model text,
  input_tokens integer check (input_tokens >= 0),
  output_tokens integer check (output_tokens >= 0),
  parsing_started_at timestamptz,
  parsed_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  profile jsonb,
  -- how often the sweep has re-sent this CV to cv-ingest, and when last (for its backoff)
  sends integer not null default 0 check (sends >= 0),
  last_sent_at timestamptz,
  -- A webhook redelivery for the same upload finds the same row.
  constraint cv_documents_one_row_per_upload
    unique nulls not distinct (storage_bucket, storage_path, object_version),
  constraint cv_documents_failed_has_error check (status <> 'failed' or error is not null),
  constraint cv_documents_parsed_has_time check (status <> 'parsed' or parsed_at is not null)
);

comment on table public.cv_documents is
  'One row per uploaded CV version: uploaded -> parsing -> parsed | failed, with a readable error.';
comment on column public.cv_documents.error is 'Why parsing failed, written for the user to act on.';
comment on column public.cv_documents.profile is
  'The candidate profile Claude read (titles with seniority, places, preferences, skills); the '
  'feed ranks jobs against it.';

create index cv_documents_user_created_idx on public.cv_documents (user_id, created_at desc);

create index cv_documents_status_idx on public.cv_documents (status, updated_at)
  where status in ('uploaded', 'parsing');

create trigger cv_documents_touch_updated_at before update on public.cv_documents
  for each row execute function private.touch_updated_at();

alter table public.cv_documents enable row level security;
revoke all on public.cv_documents from anon, authenticated;
grant select on public.cv_documents to authenticated;
grant all on public.cv_documents to service_role;

create policy "Users read their own CVs" on public.cv_documents
  for select to authenticated
  using (user_id = (select auth.uid()));

-- ---- the bucket ------------------------------------------------------------------------------
-- The private `cvs` bucket. Each user reads and writes only under their own folder
-- `<user id>/...`. Upload needs INSERT; an upsert also needs SELECT and UPDATE.

insert into storage.buckets (id, name, public, file_size_limit, allowed_mime_types)
values ('cvs', 'cvs', false, 10485760, array['application/pdf'])
on conflict (id) do update
  set public = excluded.public,
      file_size_limit = excluded.file_size_limit,
      allowed_mime_types = excluded.allowed_mime_types;

create policy "cvs: users upload into their own folder" on storage.objects
  for insert to authenticated
  with check (bucket_id = 'cvs' and (storage.foldername(name))[1] = (select auth.uid()::text));

create policy "cvs: users read their own folder" on storage.objects
  for select to authenticated
  using (bucket_id = 'cvs' and (storage.foldername(name))[1] = (select auth.uid()::text));

create policy "cvs: users overwrite in their own folder" on storage.objects
  for update to authenticated
  using (bucket_id = 'cvs' and (storage.foldername(name))[1] = (select auth.uid()::text))
  with check (bucket_id = 'cvs' and (storage.foldername(name))[1] = (select auth.uid()::text));

create policy "cvs: users delete in their own folder" on storage.objects
  for delete to authenticated
  using (bucket_id = 'cvs' and (storage.foldername(name))[1] = (select auth.uid()::text));

-- ---- the upload trigger ----------------------------------------------------------------------
-- A CV lands in bucket cvs: record it in cv_documents and wake the cv-ingest function.
--
-- What Supabase Storage's API server (https://github.com/supabase/storage) does in Postgres on an
-- upload: a permission-test INSERT as the uploader, always rolled back, then the real INSERT ...
-- ON CONFLICT DO UPDATE as service_role (auth.uid() is NULL there). A re-upload to the same path
-- is an UPDATE with a new version. So the trigger runs AFTER INSERT OR UPDATE, acts once per
-- object version, takes the user from owner_id or the first path segment, and never raises: a CV
-- we fail to record must not fail the upload (the sweep finds objects without a cv_documents
-- row).

-- Records a cvs object as a cv_documents row (once per version) and returns the new row's id;
-- NULL when the row exists already or no user owns the object. `uploaded_at` becomes
-- created_at, which "the newest CV wins" compares. Used by the trigger and by the sweep.
create or replace function private.record_cv_object(
  object storage.objects,
  uploaded_at timestamptz default now()
) returns uuid
language plpgsql volatile security definer set search_path = ''
as $$
declare
  uploader uuid := coalesce(private.uuid_or_null(object.owner_id),
                            private.uuid_or_null(split_part(object.name, '/', 1)));
  document_id uuid;
begin
  if uploader is null or not exists (select 1 from auth.users u where u.id = uploader) then
    raise warning 'cvs/%: no user owns this object (owner_id %, first folder %); not recorded',
      object.name, object.owner_id, split_part(object.name, '/', 1);
    return null;
  end if;
  insert into public.cv_documents (user_id, storage_bucket, storage_path, storage_object_id,
                                   object_version, file_name, size_bytes, created_at)
  values (uploader, object.bucket_id, object.name, object.id, object.version,
          regexp_replace(object.name, '^.*/', ''),
          case when (object.metadata ->> 'size') ~ '^\d{1,18}$'
               then (object.metadata ->> 'size')::bigint end,
          uploaded_at)
  on conflict on constraint cv_documents_one_row_per_upload do nothing
  returning id into document_id;
  return document_id;
end
$$;

revoke execute on function private.record_cv_object(storage.objects, timestamptz)
  from public, anon, authenticated;

create or replace function private.handle_cv_object() returns trigger
language plpgsql volatile security definer set search_path = ''
as $$
declare
  document_id uuid;
begin
  if tg_op = 'UPDATE' and old.version is not distinct from new.version then
    return null;
  end if;
  begin
    document_id := private.record_cv_object(new);
    if document_id is not null then
      -- the database-webhook payload shape, plus the row the function works on
      perform private.invoke_edge_function('cv-ingest', jsonb_build_object(
        'type', tg_op, 'table', tg_table_name, 'schema', tg_table_schema,
        'record', to_jsonb(new), 'old_record', case when tg_op = 'UPDATE' then to_jsonb(old) end,
        'cv_document_id', document_id));
    end if;
  exception when others then
    raise warning 'CV upload trigger failed for cvs/%: % (%)', new.name, sqlerrm, sqlstate;
  end;
  return null;
end
$$;

revoke execute on function private.handle_cv_object() from public, anon, authenticated;

create trigger on_cv_object_uploaded
  after insert or update on storage.objects
  for each row
  when (new.bucket_id = 'cvs')
  execute function private.handle_cv_object();

-- ---- parsing ---------------------------------------------------------------------------------
-- A CV's way through parsing, as SQL functions the cv-ingest function calls (service role):
--   begin_cv_parse   uploaded (or parsing past settings.cv_parse_lease_seconds) -> parsing;
--                    anything else: nothing to do, so a redelivered webhook for the same object
--                    version parses once
--   finish_cv_parse  parsing -> parsed, in one transaction with the user's new queries (the
--                    previous active ones deactivated, kept) and a durable backfill request
--   fail_cv_parse    parsing -> failed with a reason the user can act on; no partial queries
--   retry_cv_parse   failed -> uploaded, so that the sweep or a new call parses it again
-- A CV parsed settings.cv_parse_max_attempts times without an outcome fails for good.

-- Claims a CV for parsing. Returns the row when this caller is now the one parsing it, else
-- nothing: already parsing (within its lease), parsed, or failed (failed needs retry_cv_parse).
create or replace function public.begin_cv_parse(p_cv_document_id uuid)
returns setof public.cv_documents
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  s public.settings;
begin
  select * into s from public.settings;
  -- a CV that crashed the parser cv_parse_max_attempts times is failed, not parsed forever
  update public.cv_documents d
  set status = 'failed',
      error = coalesce('Parsing ' || d.file_name || ' failed ' || d.attempts || ' times; the last '
                       || 'attempt said: ' || d.error,
                       d.file_name || ' could not be processed after ' || d.attempts
                       || ' attempts. Upload it again, or contact support if it keeps failing.')
  where d.id = p_cv_document_id and d.attempts >= s.cv_parse_max_attempts
    and (d.status = 'uploaded'
         or (d.status = 'parsing'
             and d.parsing_started_at < now() - make_interval(secs => s.cv_parse_lease_seconds)));
  return query
  update public.cv_documents d
  set status = 'parsing', attempts = d.attempts + 1, parsing_started_at = now()
  where d.id = p_cv_document_id
    and (d.status = 'uploaded'
         or (d.status = 'parsing'
             and d.parsing_started_at < now() - make_interval(secs => s.cv_parse_lease_seconds)))
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
-- settings.cv_parse_max_attempts it fails for good. Returns false when the CV was not being
-- parsed.
create or replace function public.fail_cv_parse(
  p_cv_document_id uuid,
  p_error text,
  p_model text default null,
  p_input_tokens integer default null,
  p_output_tokens integer default null,
  p_retryable boolean default false
) returns boolean
language sql volatile security invoker set search_path = ''
as $$
  with failed as (
    update public.cv_documents
    set status = case when p_retryable
                           and attempts < (select s.cv_parse_max_attempts from public.settings s)
                      then 'uploaded' else 'failed' end,
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

revoke execute on function public.begin_cv_parse(uuid),
  public.finish_cv_parse(uuid, jsonb, text, integer, integer, jsonb),
  public.fail_cv_parse(uuid, text, text, integer, integer, boolean),
  public.retry_cv_parse(uuid) from public, anon, authenticated;
grant execute on function public.begin_cv_parse(uuid),
  public.finish_cv_parse(uuid, jsonb, text, integer, integer, jsonb),
  public.fail_cv_parse(uuid, text, text, integer, integer, boolean),
  public.retry_cv_parse(uuid) to service_role;

-- ---- the sweep -------------------------------------------------------------------------------
-- pg_net never retries and its queue does not survive a crash, so whatever the webhook lost is
-- found here from durable rows and sent again (private.schedules: every five minutes).
--   * an object in bucket cvs without its cv_documents row (the trigger could not record it)
--     gets one;
--   * a CV still 'uploaded' after p_after, or 'parsing' past settings.cv_parse_lease_seconds, is
--     sent to cv-ingest again (begin_cv_parse lets exactly one call take it).

create or replace function private.resend_stalled_cv_ingests(
  p_after interval default interval '5 minutes',
  p_batch integer default 20
) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  resent integer := 0;
  recorded uuid[];
  stale_parsing interval := (select make_interval(secs => s.cv_parse_lease_seconds)
                             from public.settings s);
  doc record;
begin
  -- uploads the trigger could not record; created_at is the upload's time, so that "the newest
  -- CV wins" ranks them where they belong
  select coalesce(array_agg(id) filter (where id is not null), '{}') into recorded
  from (
    select private.record_cv_object(o, coalesce(o.updated_at, o.created_at, now())) as id
    from storage.objects o
    where o.bucket_id = 'cvs'
      and o.created_at < now() - p_after
      and not exists (select 1 from public.cv_documents d
                      where d.storage_bucket = o.bucket_id and d.storage_path = o.name
                        and d.object_version is not distinct from o.version)
  ) r;

  -- each CV is re-sent at most 8 times, with a doubling wait (p_after, 2x, 4x, ...), at most
  -- p_batch per run, those waiting longest first: an outage neither loops forever nor floods
  -- Claude when it ends
  for doc in
    select d.id from public.cv_documents d
    where (d.id = any(recorded)
           or (d.status = 'uploaded' and d.created_at < now() - p_after)
           or (d.status = 'parsing' and d.parsing_started_at < now() - stale_parsing))
      and d.sends < 8
      and (d.last_sent_at is null or d.last_sent_at < now() - p_after * power(2, d.sends))
    order by coalesce(d.last_sent_at, d.created_at)
    limit p_batch
  loop
    if private.invoke_edge_function('cv-ingest',
         jsonb_build_object('cv_document_id', doc.id)) is not null then
      update public.cv_documents set sends = sends + 1, last_sent_at = now() where id = doc.id;
      resent := resent + 1;
    end if;
  end loop;
  return resent;
end
$$;

revoke execute on function private.resend_stalled_cv_ingests(interval, integer)
  from public, anon, authenticated;
grant execute on function private.resend_stalled_cv_ingests(interval, integer) to service_role;
