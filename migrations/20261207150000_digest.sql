-- ---------------------------------------------------------------------------
-- The morning digest: after the daily refresh of a local date has settled, each user who turned
-- it on and has new jobs since their last digest gets one email with their best new jobs (the
-- feed's ranking and reasons, public.job_feed read as the user). As rows and functions:
--
--   digest_preferences    a user's switch (enabled, off until they turn it on), max_jobs, and
--                         when their last digest was cut (last_digest_at); RLS: their own row
--   digest_days           one row per local date: the hand-off (queued by the refresh's
--                         settlement, the sweep, the CLI), its heartbeat and its settlement
--   digest_sends          one row per user and local date: exactly once per user and date; its
--                         status, attempts, the provider's id, the error; idempotency_key is what
--                         the email provider call carries, so a crash between sending and
--                         recording resends under the same key and the provider sends nothing new
--   begin_digest          the date's day row, and one send row per user who is due
--   claim_digest_sends    rows for one invocation, SKIP LOCKED, under the daily send cap and the
--                         lease (settings.digest_daily_cap, digest_lease_seconds,
--                         digest_max_attempts)
--   finish_digest_send    sent (moves last_digest_at) | failed | skipped
--   defer_digest_send     back in line until a time (429, 5xx, a stopped provider)
--   settle_digest_day     the day is done when no row is pending or claimed
--   continue_digest       one more invocation when due rows are left (pg_net)
--   resend_due_digests    the sweep (private.schedules 'digest-sweep')
--   unsubscribe_digest    the one-click unsubscribe (a signed link; no sign-in)
--   digest_daily          sent, skipped, failed and pending per local date (the SQL editor, stats)
-- ---------------------------------------------------------------------------

alter table public.settings add column digest_daily_cap integer default 100
  check (digest_daily_cap >= 0);
alter table public.settings add column digest_lease_seconds integer not null default 300
  check (digest_lease_seconds between 150 and 3600);
alter table public.settings add column digest_max_attempts integer not null default 5
  check (digest_max_attempts between 1 and 100);
alter table public.settings add column digest_feed_url text
  check (digest_feed_url ~ '^https?://[^\s<>"]+$');
alter table public.settings add column digest_sends_per_second numeric not null default 2
  check (digest_sends_per_second > 0 and digest_sends_per_second <= 100);

comment on column public.settings.digest_daily_cap is
  'Most digest emails sent per local date (the email provider''s daily quota: Resend''s free '
  'plan sends 100 a day); users past it are skipped that day and get those jobs the next. NULL = '
  'no cap.';
comment on column public.settings.digest_lease_seconds is
  'Seconds a digest invocation holds a claimed send before another may take it over (the same '
  'idempotency key makes the provider send it once).';
comment on column public.settings.digest_max_attempts is
  'Attempts at one user''s digest of one date (retries after 429 and 5xx, interrupted '
  'invocations) before it fails for that date.';
-- Resend's limit counts per team, across every invocation at once: the digest takes its send
-- slots from the same table the job APIs use (public.take_provider_slot).
alter table public.provider_rate_slots drop constraint provider_rate_slots_provider_check;
alter table public.provider_rate_slots add constraint provider_rate_slots_provider_check
  check (provider in ('jsearch', 'active_jobs_db', 'resend'));
insert into public.provider_rate_slots (provider) values ('resend');

comment on column public.settings.digest_sends_per_second is
  'How fast one invocation sends: Resend allows 2 requests a second per team by default '
  '(resend.com/docs/api-reference/rate-limit); raise it with the plan''s limit.';
comment on column public.settings.digest_feed_url is
  'The web page''s URL, which each digest links to as the feed. NULL: the digest cannot be sent '
  '(the invocation stops and says so).';

-- ---- preferences -----------------------------------------------------------------------------

create table public.digest_preferences (
  user_id uuid primary key references auth.users (id) on delete cascade,
  enabled boolean not null default false,
  max_jobs integer not null default 10 check (max_jobs between 1 and 50),
  -- the end of the window of the last digest sent: jobs listed after it are new
  last_digest_at timestamptz,
  enabled_at timestamptz,
  unsubscribed_at timestamptz,
  updated_at timestamptz not null default now()
);

comment on table public.digest_preferences is
  'Each user''s morning digest: off until they turn it on; max_jobs per email; last_digest_at '
  'is where the next digest''s "new" starts.';

create or replace function private.digest_preferences_changed() returns trigger
language plpgsql set search_path = ''
as $$
begin
  new.updated_at := now();
  if new.enabled and (tg_op = 'INSERT' or not old.enabled) then
    new.enabled_at := now();
  end if;
  return new;
end
$$;

revoke execute on function private.digest_preferences_changed() from public, anon, authenticated;

create trigger digest_preferences_changed before insert or update on public.digest_preferences
  for each row execute function private.digest_preferences_changed();

alter table public.digest_preferences enable row level security;
revoke all on public.digest_preferences from anon, authenticated;
-- a user sets the switch and the size, never the bookkeeping
grant select on public.digest_preferences to authenticated;
grant insert (user_id, enabled, max_jobs), update (enabled, max_jobs)
  on public.digest_preferences to authenticated;
grant all on public.digest_preferences to service_role;

create policy "Users see their digest preferences" on public.digest_preferences
  for select to authenticated using (user_id = (select auth.uid()));
create policy "Users set their digest preferences" on public.digest_preferences
  for insert to authenticated with check (user_id = (select auth.uid()));
create policy "Users change their digest preferences" on public.digest_preferences
  for update to authenticated using (user_id = (select auth.uid()))
  with check (user_id = (select auth.uid()));

-- ---- days and sends ----------------------------------------------------------------------------

create table public.digest_days (
  local_date date primary key,
  status text not null default 'queued' check (status in ('queued', 'running', 'done')),
  queued_by text not null check (queued_by in ('refresh', 'sweep', 'cli', 'manual', 'test')),
  queued_at timestamptz not null default now(),
  started_at timestamptz,
  heartbeat_at timestamptz not null default now(),
  finished_at timestamptz,
  -- why the last invocation stopped early (a refused key, a spent quota), with the fix
  stopped_reason text,
  constraint digest_days_finished_consistent check ((status = 'done') = (finished_at is not null))
);

comment on table public.digest_days is
  'One row per local date whose digest was queued: the daily refresh''s settlement writes it '
  'before calling the digest function; the sweep re-sends from it.';

-- The email provider's idempotency key of a user's digest of a date: digest/<user-id>/<YYYY-MM-DD>
-- (immutable: the date is spelt with a fixed pattern, whatever DateStyle says).
create or replace function private.digest_idempotency_key(p_user_id uuid, p_date date)
returns text
language sql immutable set search_path = ''
as $$ select 'digest/' || p_user_id::text || '/' || to_char(p_date, 'YYYY-MM-DD') $$;

revoke execute on function private.digest_idempotency_key(uuid, date)
  from public, anon, authenticated;
grant execute on function private.digest_idempotency_key(uuid, date) to service_role;

create table public.digest_sends (
  user_id uuid not null references auth.users (id) on delete cascade,
  local_date date not null references public.digest_days (local_date) on delete cascade,
  status text not null default 'pending'
    check (status in ('pending', 'claimed', 'sent', 'failed', 'skipped')),
  -- why a row failed or was skipped: refused (the provider refused this address),
  -- retries_exhausted, no_new_jobs, turned_off, daily_cap, day_passed
  failure text check (failure in ('refused', 'retries_exhausted', 'no_new_jobs', 'turned_off',
                                  'daily_cap', 'day_passed')),
  -- the window of "new": listed in the user's feed after jobs_since, up to jobs_until
  jobs_since timestamptz not null,
  jobs_until timestamptz not null,
  attempts integer not null default 0 check (attempts >= 0),
  claimed_by text,
  claim_expires_at timestamptz,
  not_before timestamptz,
  idempotency_key text not null
    generated always as (private.digest_idempotency_key(user_id, local_date)) stored,
  provider_id text,
  job_ids bigint[],
  error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  sent_at timestamptz,
  primary key (user_id, local_date),
  constraint digest_sends_claim_consistent
    check (status <> 'claimed' or (claimed_by is not null and claim_expires_at is not null)),
  constraint digest_sends_sent_has_id check (status <> 'sent' or provider_id is not null)
);

comment on table public.digest_sends is
  'One row per user and local date: the digest email, at most once (the primary key, and the '
  'provider''s idempotency key digest/<user>/<date>). status, attempts, provider_id and error '
  'say what happened.';

create index digest_sends_queue_idx on public.digest_sends (local_date, created_at, user_id)
  where status in ('pending', 'claimed');

create trigger digest_sends_touch before update on public.digest_sends
  for each row execute function private.touch_updated_at();

alter table public.digest_days enable row level security;
alter table public.digest_sends enable row level security;
revoke all on public.digest_days, public.digest_sends from anon, authenticated;
grant all on public.digest_days, public.digest_sends to service_role;

-- ---- the functions -----------------------------------------------------------------------------

-- The local date of p_at in the daily refresh's zone.
create or replace function public.digest_local_date(p_at timestamptz default now())
returns date
language sql stable security invoker set search_path = ''
as $$
  select (p_at at time zone s.daily_refresh_time_zone)::date from public.settings s
$$;

-- Queues the date's digest: its day row first (a finished day opens again, for users who became
-- due since), then a call of the digest function through pg_net. Returns whether the call was
-- queued (the sweep sends it again when not).
create or replace function private.queue_digest(p_date date, p_by text) returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
begin
  insert into public.digest_days as d (local_date, queued_by) values (p_date, p_by)
  on conflict (local_date) do update
    set status = 'queued', finished_at = null, queued_at = now(), queued_by = p_by
    where d.status = 'done';
  begin
    return private.invoke_edge_function('digest', jsonb_build_object('local_date', p_date),
                                        10000) is not null;
  exception when others then
    raise warning 'Could not call digest for %: %; the sweep will', p_date, sqlerrm;
    return false;
  end;
