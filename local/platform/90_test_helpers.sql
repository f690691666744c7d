-- Test helpers in the spirit of basejump's supabase_test_helpers (v0.0.7), re-implemented so that
-- they need no network: create users, act as them, act as the service role, check RLS.
-- Used by the pgTAP files in supabase/tests and by the Deno tests.

create schema if not exists tests;
grant usage on schema tests to anon, authenticated, service_role;

create or replace function tests.create_supabase_user(identifier text, email text default null)
returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  user_id uuid;
begin
  insert into auth.users (id, email, aud, role, raw_user_meta_data, raw_app_meta_data, created_at,
                          updated_at)
  values (gen_random_uuid(), coalesce(email, identifier || '@test.local'), 'authenticated',
          'authenticated', jsonb_build_object('test_identifier', identifier),
          '{"provider": "email", "providers": ["email"]}'::jsonb, now(), now())
  returning id into user_id;
  return user_id;
end
$$;

create or replace function tests.get_supabase_uid(identifier text) returns uuid
language sql stable security definer set search_path = ''
as $$
  select id from auth.users where raw_user_meta_data ->> 'test_identifier' = identifier limit 1
$$;

-- Act as a signed-in user for the rest of the transaction (PostgREST's way: role + claims).
create or replace function tests.authenticate_as(identifier text) returns void
language plpgsql set search_path = ''
as $$
declare
  user_id uuid := tests.get_supabase_uid(identifier);
begin
  if user_id is null then
    raise exception 'Cannot authenticate as %: no test user with that identifier', identifier;
  end if;
  perform set_config('role', 'authenticated', true);
  perform set_config('request.jwt.claims', json_build_object(
    'sub', user_id, 'role', 'authenticated', 'aud', 'authenticated',
    'email', identifier || '@test.local', 'exp', extract(epoch from now() + interval '1 hour')::int
  )::text, true);
end
$$;

create or replace function tests.authenticate_as_service_role() returns void
language plpgsql set search_path = ''
as $$
begin
  perform set_config('role', 'service_role', true);
  perform set_config('request.jwt.claims', '{"role": "service_role"}', true);
end
$$;

create or replace function tests.clear_authentication() returns void
language plpgsql set search_path = ''
as $$
begin
  perform set_config('role', 'anon', true);
  perform set_config('request.jwt.claims', '{"role": "anon"}', true);
end
$$;

-- True when every table of the schema has row level security enabled.
create or replace function tests.rls_enabled(testing_schema text) returns boolean
language sql stable set search_path = ''
as $$
  select bool_and(c.relrowsecurity)
  from pg_catalog.pg_class c
  join pg_catalog.pg_namespace n on n.oid = c.relnamespace
  where n.nspname = testing_schema and c.relkind in ('r', 'p')
$$;

grant execute on all functions in schema tests to anon, authenticated, service_role;
