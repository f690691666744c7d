-- ---------------------------------------------------------------------------
-- The private `cvs` bucket. Each user reads and writes only under their own folder
-- `<user id>/...`. Upload needs INSERT; an upsert also needs SELECT and UPDATE.
-- ---------------------------------------------------------------------------

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
