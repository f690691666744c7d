-- ---------------------------------------------------------------------------
-- The CV sweep: pg_net never retries and its queue does not survive a crash, so whatever the
-- webhook lost is found here from durable rows and sent again.
--   * an object in bucket cvs without its cv_documents row (the trigger could not record it)
--     gets one;
--   * a CV still 'uploaded' after p_after, or 'parsing' past the stale time, is sent to
--     cv-ingest again (begin_cv_parse lets exactly one call take it).
-- Run it every few minutes (pg_cron on Supabase, the local runner's scheduler at home).
-- ---------------------------------------------------------------------------

create or replace function private.resend_stalled_cv_ingests(
  p_after interval default interval '5 minutes',
  p_stale_parsing interval default interval '10 minutes',
  p_batch integer default 20
) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  resent integer := 0;
  recorded uuid[];
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
           or (d.status = 'parsing' and d.parsing_started_at < now() - p_stale_parsing))
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

revoke execute on function private.resend_stalled_cv_ingests(interval, interval, integer)
  from public, anon, authenticated;
grant execute on function private.resend_stalled_cv_ingests(interval, interval, integer)
  to service_role;
