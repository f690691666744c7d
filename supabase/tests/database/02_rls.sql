-- pgTAP: a user sees only their own CVs and queries; anon sees nothing.
begin;
select plan(7);

select tests.create_supabase_user('alice');
select tests.create_supabase_user('bob');
insert into public.cv_documents (user_id, storage_path, file_name)
values (tests.get_supabase_uid('alice'), tests.get_supabase_uid('alice') || '/cv.pdf', 'cv.pdf'),
       (tests.get_supabase_uid('bob'), tests.get_supabase_uid('bob') || '/cv.pdf', 'cv.pdf');
insert into public.user_search_queries (user_id, title_keyword, location)
values (tests.get_supabase_uid('alice'), 'data scientist', 'berlin'),
       (tests.get_supabase_uid('bob'), 'nurse', 'hamburg');

select tests.authenticate_as('alice');
select results_eq($$select count(*) from public.cv_documents$$, array[1::bigint], 'alice sees one CV');
select results_eq($$select title_keyword from public.user_search_queries$$, array['data scientist'],
  'alice sees only her query');
select is_empty($$update public.user_search_queries set location = 'potsdam' where title_keyword = 'nurse' returning 1$$,
  'alice cannot edit bob''s query');
select throws_ok(
  format($$insert into public.user_search_queries (user_id, title_keyword, location) values (%L, 'x', 'y')$$,
         tests.get_supabase_uid('bob')),
  '42501', null, 'alice cannot add a query for bob');

select tests.authenticate_as('bob');
select results_eq($$select title_keyword from public.user_search_queries$$, array['nurse'], 'bob sees only his');

select tests.clear_authentication();
select throws_ok($$select count(*) from public.cv_documents$$, '42501', null, 'anon cannot read CVs');
select throws_ok($$select count(*) from public.user_search_queries$$, '42501', null, 'anon cannot read queries');

select * from finish();
rollback;
