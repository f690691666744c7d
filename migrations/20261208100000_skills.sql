-- ---------------------------------------------------------------------------
-- Skills on both sides of the feed: the CV's skills and languages (public.user_skills) and the
-- skills each job's title and description ask for (public.job_skills), in one vocabulary.
--
-- public.skills is the vocabulary: a starter list of common skills for the roles the product
-- serves (20261208100100_skill_vocabulary.sql) and every skill a CV brought that it did not
-- know. public.skill_synonyms maps other spellings to a skill ("postgres" → PostgreSQL, "k8s"
-- → Kubernetes, "deutsch" → German). Every key and term is in one normal form,
-- private.skill_key: lower case, split into tokens at anything but letters, digits and . + #
-- (a dot only inside a token or before one: "Node.js", ".NET"; "Python." is "python"), the
-- tokens joined by one space ("CI/CD" → "ci cd", "C++" → "c++").
-- A term is looked for in a job's text only when in_text: "go", "r", "excel" are written in
-- CVs as skills, but in job ads as ordinary words; their in_text synonyms ("golang") are found.
--
-- A job's skills are found when it is stored (and when its title or description changes), by
-- private.find_skills_many: the text's tokens, and the two and three token phrases starting at
-- a token that begins a term, looked up in the vocabulary, for a store's new jobs in one
-- statement (0.1 ms an ad; 0.25 ms of a lone 2.3 kB ad's 0.47 is tokenising it). An
-- alternation of every term as one regular expression took 33 ms an ad.
-- The vocabulary grows when a CV brings a skill it does not know: each skill gets a version
-- (an identity, taken under a lock so that versions commit in order), each job_skills row
-- the vocabulary version it was indexed against; private.index_jobs_for_new_skills (the
-- skills-sweep, every minute) indexes the jobs indexed against an older vocabulary, in
-- batches, reading the full text only of the jobs that contain one of the new terms.
--
-- The feed scores a job's skills as the share of the user's skills that the job asks for
-- (private.feed_skills), names what matched in the reason and keeps what the job
-- asks for that the CV does not show (feed_items.matched_skills, missing_skills): job_feed
-- reads no description.
-- ---------------------------------------------------------------------------

create table public.skills (
  skill text primary key check (skill <> ''),
  label text not null check (char_length(btrim(label)) between 1 and 100),
  kind text not null default 'skill' check (kind in ('skill', 'language')),
  in_text boolean not null default true,
  source text not null default 'starter' check (source in ('starter', 'cv')),
  version bigint generated always as identity unique,
  added_at timestamptz not null default now()
);

create table public.skill_synonyms (
  term text primary key check (term <> ''),
  skill text not null references public.skills (skill) on delete cascade,
  in_text boolean not null default true
);

create index skill_synonyms_skill_idx on public.skill_synonyms (skill);

comment on table public.skills is
  'The skill vocabulary: a starter list of skills and languages, and every skill a CV '
  'brought. skill is the normal form (private.skill_key); in_text: looked for in job ads.';
comment on table public.skill_synonyms is
  'Other spellings of a skill, in normal form ("postgres" → postgresql, "k8s" → kubernetes).';
comment on column public.skills.version is
  'When the skill joined the vocabulary: jobs indexed against an older vocabulary are indexed '
  'for it by the skills-sweep (private.index_jobs_for_new_skills).';

create table public.user_skills (
  user_id uuid not null references auth.users (id) on delete cascade,
  skill text not null references public.skills (skill) on delete cascade,
  kind text not null check (kind in ('skill', 'language')),
  -- the CV's order (Claude lists the strongest first)
  ordinal smallint not null,
  -- as the CV wrote it
  as_written text not null,
  cv_document_id uuid not null references public.cv_documents (id) on delete cascade,
  primary key (user_id, skill)
);

create index user_skills_cv_idx on public.user_skills (cv_document_id);

comment on table public.user_skills is
  'The skills and languages of each user''s newest parsed CV, normalised into the skill '
  'vocabulary. Kept by a trigger on cv_documents.';

create table public.job_skills (
  job_id bigint primary key references public.jobs (id) on delete cascade,
  -- the vocabulary's skills the job's title and description name, in the order first named
  skills text[] not null,
  -- the newest vocabulary version the job was indexed against
  vocabulary_version bigint not null
);

create index job_skills_vocabulary_idx on public.job_skills (vocabulary_version, job_id);

comment on table public.job_skills is
  'The skills each job''s title and description name, found when it is stored and when the '
  'vocabulary grows; the feed reads them instead of descriptions.';

alter table public.skills enable row level security;
alter table public.skill_synonyms enable row level security;
alter table public.user_skills enable row level security;
alter table public.job_skills enable row level security;
revoke all on public.skills, public.skill_synonyms, public.user_skills, public.job_skills
  from anon, authenticated;
grant all on public.skills, public.skill_synonyms, public.user_skills, public.job_skills
  to service_role;
-- users read their own skills; the vocabulary holds what other people's CVs brought, so they
-- read its labels only through job_feed (private.skill_labels)
grant select on public.user_skills to authenticated;

create policy "Users read their skills" on public.user_skills
  for select to authenticated using (user_id = (select auth.uid()));

-- ---- the normal form -------------------------------------------------------------------------

-- A text's tokens in the normal form's terms (lower case; Ä, Ö, Ü too where the database's
-- lower() leaves them). SQL-standard body: inlined, no search_path needed.
create function private.skill_tokens(p_text text) returns text[]
language sql immutable
return array_remove(
  regexp_split_to_array(translate(lower(p_text), 'ÄÖÜ', 'äöü'),
                        '(?:[^0-9a-zß-ÿ.+#]|\.(?![0-9a-zß-ÿ]))+'),
  '');

-- The normal form of a skill or term: its tokens joined by one space.
create function private.skill_key(p_text text) returns text
language sql immutable
return array_to_string(private.skill_tokens(p_text), ' ');

-- The vocabulary's skill for a spelling, or null.
create function private.canonical_skill(p_text text) returns text
language sql stable set search_path = ''
as $$
  select coalesce(
    (select s.skill from public.skills s where s.skill = private.skill_key(p_text)),
    (select y.skill from public.skill_synonyms y where y.term = private.skill_key(p_text)))
$$;

-- What is looked for in job text: every in_text key and synonym.
create view private.skill_terms as
  select s.skill as term, s.skill, s.version from public.skills s where s.in_text
  union all
  select y.term, y.skill, s.version
  from public.skill_synonyms y join public.skills s on s.skill = y.skill
  where y.in_text;

-- The vocabulary's skills each text names, in the order first named, for many texts in one
-- statement: the vocabulary's terms and first words are hashed once, not once a text (a call
-- a text cost 0.55 ms before its first token: 2,000 short ads took 1.2 s).
create function private.find_skills_many(p_ids bigint[], p_texts text[])
returns table (id bigint, skills text[])
language plpgsql stable set search_path = ''
as $$
begin
  return query
  with texts as materialized (
    select t.id, private.skill_tokens(t.body) as words
    from unnest(p_ids, p_texts) as t(id, body)
  ),
  terms as materialized (
    select st.term, st.skill, split_part(st.term, ' ', 1) as first_word
    from private.skill_terms st
  ),
  starts as (
    select x.id, x.words, w.w, w.i
    from texts x
    cross join lateral unnest(x.words) with ordinality w(w, i)
    where w.w in (select tm.first_word from terms tm)
  ),
  hits as (
    select st.id, tm.skill, min(st.i) as at
    from starts st
    cross join lateral (values (st.w), (st.w || ' ' || st.words[st.i + 1]),
                               (st.w || ' ' || st.words[st.i + 1] || ' '
                                || st.words[st.i + 2])) g(term)
    join terms tm on tm.term = g.term
    group by st.id, tm.skill
  )
  select x.id, coalesce(a.found, '{}')
  from texts x
  left join (select h.id, array_agg(h.skill order by h.at) as found
             from hits h group by h.id) a on a.id = x.id;