end
$$;

-- The daily refresh of a date settled: that date's digest is due.
create or replace function private.digest_after_refresh() returns trigger
language plpgsql volatile security definer set search_path = ''
as $$
begin
  perform private.queue_digest(new.run_date, 'refresh');
  return null;
end
$$;

create trigger runs_queue_digest
  after update of status on public.runs
  for each row
  when (new.kind = 'daily_refresh' and old.status = 'running' and new.status <> 'running')
  execute function private.digest_after_refresh();

-- Starts (or resumes) the date's digest: the day row runs, and each user who turned the digest
-- on, has no row for the date yet and has a feed item listed since their last digest (the first:
-- the last day) gets a pending row with that window. Returns the rows added.
create or replace function public.begin_digest(p_date date, p_by text default 'manual')
returns integer
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  added integer;
begin
  insert into public.digest_days as d (local_date, queued_by, status, started_at)
  values (p_date, p_by, 'running', now())
  on conflict (local_date) do update
    set status = 'running', finished_at = null, heartbeat_at = now(),
        started_at = coalesce(d.started_at, now());
  insert into public.digest_sends (user_id, local_date, jobs_since, jobs_until)
  select p.user_id, p_date, coalesce(p.last_digest_at, now() - interval '1 day'), now()
  from public.digest_preferences p
  where p.enabled
    and not exists (select 1 from public.digest_sends s
                    where s.user_id = p.user_id and s.local_date = p_date)
    and exists (select 1 from public.feed_items e
                where e.user_id = p.user_id and e.live
                  and e.listed_at > coalesce(p.last_digest_at, now() - interval '1 day'))
  on conflict (user_id, local_date) do nothing;
  get diagnostics added = row_count;
  return added;
