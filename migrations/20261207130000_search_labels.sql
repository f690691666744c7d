-- ---------------------------------------------------------------------------
-- A search is shown as the person typed it ("SRE", "München") while its normalised key
-- (title_keyword, location: "sre", "munich") joins it to everybody else's combination. The labels
-- are written with the key by the `searches` function; searches taken from a CV have none, and
-- the page then shows the key title-cased. A label never outlives its key: when a key changes
-- without a new label (the SQL editor, a script), the trigger drops the old label.
-- ---------------------------------------------------------------------------

alter table public.user_search_queries
  add column title_label text
    constraint user_search_queries_title_label_length
      check (char_length(title_label) between 1 and 200),
  add column location_label text
    constraint user_search_queries_location_label_length
      check (char_length(location_label) between 1 and 200);

comment on column public.user_search_queries.title_label is
  'The job title as the person typed it, for display; null: show title_keyword.';
comment on column public.user_search_queries.location_label is
  'The location as the person typed it, for display; null: show location.';

grant update (title_label, location_label) on public.user_search_queries to authenticated;

create or replace function private.drop_stale_search_labels() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if new.title_keyword is distinct from old.title_keyword
     and new.title_label is not distinct from old.title_label then
    new.title_label := null;
  end if;
  if new.location is distinct from old.location
     and new.location_label is not distinct from old.location_label then
    new.location_label := null;
  end if;
  return new;
end
$$;

revoke execute on function private.drop_stale_search_labels() from public, anon, authenticated;

-- named to fire after user_search_queries_normalize_labels (triggers fire in name order), so that
-- it compares normalised keys
create trigger user_search_queries_typed_labels
  before update of title_keyword, location on public.user_search_queries
  for each row execute function private.drop_stale_search_labels();

-- The one rule for how a search's title or place is shown (the searches list, the feed's reason):
-- as typed, else the key title-cased ("data engineer" → "Data Engineer").
create or replace function private.shown_label(p_label text, p_key text) returns text
language sql immutable set search_path = ''
return coalesce(p_label, initcap(p_key));

revoke execute on function private.shown_label(text, text) from public;
grant execute on function private.shown_label(text, text) to authenticated, service_role;