end
$$;

-- The vocabulary's skills a text names, in the order first named.
create function private.find_skills(p_text text) returns text[]
language sql stable set search_path = ''
as $$ select f.skills from private.find_skills_many(array[0::bigint], array[p_text]) f $$;

-- The vocabulary's newest version (what a job indexed now is indexed against).
create function private.skill_vocabulary_version() returns bigint
language sql stable set search_path = ''
as $$ select coalesce(max(s.version), 0) from public.skills s $$;

-- The text of a job that names its skills.
create function private.job_skill_text(p_title text, p_description text) returns text
language sql immutable
return coalesce(p_title, '') || E'\n' || coalesce(p_description, '');

revoke execute on function private.skill_tokens(text), private.skill_key(text),
  private.canonical_skill(text), private.find_skills_many(bigint[], text[]),
  private.find_skills(text),
  private.skill_vocabulary_version(), private.job_skill_text(text, text)
  from public, anon, authenticated;
grant execute on function private.skill_key(text), private.canonical_skill(text),
  private.find_skills(text) to service_role;
revoke all on private.skill_terms from public, anon, authenticated;

-- ---- jobs: indexed when stored --------------------------------------------------------------

create function private.index_new_jobs() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.job_skills (job_id, skills, vocabulary_version)
  select f.id, f.skills, v.version
  from private.find_skills_many(
    array(select n.id from new_jobs n order by n.id),
    array(select private.job_skill_text(n.title, n.description) from new_jobs n order by n.id)) f
  cross join (select private.skill_vocabulary_version() as version) v
  on conflict (job_id) do nothing;
  return null;
