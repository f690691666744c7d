-- ---------------------------------------------------------------------------
-- One normal form for search labels (titles and locations), the same in TypeScript
-- (shared/searches/label.ts) and here: without control, format, bidirectional or emoji
-- characters, then Unicode NFKC (full-width letters become plain ones), lower case, single
-- spaces, trimmed. tests/label_normal_form_test.ts runs one table of inputs through both.
--
-- A row written by hand in the SQL editor ("Berlin ") is put in normal form by a trigger before
-- the check sees it, instead of failing with a bare check-constraint error.
-- ---------------------------------------------------------------------------

create or replace function private.normalize_label(value text) returns text
language sql immutable parallel safe set search_path = ''
as $$
  select nullif(btrim(lower(regexp_replace(normalize(regexp_replace(value,
      '[\u0001-\u001f\u007f-\u009f\u00ad\u034f\u061c\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u2300-\u23ff\u25a0-\u27bf\u2b00-\u2bff\u3164\ufe00-\ufe0f\ufeff\U0001f000-\U0001faff\U000e0000-\U000e007f]',
      '', 'g'), NFKC),
    '[\t\n\v\f\r \u1680\u2028\u2029]+', ' ', 'g'))), '')
$$;
comment on function private.normalize_label(text) is
  'Without control, format, bidi or emoji characters, NFKC, lower case, single spaces, trimmed; '
  'NULL for a blank label. The TypeScript copy is shared/searches/label.ts.';

-- Puts the row's title_keyword and location in normal form (a blank one stays as it is, for the
-- check to refuse).
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

create trigger user_search_queries_normalize_labels
  before insert or update of title_keyword, location on public.user_search_queries
  for each row execute function private.normalize_search_labels();
create trigger backfill_tracking_normalize_labels
  before insert or update of title_keyword, location on public.backfill_tracking
  for each row execute function private.normalize_search_labels();

-- Rows written before this rule are put in it now, so that a search and its combination keep
-- meeting under one key. A search that would become a duplicate of another active search of the
-- same user is deactivated first; a tracked combination whose normal form is tracked already is
-- left as it was (no active search names it any more; it is never claimed again).
update public.user_search_queries q
set is_active = false, deactivated_at = now()
where q.is_active
  and (q.title_keyword, q.location) is distinct from
      (private.normalize_label(q.title_keyword), private.normalize_label(q.location))
  and exists (
    select 1 from public.user_search_queries o
    where o.user_id = q.user_id and o.is_active and o.id <> q.id
      and private.combination_key(private.normalize_label(o.title_keyword),
            private.normalize_label(o.location), o.ai_work_arrangement, o.ai_employment_type,
            o.ai_seniority, o.ai_industry)
        = private.combination_key(private.normalize_label(q.title_keyword),
            private.normalize_label(q.location), q.ai_work_arrangement, q.ai_employment_type,
            q.ai_seniority, q.ai_industry)
      and (o.id < q.id or (o.title_keyword, o.location) is not distinct from
                           (private.normalize_label(o.title_keyword),
                            private.normalize_label(o.location))));
update public.user_search_queries q
set title_keyword = coalesce(private.normalize_label(q.title_keyword), q.title_keyword),
    location = coalesce(private.normalize_label(q.location), q.location)
where (q.title_keyword, q.location) is distinct from
      (private.normalize_label(q.title_keyword), private.normalize_label(q.location))
  and private.normalize_label(q.title_keyword) is not null
  and private.normalize_label(q.location) is not null;
update public.backfill_tracking t
set title_keyword = private.normalize_label(t.title_keyword),
    location = private.normalize_label(t.location)
where (t.title_keyword, t.location) is distinct from
      (private.normalize_label(t.title_keyword), private.normalize_label(t.location))
  and private.normalize_label(t.title_keyword) is not null
  and private.normalize_label(t.location) is not null
  and not exists (
    select 1 from public.backfill_tracking o
    where o.id <> t.id
      and o.combination_key = private.combination_key(private.normalize_label(t.title_keyword),
            private.normalize_label(t.location), t.ai_work_arrangement, t.ai_employment_type,
            t.ai_seniority, t.ai_industry));
