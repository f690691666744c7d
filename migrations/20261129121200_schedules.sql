-- ---------------------------------------------------------------------------
-- private.schedules: every job the database runs on a clock, in one table that pg_cron (on
-- Supabase, and wherever the extension is) and the local runner (local/start.ts, where pg_cron
-- is absent) both read:
--   kind 'cron'              schedule is a cron expression in UTC, as pg_cron reads it
--   kind 'daily_local_time'  daily at settings.daily_refresh_local_time in
--                            settings.daily_refresh_time_zone, DST-correct. pg_cron runs in UTC,
--                            so it gets one entry per UTC time that local time falls on over a
--                            year (<name>-HHMM-utc: 04:00 and 05:00 for 06:00 Europe/Berlin), and
--                            the command (public.fire_daily_refresh) lets exactly one firing
--                            through per local date; the local runner sleeps until
--                            public.next_daily_refresh_at() instead
-- private.apply_schedules() puts every row on pg_cron with cron.schedule (a job of the same name
-- is replaced). It runs here, after every change to the table, and when the daily refresh's time
-- or zone change in settings; the local runner reads the table when it starts.
-- ---------------------------------------------------------------------------

create table private.schedules (
  name text primary key check (name ~ '^[a-z][a-z0-9-]*$'),
  kind text not null check (kind in ('cron', 'daily_local_time')),
  schedule text,
  command text not null check (btrim(command) <> ''),
  description text not null,
  constraint schedules_cron_has_schedule check ((kind = 'cron') = (schedule is not null))
);

comment on table private.schedules is
  'Every job the database runs on a clock: pg_cron runs them (private.apply_schedules), the '
  'local runner (local/start.ts) runs them where pg_cron is absent.';
comment on column private.schedules.schedule is
  'For kind cron: a cron expression in UTC (minute hour day-of-month month day-of-week). NULL '
  'for kind daily_local_time, whose time is settings.daily_refresh_local_time in '
  'settings.daily_refresh_time_zone.';

alter table private.schedules enable row level security;
revoke all on private.schedules from public, anon, authenticated;
grant select on private.schedules to service_role;

insert into private.schedules (name, kind, schedule, command, description) values
  ('cv-ingest-sweep', 'cron', '*/5 * * * *', 'select private.resend_stalled_cv_ingests()',
   'CVs the upload webhook lost, or whose parsing stalled, sent to cv-ingest again'),
  ('backfill-sweep', 'cron', '* * * * *', 'select private.resend_due_backfills()',
   'Backfill requests that are due and nobody works on, sent to the backfill function again'),
  ('daily-refresh', 'daily_local_time', null, 'select public.fire_daily_refresh()',
   'The daily refresh of every backfilled combination an active search uses'),
  ('daily-refresh-sweep', 'cron', '* * * * *', 'select private.resend_stalled_refreshes()',
   'Daily runs whose invocations were lost, woken again or settled'),
  ('feed-sweep', 'cron', '*/10 * * * *', 'select private.sweep_feed_items()',
   'Feed items past a recency step or out of currency, moved out of the first page''s scan');

-- Takes a schedule's entries off pg_cron: its own, and the UTC entries of a daily_local_time
-- one.
create or replace function private.unschedule(p_name text) returns void
language plpgsql volatile security definer set search_path = ''
as $$
declare
  job text;
begin
  for job in
    select j.jobname from cron.job j
    where j.jobname = p_name or j.jobname ~ ('^' || p_name || '-\d{4}-utc$')
  loop
    perform cron.unschedule(job);
  end loop;
end
$$;

-- Puts every schedule on pg_cron; returns the entries made.
create or replace function private.apply_schedules() returns setof text
language plpgsql volatile security definer set search_path = ''
as $$
declare
  s private.schedules;
  t time;
  job text;
begin
  for s in select * from private.schedules order by name loop
    if s.kind = 'cron' then
      perform cron.schedule(s.name, s.schedule, s.command);
      return next s.name;
    else
      -- the UTC times move with the settings: entries made for other times go
      perform private.unschedule(s.name);
      for t in select * from private.daily_refresh_utc_times() loop
        job := s.name || '-' || to_char(t, 'HH24MI') || '-utc';
        perform cron.schedule(job, extract(minute from t)::int || ' ' || extract(hour from t)::int
                                   || ' * * *', s.command);
        return next job;
      end loop;
    end if;
  end loop;
end
$$;

-- A schedule added, changed or removed: pg_cron follows.
create or replace function private.schedules_changed() returns trigger
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if tg_op in ('UPDATE', 'DELETE') then
    perform private.unschedule(old.name);
  end if;
  perform private.apply_schedules();
  return null;
end
$$;

create trigger schedules_apply
  after insert or update or delete on private.schedules
  for each row execute function private.schedules_changed();

-- The daily refresh's time or zone changed: its UTC entries move.
create or replace function private.reschedule_daily_refresh() returns trigger
language plpgsql volatile security definer set search_path = ''
as $$
begin
  perform private.apply_schedules();
  return null;
end
$$;

create trigger settings_reschedule_daily_refresh
  after update of daily_refresh_local_time, daily_refresh_time_zone on public.settings
  for each row execute function private.reschedule_daily_refresh();

revoke execute on function private.unschedule(text), private.apply_schedules(),
  private.schedules_changed(), private.reschedule_daily_refresh()
  from public, anon, authenticated;
grant execute on function private.apply_schedules() to service_role;

select private.apply_schedules();
