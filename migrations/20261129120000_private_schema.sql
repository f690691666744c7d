-- ---------------------------------------------------------------------------
-- The extensions the schema calls, the private schema with its locked-down defaults, the small
-- helpers every table uses, the filter vocabularies, and how the database calls Edge Functions.
-- ---------------------------------------------------------------------------

-- ---- extensions ------------------------------------------------------------------------------
--   pg_net          net.http_post: how the database wakes an Edge Function (a hosted project has
--                   it once database webhooks are enabled; this creates it either way)
--   pg_cron         cron.schedule: the sweeps and the daily refresh (private.schedules)
--   supabase_vault  vault.decrypted_secrets: the project URL and the functions' shared secret
-- Each is created where the server offers it (pg_available_extensions), in the schema Supabase's
-- documentation uses. A database that cannot have it — the embedded PGlite, a PostgreSQL without
-- the package, a database other than the one pg_cron serves (cron.database_name) — needs the
-- local stand-in's schema instead: local/platform/*.sql, which `deno task jobs migrate` and the
-- tests apply before the migrations. A schema present already (the extension, or the stand-in)
-- is used as it is.
do $$
declare
  e record;
begin
  for e in
    select * from (values
      ('pg_net', 'net', 'extensions',
       'the database calls Edge Functions with net.http_post',
       'pg_net installs into the schema extensions and must be in shared_preload_libraries'),
      ('pg_cron', 'cron', 'pg_catalog',
       'the sweeps and the daily refresh run with cron.schedule',
       'pg_cron must be in shared_preload_libraries and serves only the database named by '
       || 'cron.database_name'),
      ('supabase_vault', 'vault', null,
       'the Edge Function calls read their URL and secret from vault.decrypted_secrets',
       'supabase_vault needs pgsodium'))
      as x(name, provides, in_schema, needed_for, requirement)
  loop
    if to_regnamespace(e.provides) is not null then
      continue;
    end if;
    if not exists (select 1 from pg_available_extensions where name = e.name) then
      raise exception 'This database has neither the extension % nor a schema %: %', e.name,
        e.provides, e.needed_for
        using hint = 'On Supabase enable ' || e.name || ' (Database > Extensions). On your own '
          || 'PostgreSQL install it (Debian: postgresql-15-cron for pg_cron). For a local or test '
          || 'database, apply the local stand-in first: deno task jobs migrate does '
          || '(local/platform/*.sql).';
    end if;
    begin
      if e.in_schema is null then
        execute format('create extension if not exists %I', e.name);
      else
        execute format('create extension if not exists %I with schema %I', e.name, e.in_schema);
      end if;
    exception when others then
      raise exception 'Cannot create the extension % (%: %): %', e.name, sqlstate, sqlerrm,
        e.needed_for
        using hint = e.requirement || '. Where it cannot be, apply the local stand-in first '
          || '(deno task jobs migrate does: local/platform/*.sql).';
    end;
  end loop;
end
$$;

-- ---- the private schema ----------------------------------------------------------------------
-- Internal SQL lives in `private`; default EXECUTE is revoked for new functions.

create schema if not exists private;
revoke all on schema private from public;
-- authenticated needs USAGE only to evaluate the helpers that RLS policies and check constraints
-- call; `private` is never exposed through the Data API.
grant usage on schema private to authenticated, service_role;

-- Functions are not executable by everybody unless a migration says so.
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;
-- Supabase's default privileges give anon and authenticated ALL on new sequences in public.
-- Identity columns need no sequence privilege to insert, so nobody but the service role needs
-- them.
alter default privileges in schema public revoke all on sequences from anon, authenticated;

-- ---- search labels and combinations ----------------------------------------------------------
-- One normal form for search labels (titles and locations), the same in TypeScript
-- (shared/searches/label.ts) and here: without control (but tabs and line breaks, which are
-- white space), format, bidirectional or emoji characters, then Unicode NFKC (full-width letters
-- become plain ones), lower case, single spaces, trimmed. tests/label_normal_form_test.ts runs one table of inputs through both.
-- Titles and locations are normalised further (abbreviations, countries) in TypeScript; this is
-- the floor the database enforces, so that "Data Scientist " and "data scientist" can never be
-- two combinations whoever writes the row.

