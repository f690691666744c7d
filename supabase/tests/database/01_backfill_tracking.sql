-- pgTAP: combination uniqueness with NULL filters, and the three tracking functions.
begin;
select plan(10);

select has_table('public', 'backfill_tracking', 'backfill_tracking exists');
select ok(tests.rls_enabled('public'), 'every public table has RLS enabled');
-- ON CONFLICT names one arbiter; a second unique index on the same rows turns a concurrent
-- insert into an error instead of a conflict.
select is(
  (select count(*)::int from pg_index where indrelid = 'public.backfill_tracking'::regclass
     and indisunique and not indisprimary),
  1, 'one unique index per combination, so ON CONFLICT can always arbitrate');

insert into public.backfill_tracking (title_keyword, location) values ('data scientist', 'berlin');
select throws_ok(
  $$insert into public.backfill_tracking (title_keyword, location) values ('data scientist', 'berlin')$$,
  '23505', null, 'a combination with NULL filters is unique');

select lives_ok(
  $$insert into public.backfill_tracking (title_keyword, location, ai_seniority)
    values ('data scientist', 'berlin', '5-10')$$,
  'the same title and location with a filter is another combination');

select tests.create_supabase_user('alice');
insert into public.user_search_queries (user_id, title_keyword, location)
values (tests.get_supabase_uid('alice'), 'data scientist', 'berlin'),
       (tests.get_supabase_uid('alice'), 'data engineer', 'berlin');

select results_eq(
  $$select title_keyword from public.get_unbacked_combinations_for_user(tests.get_supabase_uid('alice'))$$,
  array['data engineer', 'data scientist'],
  'claimed-but-unfinished and untracked combinations are unbacked');

select public.mark_combination_backfilled('Data Scientist', 'Berlin', null, null, null, null, 30, 12);
select results_eq(
  $$select title_keyword from public.get_unbacked_combinations_for_user(tests.get_supabase_uid('alice'))$$,
  array['data engineer'],
  'a backfilled combination is no longer unbacked');
select ok(public.is_combination_backfilled('data scientist', 'berlin'), 'is_combination_backfilled sees it');
select ok(not public.is_combination_backfilled('data scientist', 'berlin', 'Hybrid'),
  'a different filter set is not backfilled');

select tests.authenticate_as('alice');
select throws_ok(
  $$select public.is_combination_backfilled('data scientist', 'berlin')$$,
  '42501', null, 'users cannot call the service functions');

select * from finish();
rollback;
