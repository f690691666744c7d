-- ---------------------------------------------------------------------------
-- How the database calls Edge Functions: through pg_net, with the URL and the shared secret read
-- from Vault when the call is made, never baked into a migration.
--
-- Vault secrets (set once per project; supabase/seed.sql sets them for a local stack):
--   project_url       e.g. https://<ref>.supabase.co (locally http://api.supabase.internal:8000)
--   functions_secret  a random string; the functions compare the x-webhook-secret header to it
-- ---------------------------------------------------------------------------

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
