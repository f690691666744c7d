-- ---------------------------------------------------------------------------
-- Supabase's default privileges give anon and authenticated ALL on new sequences in public.
-- Identity columns need no sequence privilege to insert, so nobody but the service role needs
-- them: revoke, now and for sequences created later.
-- ---------------------------------------------------------------------------

revoke all on all sequences in schema public from anon, authenticated;
alter default privileges in schema public revoke all on sequences from anon, authenticated;
