-- ---------------------------------------------------------------------------
-- cv_documents: one row per uploaded CV (per Storage object version), with its parsing status.
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
  -- A webhook redelivery for the same upload finds the same row.
  constraint cv_documents_one_row_per_upload
    unique nulls not distinct (storage_bucket, storage_path, object_version),
  constraint cv_documents_failed_has_error check (status <> 'failed' or error is not null),
  constraint cv_documents_parsed_has_time check (status <> 'parsed' or parsed_at is not null)
);

comment on table public.cv_documents is
  'One row per uploaded CV version: uploaded -> parsing -> parsed | failed, with a readable error.';
comment on column public.cv_documents.error is 'Why parsing failed, written for the user to act on.';

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