create or replace function private.normalize_label(value text) returns text
language sql immutable parallel safe set search_path = ''
as $$
  select nullif(btrim(lower(regexp_replace(normalize(regexp_replace(value,
      '[\u0001-\u0008\u000e-\u001f\u007f-\u009f\u00ad\u034f\u061c\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\u3164\ufe00-\ufe0f\ufeff\U0001f000-\U0001faff\U000e0000-\U000e007f]',
      '', 'g'), NFKC),
    '[\t\n\v\f\r \u1680\u2028\u2029]+', ' ', 'g'))), '')
$$;

comment on function private.normalize_label(text) is
  'Without control, format, bidi or emoji characters, NFKC, lower case, single spaces, trimmed; '
  'NULL for a blank label. The TypeScript copy is shared/searches/label.ts.';

-- True only for a non-blank label already in normal form ('' and NULL are not labels).
create or replace function private.is_normalized_label(value text) returns boolean
language sql immutable parallel safe set search_path = ''
as $$
  select coalesce(value = private.normalize_label(value), false)
$$;

-- Puts the row's title_keyword and location in normal form (a blank one stays as it is, for the
-- check to refuse): a row written by hand in the SQL editor ("Berlin ") is normalised before the
-- check sees it, instead of failing with a bare check-constraint error.
create or replace function private.normalize_search_labels() returns trigger
language plpgsql set search_path = ''
as $$
begin
  new.title_keyword := coalesce(private.normalize_label(new.title_keyword), new.title_keyword);
  new.location := coalesce(private.normalize_label(new.location), new.location);
  return new;
end
$$;

revoke execute on function private.normalize_search_labels() from public, anon, authenticated;

-- One stable key per search combination. NULL filters ("any") are encoded apart from every
-- value, so (x, NULL) and (x, '') can never collide and the key is usable as an equi-join.
create or replace function private.combination_key(
  title_keyword text,
  location text,
  ai_work_arrangement text,
  ai_employment_type text,
  ai_seniority text,
  ai_industry text
) returns text
language sql immutable parallel safe set search_path = ''
as $$
  select md5(
    title_keyword || chr(31) || location
    || chr(31) || coalesce(ai_work_arrangement, chr(30))
    || chr(31) || coalesce(ai_employment_type, chr(30))
    || chr(31) || coalesce(ai_seniority, chr(30))
    || chr(31) || coalesce(ai_industry, chr(30))
  )
$$;

comment on function private.combination_key(text, text, text, text, text, text) is
  'md5 over the six combination columns, NULL-safe; the join key between queries and tracking.';

create or replace function private.touch_updated_at() returns trigger
language plpgsql set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;

grant execute on function private.normalize_label(text), private.is_normalized_label(text)
  to authenticated, service_role;
grant execute on function private.combination_key(text, text, text, text, text, text)
  to authenticated, service_role;
grant execute on function private.touch_updated_at() to authenticated, service_role;

-- Adds the numbers of b into a, key by key and into nested objects; other values of b win.
create or replace function private.jsonb_add(a jsonb, b jsonb) returns jsonb
language plpgsql immutable set search_path = ''
as $$
declare
  result jsonb := coalesce(a, '{}'::jsonb);
  k text;
  v jsonb;