end
$$;

create trigger jobs_skills_indexed after insert on public.jobs
  referencing new table as new_jobs
  for each statement execute function private.index_new_jobs();

create function private.index_changed_job() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into public.job_skills as js (job_id, skills, vocabulary_version)
  values (new.id, private.find_skills(private.job_skill_text(new.title, new.description)),
          private.skill_vocabulary_version())
  on conflict (job_id) do update
    set skills = excluded.skills, vocabulary_version = excluded.vocabulary_version;
  return null;
end
$$;

-- A row trigger whose WHEN clause the server checks without a call: the store updates
-- thousands of jobs a page, and only a new title or description asks for this. Named to fire
-- before jobs_feed_rescored (triggers fire in name order): a store then locks the job's
-- job_skills row before its feed_items, as the skills-sweep does, so the two cannot deadlock.
create trigger jobs_as_skills_reindexed after update of title, description on public.jobs
  for each row
  when ((old.title, old.description) is distinct from (new.title, new.description))
  execute function private.index_changed_job();

-- ---- the vocabulary grows: jobs indexed in the background ----------------------------------

-- Words a CV may call a skill that ads use for anything: such a skill is kept (the CV's own
-- list shows it) but not looked for in ads.
create function private.is_skill_stop_word(p_key text) returns boolean
language sql immutable
return p_key = any(array[
  'and', 'the', 'for', 'with', 'team', 'work', 'teamwork', 'experience', 'skills', 'english b2',
  'good', 'very', 'strong', 'knowledge', 'years', 'management', 'development', 'design',
  'software', 'data', 'business', 'project', 'analysis', 'support', 'service', 'customer',
  'office', 'online', 'digital', 'social', 'creative', 'motivated', 'reliable', 'flexible',
  'und', 'der', 'die', 'das', 'mit', 'für', 'von', 'oder', 'sehr', 'gute', 'erfahrung',
  'kenntnisse', 'arbeit', 'team player', 'problem solving', 'hands on']);

-- Whether a skill a CV brought is looked for in ads: a key of three characters or more ("IT",
-- "MS", "UX" are as often words or parts of others), of at most four words, not a stop word,
-- written with letters, digits, spaces and . + # / & ( ) - only (what others see of it: the
-- label shows on their cards when a job asks for it).
create function private.cv_skill_in_text(p_label text) returns boolean
language sql immutable
return char_length(private.skill_key(p_label)) >= 3
  and cardinality(private.skill_tokens(p_label)) <= 4
  and not private.is_skill_stop_word(private.skill_key(p_label))
  and p_label ~ '^[0-9A-Za-zÀ-ÖØ-öø-ÿ .+#/&()-]+$';

-- Adds the skills the vocabulary lacks (labels of at most 100 characters). Versions are taken
-- under a lock held to commit, so they commit in order: a job indexed against version v has seen
-- every skill up to v. The lock is taken only when there is something to add: most CVs bring
-- nothing new, and their parses do not wait for each other.
create function private.add_skills(p_skills jsonb) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  added integer;
  fresh constant jsonb := (
    select coalesce(jsonb_agg(e), '[]') from jsonb_array_elements(p_skills) e
    where private.skill_key(e ->> 'label') <> ''
      and char_length(btrim(e ->> 'label')) <= 100
      and private.canonical_skill(e ->> 'label') is null);
