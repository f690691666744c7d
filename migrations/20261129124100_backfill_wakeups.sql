-- ---------------------------------------------------------------------------
-- What starts the backfill function, and what restarts it when an invocation is lost:
--   * a new backfill_requests row (the CV-ingestion handoff, or one made by hand) calls the
--     `backfill` Edge Function through pg_net after its transaction commits; a failure to queue
--     never fails the insert;
--   * settle_backfill_request queues the next invocation of a request that has more to do;
--   * the sweep (pg_cron every minute) re-sends requests that are due and not being worked on:
--     pending past their time, or running with an expired lease (the invocation died). The row
--     is the truth; pg_net, which never retries, is only the doorbell.
-- ---------------------------------------------------------------------------

create or replace function private.handle_backfill_request() returns trigger
language plpgsql volatile security definer set search_path = ''
as $$
begin
  begin
    perform private.invoke_edge_function('backfill', jsonb_build_object('request_id', new.id));
  exception when others then
    raise warning 'Could not call the backfill function for request %: % (%); the sweep will',
      new.id, sqlerrm, sqlstate;
  end;
  return null;
end
$$;

revoke execute on function private.handle_backfill_request() from public, anon, authenticated;

create trigger on_backfill_requested
  after insert on public.backfill_requests
  for each row execute function private.handle_backfill_request();

-- Re-sends due requests to the backfill function, at most p_batch per run, each at most once per
-- p_resend_after (a request that is being worked on is skipped by take_backfill_request anyway).
-- Returns how many were sent.
create or replace function private.resend_due_backfills(
  p_resend_after interval default interval '1 minute',
  p_batch integer default 10
) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  resent integer := 0;
  req record;
begin
  for req in
    select r.id from public.backfill_requests r
    where ((r.state = 'pending' and r.not_before <= now())
           or (r.state = 'running' and r.lease_expires_at < now()))
      and coalesce(r.last_sent_at, r.requested_at) < now() - p_resend_after
    order by r.not_before, r.id
    limit p_batch
  loop
    if private.invoke_edge_function('backfill', jsonb_build_object('request_id', req.id))
       is not null then
      update public.backfill_requests set sends = sends + 1, last_sent_at = now()
      where id = req.id;
      resent := resent + 1;
    end if;
  end loop;
  return resent;
end
$$;

revoke execute on function private.resend_due_backfills(interval, integer)
  from public, anon, authenticated;
grant execute on function private.resend_due_backfills(interval, integer) to service_role;

do $$
begin
  if not exists (select 1 from pg_available_extensions where name = 'pg_cron') then
    raise notice 'pg_cron is not available; the local runner schedules the backfill sweep';
    return;
  end if;
  begin
    create extension if not exists pg_cron with schema pg_catalog;
    perform cron.schedule('backfill-sweep', '* * * * *', 'select private.resend_due_backfills()');
  exception when others then
    raise warning 'pg_cron could not schedule the backfill sweep (%: %); schedule '
      'select private.resend_due_backfills() every minute by hand', sqlstate, sqlerrm;
  end;
end
$$;
