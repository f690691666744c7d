-- pgTAP: the extensions the schema calls are there, and pg_cron has every schedule.
begin;
select plan(5);

select has_extension('pg_cron', 'the migrations create pg_cron where the server offers it');
select ok(to_regprocedure('net.http_post(text, jsonb, jsonb, jsonb, integer)') is not null,
  'net.http_post is there (pg_net, or the local stand-in where the server has no pg_net)');
select is(
  (select count(*)::int from private.schedules s
   where s.kind = 'cron'
     and not exists (select 1 from cron.job j
                     where j.jobname = s.name and j.schedule = s.schedule
                       and j.command = s.command)),
  0, 'every cron row of private.schedules is on pg_cron, as it is');
select results_eq(
  $$select schedule from cron.job where jobname like 'daily-refresh-%-utc' order by jobname$$,
  array['0 4 * * *', '0 5 * * *'],
  'the daily refresh fires at 04:00 and 05:00 UTC (06:00 Berlin in summer and winter)');
update public.settings set daily_refresh_local_time = '07:30';
select results_eq(
  $$select schedule from cron.job where jobname like 'daily-refresh-%-utc' order by jobname$$,
  array['30 5 * * *', '30 6 * * *'],
  'moving the time in settings moves the entries');

select * from finish();
rollback;
