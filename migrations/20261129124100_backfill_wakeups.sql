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

-- Re-sends due requests to the backfill function, at most p_batch per run: pending past their
-- time, or running with an expired lease. Each is re-sent with a doubling wait (p_resend_after,
-- 2x, 4x, ... at most 64x) while nothing takes it; after p_warn_after unanswered sends its
-- last_error says what to check. Then failed combinations that no open request will retry get
-- one (requested_by 'sweep', for a user whose active query uses them), so a failure is retried
-- even after the requests that met it have ended — at most 20 attempts per combination.
-- Returns how many calls were queued.
create or replace function private.resend_due_backfills(
  p_resend_after interval default interval '1 minute',
  p_batch integer default 10,
  p_warn_after integer default 5
) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  resent integer := 0;
  req record;
begin
  for req in
    select r.id, r.sends from public.backfill_requests r
    where ((r.state = 'pending' and r.not_before <= now())
           or (r.state = 'running' and r.lease_expires_at < now()))
      and coalesce(r.last_sent_at, r.requested_at)
          < now() - p_resend_after * power(2, least(r.sends, 6))
    order by r.not_before, r.id
    limit p_batch
  loop
    if private.invoke_edge_function('backfill', jsonb_build_object('request_id', req.id))
       is not null then
      update public.backfill_requests
      set sends = sends + 1, last_sent_at = now(),
          last_error = case when sends + 1 >= p_warn_after
            then 'The backfill function has not taken this request after ' || (sends + 1)
                 || ' calls: check that it is deployed, that its FUNCTIONS_SECRET equals the '
                 || 'Vault secret functions_secret, and its logs (is RAPIDAPI_KEY set?)'
            else last_error end
      where id = req.id;
      resent := resent + 1;
    end if;
  end loop;

  insert into public.backfill_requests (user_id, requested_by)
  select f.user_id, 'sweep'
  from (
    select distinct on (bt.id) bt.id, q.user_id
    from public.backfill_tracking bt
    join public.user_search_queries q on q.combination_key = bt.combination_key and q.is_active
    where bt.state = 'failed' and coalesce(bt.next_attempt_at, '-infinity') <= now()
      and bt.attempts < 20
      and not exists (
        select 1 from public.backfill_requests r
        join public.user_search_queries u on u.user_id = r.user_id and u.is_active
        where u.combination_key = bt.combination_key and r.state in ('pending', 'running'))
    order by bt.id, q.created_at desc
    limit p_batch
  ) f
  group by f.user_id;

  return resent;
end
$$;

revoke execute on function private.resend_due_backfills(interval, integer, integer)
  from public, anon, authenticated;
grant execute on function private.resend_due_backfills(interval, integer, integer) to service_role;

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
