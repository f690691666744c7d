-- Seed for `supabase start` / `supabase db reset` on a local Supabase stack.
-- The URL the database uses to reach Edge Functions from inside Docker (Kong's alias), read from
-- Vault at fire time by the triggers and cron jobs. On a hosted project set it once by hand:
--   select vault.create_secret('https://<project-ref>.supabase.co', 'project_url');
select vault.create_secret('http://api.supabase.internal:8000', 'project_url')
where not exists (select 1 from vault.decrypted_secrets where name = 'project_url');
