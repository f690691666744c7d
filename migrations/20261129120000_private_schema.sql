-- ---------------------------------------------------------------------------
-- Private schema, locked-down defaults, and the small helpers every table uses.
-- Pattern: chatgpt-your-files (internal SQL in `private`), basejump (revoke default EXECUTE).
-- ---------------------------------------------------------------------------

create schema if not exists private;
revoke all on schema private from public;
-- authenticated needs USAGE only to evaluate the helpers that RLS policies and check constraints
-- call; `private` is never exposed through the Data API.
grant usage on schema private to authenticated, service_role;

-- Functions are not executable by everybody unless a migration says so.
alter default privileges revoke execute on functions from public;
alter default privileges in schema public revoke execute on functions from anon, authenticated;

-- ---------------------------------------------------------------------------
-- Normalised search labels: lower case, trimmed, single spaces, never empty.
-- Titles and locations are normalised further (abbreviations, countries) in TypeScript; this is
-- the floor the database enforces, so that "Data Scientist " and "data scientist" can never be
-- two combinations whoever writes the row.
-- ---------------------------------------------------------------------------
create or replace function private.normalize_label(value text) returns text
language sql immutable parallel safe set search_path = ''
as $$
  select nullif(lower(btrim(regexp_replace(value, '\s+', ' ', 'g'))), '')
$$;
comment on function private.normalize_label(text) is
  'Lower-cases, trims and collapses whitespace; returns NULL for blank input.';

-- True only for a non-blank label already in normal form ('' and NULL are not labels).
create or replace function private.is_normalized_label(value text) returns boolean
language sql immutable parallel safe set search_path = ''
as $$
  select coalesce(value = private.normalize_label(value), false)
$$;

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

-- ---------------------------------------------------------------------------
-- The filter vocabularies Active Jobs DB accepts: the values its ai_work_arrangement_filter,
-- ai_employment_type_filter, ai_experience_level_filter and ai_taxonomies_a_filter parameters
-- list on its RapidAPI listing (https://rapidapi.com/fantastic-jobs-fantastic-jobs-default/api/
-- active-jobs-db). One value per combination; NULL means "no filter".
-- ---------------------------------------------------------------------------
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
  'Active Jobs DB ai_experience_level_filter value (years of experience), the seed''s ai_seniority.';

create domain public.industry as text
  check (value in ('Technology', 'Healthcare', 'Management & Leadership', 'Finance & Accounting',
                   'Human Resources', 'Sales', 'Marketing', 'Customer Service & Support',
                   'Education', 'Legal', 'Engineering', 'Science & Research', 'Trades',
                   'Construction', 'Manufacturing', 'Logistics', 'Creative & Media', 'Hospitality',
                   'Environmental & Sustainability', 'Retail', 'Data & Analytics', 'Software',
                   'Energy', 'Agriculture', 'Social Services', 'Administrative',
                   'Government & Public Sector', 'Art & Design'));
comment on domain public.industry is 'Active Jobs DB ai_taxonomies_a_filter value.';
