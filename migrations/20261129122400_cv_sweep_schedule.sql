-- ---------------------------------------------------------------------------
-- The CV sweep every five minutes, with pg_cron where the database has it (Supabase: enabled the
-- way its docs do, in pg_catalog). Where it has not (the embedded PGlite, a database pg_cron does
-- not serve), the migration still applies; there the local runner (issue 7) is to run the sweep.
-- Re-running is harmless: cron.schedule replaces a job of the same name.
-- ---------------------------------------------------------------------------

do $$
begin
  if not exists (select 1 from pg_available_extensions where name = 'pg_cron') then
    raise notice 'pg_cron is not available; the local runner schedules the CV sweep';
    return;
  end if;
  begin
    create extension if not exists pg_cron with schema pg_catalog;
    perform cron.schedule('cv-ingest-sweep', '*/5 * * * *',
                          'select private.resend_stalled_cv_ingests()');
  exception when others then
    -- a warning, not a notice: on a hosted project this means no sweep runs
    raise warning 'pg_cron could not schedule the CV sweep (%: %); schedule '
      'select private.resend_stalled_cv_ingests() every 5 minutes by hand', sqlstate, sqlerrm;
  end;
end
$$;
