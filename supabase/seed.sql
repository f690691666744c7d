-- Seed for `supabase start` / `supabase db reset` on a local Supabase stack.
-- The URL the database uses to reach Edge Functions from inside Docker (Kong's alias), read from
-- Vault at fire time by the triggers and cron jobs. On a hosted project set it once by hand:
--   select vault.create_secret('https://<project-ref>.supabase.co', 'project_url');
select vault.create_secret('http://api.supabase.internal:8000', 'project_url')
where not exists (select 1 from vault.decrypted_secrets where name = 'project_url');
-- The shared secret the database sends to Edge Functions (header x-webhook-secret). The functions
-- read the same value from FUNCTIONS_SECRET (supabase/functions/.env locally, `supabase secrets
-- set` on a project). On a hosted project create your own random value once:
--   select vault.create_secret('<random>', 'functions_secret');
select vault.create_secret('local-functions-secret', 'functions_secret')
where not exists (select 1 from vault.decrypted_secrets where name = 'functions_secret');
