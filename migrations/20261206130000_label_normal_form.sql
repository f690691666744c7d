-- ---------------------------------------------------------------------------
-- One normal form for search labels (titles and locations), the same in TypeScript
-- (shared/searches/label.ts) and here: Unicode NFKC (full-width letters become plain ones),
-- without control, format, bidirectional or emoji characters, lower case, single spaces,
-- trimmed. tests/label_normal_form_test.ts runs one table of inputs through both.
--
-- A row written by hand in the SQL editor ("Berlin ") is put in normal form by a trigger before
-- the check sees it, instead of failing with a bare check-constraint error.
-- ---------------------------------------------------------------------------

create or replace function private.normalize_label(value text) returns text
language sql immutable parallel safe set search_path = ''
as $$
  select nullif(lower(btrim(regexp_replace(
    regexp_replace(normalize(value, NFKC),
      '[\u0001-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufe0e\ufe0f\u2600-\u27bf\U0001f000-\U0001faff]',
      '', 'g'),
    '\s+', ' ', 'g'))), '')
$$;
comment on function private.normalize_label(text) is
  'NFKC, without control, format, bidi or emoji characters, lower case, single spaces, trimmed; '
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