end
$$;

-- Rows for one invocation, in one statement under the day's row lock (so parallel invocations
-- agree on the cap): pending and due, or claimed by a worker whose lease ran out. Each claim
-- lasts settings.digest_lease_seconds. Rows of users who turned the digest off are skipped; rows
-- whose invocations died settings.digest_max_attempts times fail; once sent and claimed rows
-- reach settings.digest_daily_cap, the date's other pending rows are skipped (their jobs go into
-- the next digest).
create or replace function public.claim_digest_sends(
  p_date date,
  p_worker text,
  p_limit integer default 1
) returns table (
  user_id uuid,
  email text,
  max_jobs integer,
  jobs_since timestamptz,
  jobs_until timestamptz,
  attempts integer,
  idempotency_key text
)
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  s public.settings;
  room integer;
begin
  select * into s from public.settings;
  -- the day's row lock: parallel invocations decide the cap one after the other
  update public.digest_days d set heartbeat_at = now()
  where d.local_date = p_date and d.status = 'running';
  if not found then
    return;
  end if;
  update public.digest_sends x
  set status = 'failed', failure = 'retries_exhausted', claimed_by = null,
      claim_expires_at = null,
      error = 'The digest stopped without finishing ' || x.attempts || ' times (the invocation '
              || 'died or hit the Edge limits); see the function logs'
  where x.local_date = p_date and x.status = 'claimed' and x.claim_expires_at < now()
    and x.attempts >= s.digest_max_attempts;
  update public.digest_sends x
  set status = 'skipped', failure = 'turned_off', error = 'The user turned the digest off',
      claimed_by = null, claim_expires_at = null
  from public.digest_preferences p
  where x.local_date = p_date and p.user_id = x.user_id and not p.enabled
    and (x.status = 'pending' or (x.status = 'claimed' and x.claim_expires_at < now()));
  select coalesce(s.digest_daily_cap - count(*), 2147483647)::integer into room
  from public.digest_sends x
  where x.local_date = p_date
    and (x.status = 'sent' or (x.status = 'claimed' and x.claim_expires_at >= now()));
  if room <= 0 then
    update public.digest_sends x
    set status = 'skipped', failure = 'daily_cap', claimed_by = null, claim_expires_at = null,
        error = 'The daily send cap (settings.digest_daily_cap = ' || s.digest_daily_cap
                || ') was reached; these jobs go into the next digest'
    where x.local_date = p_date
      and (x.status = 'pending' or (x.status = 'claimed' and x.claim_expires_at < now()));
    return;
  end if;
  -- the rows are picked once, in a materialized CTE: inside `where ... in (select ... limit n
  -- for update skip locked)` a nested-loop plan may rescan the subquery per updated row and
  -- claim every due row (20261207160000_claim_limit.sql)
  return query
  with picked as materialized (
    select y.user_id, y.local_date from public.digest_sends y
    where y.local_date = p_date
      and ((y.status = 'pending' and coalesce(y.not_before, '-infinity') <= now())
           or (y.status = 'claimed' and y.claim_expires_at < now()))
    order by y.created_at, y.user_id
    limit least(greatest(p_limit, 0), room)
    for update skip locked
  ),
  claimed as (
    update public.digest_sends x
    set status = 'claimed', claimed_by = p_worker,
        claim_expires_at = now() + make_interval(secs => s.digest_lease_seconds),
        attempts = x.attempts + 1, not_before = null
    from picked
    where x.user_id = picked.user_id and x.local_date = picked.local_date
    returning x.user_id, x.jobs_since, x.jobs_until, x.attempts, x.idempotency_key
  )
  select c.user_id, u.email::text, coalesce(p.max_jobs, 10), c.jobs_since, c.jobs_until,
         c.attempts, c.idempotency_key
  from claimed c
  join auth.users u on u.id = c.user_id
  left join public.digest_preferences p on p.user_id = c.user_id
  order by c.user_id;