begin
  if jsonb_array_length(fresh) = 0 then
    return 0;
  end if;
  perform pg_advisory_xact_lock(hashtextextended('skill-vocabulary', 0));
  insert into public.skills (skill, label, kind, source, in_text)
  select distinct on (private.skill_key(e ->> 'label'))
         private.skill_key(e ->> 'label'), btrim(e ->> 'label'), e ->> 'kind', 'cv',
         private.cv_skill_in_text(btrim(e ->> 'label'))
  from jsonb_array_elements(fresh) e
  order by private.skill_key(e ->> 'label')
  on conflict (skill) do nothing;
  get diagnostics added = row_count;
  return added;
end
$$;

-- A job's skills from its text as committed now, or null when the text does not match
-- p_pattern: VOLATILE, so it reads with a snapshot of its own, not the one of the statement that
-- calls it (a store may have committed a new description while the skills-sweep waited for the
-- job's row).
create function private.find_job_skills_now(p_job_id bigint, p_pattern text) returns text[]
language sql volatile set search_path = ''
as $$
  select private.find_skills(private.job_skill_text(j.title, j.description))
  from public.jobs j
  where j.id = p_job_id and private.job_skill_text(j.title, j.description) ~* p_pattern
$$;

-- One batch of the jobs indexed against an older vocabulary: claimed (one statement, skip
-- locked), each read again only when its text contains a first word of a newer term (one
-- case-insensitive alternation: 15 us a 2.3 kB ad, where lower() and translate() with strpos
-- took 200), and moved on. A batch moves jobs at most 200 versions on, so that the alternation
-- stays small; the next batch takes them further.
create function private.index_jobs_for_new_skills(p_limit integer default 1000)
returns integer
language sql volatile security definer set search_path = ''
as $$
  with target as materialized (
    select least(private.skill_vocabulary_version(),
                 (select min(js.vocabulary_version) from public.job_skills js) + 200) as v
  ),
  picked as materialized (
    select js.job_id, js.vocabulary_version
    from public.job_skills js
    where js.vocabulary_version < (select v from target)
    order by js.vocabulary_version, js.job_id
    limit p_limit
    for update skip locked
  ),
  newer as materialized (
    select coalesce('(' || string_agg(distinct
             regexp_replace(split_part(t.term, ' ', 1), '([.+#*?()\[\]{}|^$\\])', '\\\1', 'g'),
             '|') || ')', '(?!)') as pattern
    from private.skill_terms t
    where t.version > (select min(p.vocabulary_version) from picked p)
      and t.version <= (select v from target)
  ),
  indexed as (
    update public.job_skills js set
      skills = coalesce(private.find_job_skills_now(p.job_id, n.pattern), js.skills),
      vocabulary_version = (select v from target)
    from picked p
    cross join newer n
    where js.job_id = p.job_id
    returning 1
  )
  select count(*)::integer from indexed
$$;

revoke execute on function private.index_new_jobs(), private.index_changed_job(),
  private.is_skill_stop_word(text), private.cv_skill_in_text(text), private.add_skills(jsonb),
  private.find_job_skills_now(bigint, text), private.index_jobs_for_new_skills(integer)
  from public, anon, authenticated;
grant execute on function private.index_jobs_for_new_skills(integer) to service_role;

-- The sweep: batches until none is left or 10 seconds passed (one transaction: pg_cron calls it
-- every minute); a run row when it did work.
create function private.sweep_job_skills(p_batch integer default 1000) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  pending integer;
  batch integer;
  done integer := 0;
  run_id bigint;
  started constant timestamptz := clock_timestamp();
begin
  select count(*) into pending from public.job_skills js
  where js.vocabulary_version < private.skill_vocabulary_version();
  if pending = 0 then
    return 0;
  end if;
  insert into public.runs (kind, triggered_by, progress_total, stats)
  values ('sweep', 'cron', pending, jsonb_build_object('sweep', 'job_skills'))
  returning id into run_id;
  loop
    batch := private.index_jobs_for_new_skills(p_batch);
    done := done + batch;
    update public.runs set progress_done = least(done, pending), heartbeat_at = now()
    where id = run_id;
    exit when batch = 0 or clock_timestamp() > started + interval '10 seconds';
  end loop;
  update public.runs
  set status = case when done >= pending then 'succeeded' else 'partial' end,
      finished_at = now(), progress_done = least(done, pending),
      stats = stats || jsonb_build_object('jobs_indexed', done)
  where id = run_id;
  return done;
end
$$;

revoke execute on function private.sweep_job_skills(integer) from public, anon, authenticated;
grant execute on function private.sweep_job_skills(integer) to service_role;

insert into private.schedules (name, kind, schedule, command, description) values
  ('skills-sweep', 'cron', '* * * * *', 'select private.sweep_job_skills()',
   'Stored jobs indexed for the skills the vocabulary gained since they were stored');

-- ---- users: the newest parsed CV's skills ------------------------------------------------------

-- A CV profile's skills then languages, in its order, as written: at most 30 skills and 10
-- languages (Claude is asked for 15 skills; a CV that talks it into more grows the vocabulary
-- no further).
create function private.cv_skills(p_profile jsonb)
returns table (as_written text, kind text, ordinal integer)
language sql immutable set search_path = ''
as $$
  select btrim(e.value), e.kind, (row_number() over (order by e.part, e.n))::integer
  from (
    select s.value, 'skill' as kind, 1 as part, s.n
    from jsonb_array_elements_text(coalesce(p_profile -> 'skills', '[]'))
      with ordinality s(value, n)
    where s.n <= 30
    union all
    select l.value, 'language', 2, l.n
    from jsonb_array_elements_text(coalesce(p_profile -> 'languages', '[]'))
      with ordinality l(value, n)
    where l.n <= 10
  ) e
  where private.skill_key(e.value) <> ''
$$;

-- The newest parsed CV of a user: the one whose profile the feed and the skills read.
create function private.newest_parsed_cv(p_user_id uuid) returns uuid
language sql stable set search_path = ''
as $$
  select d.id from public.cv_documents d
  where d.user_id = p_user_id and d.status = 'parsed' and d.profile is not null
  order by d.created_at desc limit 1
$$;

-- The users' user_skills rows again from their newest parsed CV (read once); skills the
-- vocabulary did not know are added to it first.
create function private.sync_user_skills(p_user_ids uuid[]) returns integer
language plpgsql volatile security definer set search_path = ''
as $$
declare
  cv_rows constant jsonb := (
    select coalesce(jsonb_agg(jsonb_build_object('user_id', d.user_id, 'cv', d.id,
      'label', c.as_written, 'kind', c.kind, 'ordinal', c.ordinal)), '[]')
    from public.cv_documents d
    cross join lateral private.cv_skills(d.profile) c
    where d.id in (select private.newest_parsed_cv(u) from unnest(p_user_ids) u));
  written integer;
begin
  perform private.add_skills(cv_rows);
  delete from public.user_skills us where us.user_id = any(p_user_ids);
  insert into public.user_skills (user_id, skill, kind, ordinal, as_written, cv_document_id)
  select distinct on (r.user_id, r.skill) r.user_id, r.skill, r.kind, r.ordinal, r.label, r.cv
  from (
    select x.*, private.canonical_skill(x.label) as skill
    from jsonb_to_recordset(cv_rows)
      as x(user_id uuid, cv uuid, label text, kind text, ordinal integer)
  ) r
  where r.skill is not null
  order by r.user_id, r.skill, r.ordinal;
  get diagnostics written = row_count;
  return written;
end
$$;

-- The feed's wants read the same newest parsed CV (its levels, arrangements, employment types).
create or replace function private.feed_wants(p_user_id uuid)
returns table (levels text[], arrangements text[], employment text[])
language sql stable set search_path = ''
as $$
  with profile as (
    select d.profile from public.cv_documents d where d.id = private.newest_parsed_cv(p_user_id)
  )
  select
    coalesce((select array_agg(distinct t ->> 'seniority')
              from profile, jsonb_array_elements(profile -> 'job_titles') t), '{}'),
    coalesce((select array_agg(value)
              from profile, jsonb_array_elements_text(profile -> 'work_arrangements')), '{}'),
    coalesce((select array_agg(value)
              from profile, jsonb_array_elements_text(profile -> 'employment_types')), '{}')
$$;

-- cv_documents changed: the users whose newest parsed CV may have changed. Named to fire before
-- cv_documents_feed_* (triggers fire in name order), which score the feed with these skills.
create function private.skills_after_cvs_change() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  if tg_op = 'INSERT' then
    perform private.sync_user_skills(array_agg(distinct n.user_id))
    from new_cvs n where n.status = 'parsed' having count(*) > 0;
  elsif tg_op = 'UPDATE' then
    perform private.sync_user_skills(array_agg(distinct n.user_id))
    from new_cvs n join old_cvs o on o.id = n.id
    where (n.status, n.profile, n.created_at) is distinct from (o.status, o.profile, o.created_at)
      and 'parsed' in (n.status, o.status)
    having count(*) > 0;
  else
    perform private.sync_user_skills(array_agg(distinct o.user_id))
    from old_cvs o where o.status = 'parsed' having count(*) > 0;
  end if;
  return null;
end
$$;

create trigger cv_documents_as_skills_insert after insert on public.cv_documents
  referencing new table as new_cvs
  for each statement execute function private.skills_after_cvs_change();

create trigger cv_documents_as_skills_update after update on public.cv_documents
  referencing old table as old_cvs new table as new_cvs
  for each statement execute function private.skills_after_cvs_change();

create trigger cv_documents_as_skills_delete after delete on public.cv_documents
  referencing old table as old_cvs
  for each statement execute function private.skills_after_cvs_change();

revoke execute on function private.cv_skills(jsonb), private.sync_user_skills(uuid[]),
  private.newest_parsed_cv(uuid), private.skills_after_cvs_change()
  from public, anon, authenticated;

-- ---- the feed ----------------------------------------------------------------------------------

-- The skills component, out of 40 (as much as the title): 40 x the share of the user's skills
-- that the job asks for. Languages are matched and shown, but not scored: nearly every ad names
-- the language it is written in, so they said which language an ad was in, not how well it fits
-- (on the relevance set, scoring them too gave +0.039 NDCG@10 where skills alone gave +0.057).
-- What matched comes in the CV's order (skills, then languages); what the job asks for that the
-- CV does not show, in the job's order.
create type private.feed_skill_match as (
  s_skills smallint,
  matched text[],
  missing text[]
);

create function private.feed_skills(
  p_user_skills text[],
  p_user_languages text[],
  p_job_skills text[]
) returns private.feed_skill_match
language sql immutable
return row(
  (40 * cardinality(array(select u from unnest(p_user_skills) u where u = any(p_job_skills)))
     / greatest(cardinality(p_user_skills), 1))::smallint,
  array(select u from unnest(p_user_skills || p_user_languages) with ordinality x(u, n)
        where u = any(p_job_skills) order by n),
  array(select k from unnest(p_job_skills) with ordinality x(k, n)
        where not k = any(p_user_skills || p_user_languages) order by n)
)::private.feed_skill_match;

-- A user's skills of one kind ('skill' or 'language') that an ad can name (a key or synonym
-- looked for in ads), in the CV's order: a skill no ad can name would only lower the share.
create function private.feed_user_skills(p_user_id uuid, p_kind text) returns text[]
language sql stable set search_path = ''
as $$
  select coalesce(array_agg(us.skill order by us.ordinal), '{}')
  from public.user_skills us
  where us.user_id = p_user_id and us.kind = p_kind
    and exists (select 1 from private.skill_terms t where t.skill = us.skill)
$$;

revoke execute on function private.feed_skills(text[], text[], text[]),
  private.feed_user_skills(uuid, text) from public, anon, authenticated;

drop index public.feed_items_rank_idx;
alter table public.feed_items
  drop column rank,
  drop column base_score,
  add column s_skills smallint not null default 0,
  add column matched_skills text[] not null default '{}',
  add column missing_skills text[] not null default '{}';
alter table public.feed_items
  add column base_score smallint not null
    generated always as (s_title + s_location + s_seniority + s_arrangement + s_employment
                         + s_salary + s_skills) stored,
  add column rank smallint not null
    generated always as (s_title + s_location + s_seniority + s_arrangement + s_employment
                         + s_salary + s_skills + recency) stored;

create index feed_items_rank_idx on public.feed_items
  (user_id, rank desc, posted_at desc nulls last, job_id) where live;

comment on column public.feed_items.s_skills is
  'Skills points (private.feed_skills): 40 x the share of the user''s skills the job asks for.';
comment on column public.feed_items.matched_skills is
  'The user''s skills the job asks for, in the CV''s order (skill keys).';
comment on column public.feed_items.missing_skills is
  'What the job asks for that the CV does not show, in the job''s order (skill keys).';