begin
  for k, v in select * from jsonb_each(coalesce(b, '{}'::jsonb)) loop
    if jsonb_typeof(v) = 'number' and jsonb_typeof(result -> k) = 'number' then
      result := jsonb_set(result, array[k], to_jsonb((result ->> k)::numeric + (v #>> '{}')::numeric));
    elsif jsonb_typeof(v) = 'object' and jsonb_typeof(result -> k) = 'object' then
      result := jsonb_set(result, array[k], private.jsonb_add(result -> k, v));
    else
      result := jsonb_set(result, array[k], v);
    end if;
  end loop;
  return result;
end
$$;

revoke execute on function private.jsonb_add(jsonb, jsonb) from public, anon, authenticated;
grant execute on function private.jsonb_add(jsonb, jsonb) to service_role;

-- ---- filter vocabularies ---------------------------------------------------------------------
-- The filter vocabularies Active Jobs DB accepts: the values its ai_work_arrangement_filter,
-- ai_employment_type_filter, ai_experience_level_filter and ai_taxonomies_a_filter parameters
-- list on its RapidAPI listing (https://rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/
-- active-jobs-db). One value per combination; NULL means "no filter".

create domain public.work_arrangement as text
  check (value in ('On-site', 'Hybrid', 'Remote OK', 'Remote Solely'));
comment on domain public.work_arrangement is 'Active Jobs DB ai_work_arrangement_filter value.';

create domain public.employment_type as text
  check (value in ('FULL_TIME', 'PART_TIME', 'CONTRACTOR', 'TEMPORARY', 'INTERN', 'VOLUNTEER',
                   'PER_DIEM', 'OTHER'));
comment on domain public.employment_type is 'Active Jobs DB ai_employment_type_filter value.';

create domain public.seniority_level as text
  check (value in ('0-2', '2-5', '5-10', '10+'));
comment on domain public.seniority_level is
  'Active Jobs DB ai_experience_level_filter value (years of experience).';

create domain public.industry as text
  check (value in ('Technology', 'Healthcare', 'Management & Leadership', 'Finance & Accounting',
                   'Human Resources', 'Sales', 'Marketing', 'Customer Service & Support',
                   'Education', 'Legal', 'Engineering', 'Science & Research', 'Trades',
                   'Construction', 'Manufacturing', 'Logistics', 'Creative & Media', 'Hospitality',
                   'Environmental & Sustainability', 'Retail', 'Data & Analytics', 'Software',
                   'Energy', 'Agriculture', 'Social Services', 'Administrative',
                   'Government & Public Sector', 'Art & Design'));
comment on domain public.industry is 'Active Jobs DB ai_taxonomies_a_filter value.';

-- ---- Edge Function calls ---------------------------------------------------------------------
-- How the database calls Edge Functions: through pg_net, with the URL and the shared secret read
-- from Vault when the call is made, never baked into a migration.
--
-- Vault secrets (set once per project; supabase/seed.sql sets them for a local stack):
--   project_url       e.g. https://<ref>.supabase.co (locally http://api.supabase.internal:8000)
--   functions_secret  a random string; the functions compare the x-webhook-secret header to it

-- A Vault secret by name, or NULL. Definer: only definer functions below call it.
create or replace function private.vault_secret(secret_name text) returns text
language sql stable security definer set search_path = ''
as $$
  select decrypted_secret from vault.decrypted_secrets where name = secret_name
  order by created_at desc limit 1
$$;

revoke execute on function private.vault_secret(text) from public, anon, authenticated;

-- Queues a POST to /functions/v1/<function_name> and returns the pg_net request id, or NULL (with
-- a warning) when Vault lacks the URL or the secret. pg_net sends after COMMIT, never on
-- rollback, and never retries: whatever must not be lost is a row first, and a sweep re-sends.
create or replace function private.invoke_edge_function(
  function_name text,
  body jsonb,
  timeout_ms integer default 5000
) returns bigint
language plpgsql volatile security definer set search_path = ''
as $$
declare
  base_url text := private.vault_secret('project_url');
  secret text := private.vault_secret('functions_secret');
begin
  if base_url is null or secret is null then
    raise warning 'Cannot call Edge Function %: set the Vault secrets project_url and '
      'functions_secret (select vault.create_secret(...))', function_name;
    return null;
  end if;
  return net.http_post(
    url := rtrim(base_url, '/') || '/functions/v1/' || function_name,
    body := body,
    headers := jsonb_build_object('Content-Type', 'application/json', 'x-webhook-secret', secret),
    timeout_milliseconds := timeout_ms
  );
end
$$;

revoke execute on function private.invoke_edge_function(text, jsonb, integer)
  from public, anon, authenticated;
grant execute on function private.invoke_edge_function(text, jsonb, integer) to service_role;

-- A uuid from text, or NULL when the text is not one (never raises).
create or replace function private.uuid_or_null(value text) returns uuid
language plpgsql immutable set search_path = ''
as $$
begin
  return value::uuid;
exception when invalid_text_representation then
  return null;
end
$$;

grant execute on function private.uuid_or_null(text) to authenticated, service_role;