end
$$;

-- Records one row. 'sent' (with the provider's id) is written whoever holds the row, since the
-- email went out; it moves the user's last_digest_at to the row's jobs_until. 'failed' and
-- 'skipped' (with a failure code and the error) only by the worker holding it. Returns the
-- status written, or 'lost'.
create or replace function public.finish_digest_send(
  p_user_id uuid,
  p_date date,
  p_worker text,
  p_status text,
  p_provider_id text default null,
  p_failure text default null,
  p_error text default null,
  p_job_ids bigint[] default null
) returns text
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  until timestamptz;
begin
  if p_status not in ('sent', 'failed', 'skipped') then
    raise exception 'finish_digest_send: status must be sent, failed or skipped, not %', p_status
      using errcode = '22023';
  end if;
  update public.digest_sends x
  set status = p_status, provider_id = p_provider_id, failure = p_failure, error = p_error,
      job_ids = coalesce(p_job_ids, x.job_ids), claimed_by = null, claim_expires_at = null,
      sent_at = case when p_status = 'sent' then now() end
  where x.user_id = p_user_id and x.local_date = p_date
    and ((p_status = 'sent' and x.status <> 'sent')
         or (x.status = 'claimed' and x.claimed_by = p_worker))
  returning x.jobs_until into until;
  if not found then
    return 'lost';
  end if;
  if p_status = 'sent' then
    update public.digest_preferences p
    set last_digest_at = greatest(coalesce(p.last_digest_at, '-infinity'), until)
    where p.user_id = p_user_id;
  end if;
  update public.digest_days set heartbeat_at = now() where local_date = p_date;
  return p_status;
end
$$;

-- Puts a claimed row back in line until p_until: a 429 or a 5xx (p_counts: the attempt counts;
-- at settings.digest_max_attempts the row fails instead), or a stopped provider (a refused key,
-- a spent quota: the attempt does not count, and p_error is noted on the day). Returns
-- 'pending', 'failed' or 'lost'.
create or replace function public.defer_digest_send(
  p_user_id uuid,
  p_date date,
  p_worker text,
  p_until timestamptz,
  p_error text,
  p_counts boolean default true
) returns text
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  s public.settings;
  result text;
begin
  select * into s from public.settings;
  update public.digest_sends x
  set status = case when p_counts and x.attempts >= s.digest_max_attempts then 'failed'
                    else 'pending' end,
      failure = case when p_counts and x.attempts >= s.digest_max_attempts
                     then 'retries_exhausted' end,
      attempts = case when p_counts then x.attempts else greatest(x.attempts - 1, 0) end,
      not_before = p_until, error = p_error, claimed_by = null, claim_expires_at = null
  where x.user_id = p_user_id and x.local_date = p_date and x.status = 'claimed'
    and x.claimed_by = p_worker
  returning x.status into result;
  if not p_counts then
    update public.digest_days set stopped_reason = p_error, heartbeat_at = now()
    where local_date = p_date;
  end if;
  return coalesce(result, 'lost');
end
$$;

-- Finishes the day when no row is pending or claimed. Returns the day's status.
create or replace function public.settle_digest_day(p_date date) returns text
language plpgsql volatile security invoker set search_path = ''
as $$
declare
  result text;
begin
  update public.digest_days d
  set status = 'done', finished_at = now(), heartbeat_at = now()
  where d.local_date = p_date and d.status <> 'done'
    and not exists (select 1 from public.digest_sends x
                    where x.local_date = p_date and x.status in ('pending', 'claimed'))
  returning d.status into result;
  return coalesce(result, (select d.status from public.digest_days d where d.local_date = p_date));
end
$$;

-- One more invocation for a date with due rows nobody holds (an invocation that stopped at its
-- bounds calls it). Returns whether a call was queued.
create or replace function public.continue_digest(p_date date) returns boolean
language plpgsql volatile security definer set search_path = ''
as $$
begin
  if not exists (select 1 from public.digest_sends x
                 where x.local_date = p_date and x.status = 'pending'
                   and coalesce(x.not_before, '-infinity') <= now()) then
    return false;
  end if;
  return private.invoke_edge_function('digest', jsonb_build_object('local_date', p_date),
                                      10000) is not null;
exception when others then
  raise warning 'Could not queue the next digest invocation for %: %; the sweep will', p_date,
    sqlerrm;
  return false;
end
$$;

-- The sweep: today's digest once today's daily refresh has settled (its call was lost, or the
-- refresh settled before this migration); today's days quiet for p_quiet with work that is due,
-- or never started, called again; earlier days still open closed (their pending rows skipped:
-- the jobs go into the next digest). Returns the days queued, woken or closed.
create or replace function private.resend_due_digests(
  p_quiet interval default interval '2 minutes'
) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  today date := public.digest_local_date(now());
  touched integer := 0;
  d record;
begin
  if not exists (select 1 from public.digest_days where local_date = today)
     and exists (select 1 from public.runs r where r.kind = 'daily_refresh'
                 and r.run_date = today and r.status <> 'running') then
    perform private.queue_digest(today, 'sweep');
    touched := touched + 1;
  end if;
  for d in
    select x.local_date from public.digest_days x
    where x.local_date = today and x.status <> 'done' and x.heartbeat_at < now() - p_quiet
      and (x.status = 'queued'
           or exists (select 1 from public.digest_sends s where s.local_date = x.local_date
                      and ((s.status = 'pending' and coalesce(s.not_before, '-infinity') <= now())
                           or (s.status = 'claimed' and s.claim_expires_at < now()))))
  loop
    perform private.invoke_edge_function('digest', jsonb_build_object('local_date', d.local_date),
                                         10000);
    update public.digest_days set heartbeat_at = now() where local_date = d.local_date;
    touched := touched + 1;
  end loop;
  for d in
    select x.local_date from public.digest_days x where x.local_date < today and x.status <> 'done'
  loop
    update public.digest_sends s
    set status = 'skipped', failure = 'day_passed', claimed_by = null, claim_expires_at = null,
        error = coalesce(s.error || '; ', '') || 'The day passed before it could be sent; its '
                || 'jobs go into the next digest'
    where s.local_date = d.local_date
      and (s.status = 'pending' or (s.status = 'claimed' and s.claim_expires_at < now()));
    perform public.settle_digest_day(d.local_date);
    touched := touched + 1;
  end loop;
  return touched;
end
$$;

-- The one-click unsubscribe (the signed link in every digest, checked by the function): the
-- digest is off. Returns whether a digest was on.
create or replace function public.unsubscribe_digest(p_user_id uuid) returns boolean
language sql volatile security invoker set search_path = ''
as $$
  with changed as (
    update public.digest_preferences
    set enabled = false, unsubscribed_at = now()
    where user_id = p_user_id and enabled
    returning 1
  )
  select exists (select 1 from changed)
$$;

-- Digests per local date, for the SQL editor and `deno task jobs stats`.
create view public.digest_daily with (security_invoker = true) as
  select d.local_date, d.status as day_status,
         count(s.user_id) filter (where s.status = 'sent')::integer as sent,
         count(s.user_id) filter (where s.status = 'skipped')::integer as skipped,
         count(s.user_id) filter (where s.status = 'failed')::integer as failed,
         count(s.user_id) filter (where s.status in ('pending', 'claimed'))::integer as pending,
         d.stopped_reason
  from public.digest_days d
  left join public.digest_sends s on s.local_date = d.local_date
  group by d.local_date, d.status, d.stopped_reason;

revoke all on public.digest_daily from anon, authenticated;
grant select on public.digest_daily to service_role;

revoke execute on function public.digest_local_date(timestamptz),
  private.queue_digest(date, text),
  private.digest_after_refresh(),
  public.begin_digest(date, text),
  public.claim_digest_sends(date, text, integer),
  public.finish_digest_send(uuid, date, text, text, text, text, text, bigint[]),
  public.defer_digest_send(uuid, date, text, timestamptz, text, boolean),
  public.settle_digest_day(date),
  public.continue_digest(date),
  private.resend_due_digests(interval),
  public.unsubscribe_digest(uuid)
  from public, anon, authenticated;
grant execute on function public.digest_local_date(timestamptz),
  private.queue_digest(date, text),
  public.begin_digest(date, text),
  public.claim_digest_sends(date, text, integer),
  public.finish_digest_send(uuid, date, text, text, text, text, text, bigint[]),
  public.defer_digest_send(uuid, date, text, timestamptz, text, boolean),
  public.settle_digest_day(date),
  public.continue_digest(date),
  private.resend_due_digests(interval),
  public.unsubscribe_digest(uuid)
  to service_role;

insert into private.schedules (name, kind, schedule, command, description) values
  ('digest-sweep', 'cron', '*/5 * * * *', 'select private.resend_due_digests()',
   'Today''s digest once the refresh settled, digest days whose invocations were lost woken '
   'again, earlier days closed');
