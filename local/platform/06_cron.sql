-- Local stand-in for pg_cron (citusdata/pg_cron: cron.job, and cron.schedule / cron.unschedule by
-- job name, 1.3+ signatures), for a database that cannot have the real extension: the embedded
-- PGlite, a PostgreSQL without the package or without it in shared_preload_libraries, or a
-- database of a cluster whose pg_cron serves another one (cron.database_name). Where the real
-- extension can be created, nothing is made here: the migrations create it.
-- Like the real one, cron.schedule records a job by name (a job of the same name is replaced)
-- and cron.unschedule removes it. Nothing runs the jobs here: the local runner (local/start.ts)
-- runs private.schedules on its own timers.

do $$
begin
  if to_regnamespace('cron') is not null then
    return; -- the real extension, or this stand-in, is there already
  end if;
  if exists (select from pg_available_extensions where name = 'pg_cron')
     and current_setting('cron.database_name', true) = current_database() then
    return; -- pg_cron is preloaded and serves this database: the migrations create it
  end if;

  create schema cron;

  create table cron.job (
    jobid bigserial primary key,
    schedule text not null,
    command text not null,
    nodename text not null default 'localhost',
    nodeport integer not null default coalesce(inet_server_port(), 5432),
    database text not null default current_database(),
    username text not null default current_user,
    active boolean not null default true,
    jobname text,
    constraint jobname_username_uniq unique (jobname, username)
  );

  create function cron.schedule(job_name text, schedule text, command text) returns bigint
  language plpgsql
  as $fn$
  declare
    id bigint;
  begin
    -- pg_cron takes five fields, or @yearly/@daily/... , or "N seconds"
    if array_length(regexp_split_to_array(btrim($2), '\s+'), 1) <> 5
       and btrim($2) !~ '^(@\w+|\d+ seconds?)$' then
      raise exception 'invalid schedule: %', $2
        using hint = 'Use cron syntax (minute hour day-of-month month day-of-week).';
    end if;
    insert into cron.job (schedule, command, jobname)
    values ($2, $3, $1)
    on conflict (jobname, username) do update
      set schedule = excluded.schedule, command = excluded.command, active = true
    returning jobid into id;
    return id;
  end
  $fn$;

  create function cron.unschedule(job_name text) returns boolean
  language plpgsql
  as $fn$
  begin
    delete from cron.job j where j.jobname = job_name and j.username = current_user;
    if not found then
      raise exception 'could not find valid entry for job ''%''', job_name;
    end if;
    return true;
  end
  $fn$;
end
$$;
