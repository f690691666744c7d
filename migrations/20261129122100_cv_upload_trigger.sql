-- ---------------------------------------------------------------------------
-- A CV lands in bucket cvs: record it in cv_documents and wake the cv-ingest function.
--
-- What Supabase Storage's API server (https://github.com/supabase/storage) does in Postgres on an
-- upload: a permission-test INSERT as the uploader, always rolled back, then the real INSERT ... ON CONFLICT DO UPDATE as
-- service_role (auth.uid() is NULL there). A re-upload to the same path is an UPDATE with a new
-- version. So the trigger runs AFTER INSERT OR UPDATE, acts once per object version, takes the
-- user from owner_id or the first path segment, and never raises: a CV we fail to record must not
-- fail the upload (the sweep finds objects without a cv_documents row).
-- ---------------------------------------------------------------------------

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
