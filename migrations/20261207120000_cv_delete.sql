-- ---------------------------------------------------------------------------
-- Deleting a CV (the `cvs` function's DELETE /cvs/<id>, as the user): the searches taken from it
-- stop (is_active = false, deactivated_at), its cv_documents row goes, and the caller learns the
-- Storage path to remove through Storage's API (never a direct delete from storage.objects: the
-- file would stay behind). The object is removed only while it is still this CV's version: a
-- later upload to the same path is another CV.
-- ---------------------------------------------------------------------------

create or replace function public.delete_my_cv(p_cv_document_id uuid)
returns table (storage_path text, remove_object boolean, searches integer)
language plpgsql volatile security definer set search_path = ''
as $$
declare
  doc public.cv_documents;
  stopped integer;
begin
  select * into doc from public.cv_documents d
  where d.id = p_cv_document_id and d.user_id = (select auth.uid())
  for update;
  if not found then
    return;
  end if;
  -- the same lock as finish_cv_parse: a parse finishing now sees the CV gone or not at all
  perform pg_advisory_xact_lock(hashtextextended('cv_documents.user:' || doc.user_id::text, 0));
  update public.user_search_queries q set is_active = false, deactivated_at = now()
  where q.cv_document_id = doc.id and q.is_active;
  get diagnostics stopped = row_count;
  delete from public.cv_documents d where d.id = doc.id;
  return query
    select doc.storage_path,
           exists (select 1 from storage.objects o
                   where o.bucket_id = doc.storage_bucket and o.name = doc.storage_path
                     and o.version is not distinct from doc.object_version),
           stopped;
end
$$;

comment on function public.delete_my_cv(uuid) is
  'The caller deletes one of their CVs: its searches stop, its row goes; returns the Storage path '
  'to remove through the Storage API, whether to (still this version), and how many searches stopped.';

revoke execute on function public.delete_my_cv(uuid) from public, anon;
grant execute on function public.delete_my_cv(uuid) to authenticated, service_role;
