-- ---------------------------------------------------------------------------
-- When a posting stops being current, whatever says so:
--   jobs.valid_through   the posting's own end (JSearch job_offer_expiration_datetime_utc,
--                        Active Jobs DB date_validthrough);
--   jobs.expired_at      a provider reported it expired (Active Jobs DB /active-ats-expired);
--   jobs.last_seen_at    older than settings.feed_stale_after_days: no provider has listed it
--                        for that long.
-- Any of the three takes the job out of every feed; the job stays in the store for the
-- analytics.
-- ---------------------------------------------------------------------------

alter table public.jobs add column expired_at timestamptz;
alter table public.job_sources add column expired_at timestamptz;

comment on column public.jobs.expired_at is
  'When a provider reported the posting expired; the job leaves every feed, stays stored.';
comment on column public.job_sources.expired_at is
  'When this provider reported its posting expired (Active Jobs DB /active-ats-expired).';

alter table public.settings
  add column feed_stale_after_days integer not null default 30
    check (feed_stale_after_days between 1 and 3650),
  add column active_jobs_db_expired_enabled boolean not null default false;

comment on column public.settings.feed_stale_after_days is
  'A job no provider has listed for this many days leaves the feeds (it stays stored).';
comment on column public.settings.active_jobs_db_expired_enabled is
  'Whether the daily refresh asks Active Jobs DB /active-ats-expired (1 request credit, Ultra '
  'plan or above) which postings expired yesterday, and marks those jobs expired.';
