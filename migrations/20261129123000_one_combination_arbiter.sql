-- ---------------------------------------------------------------------------
-- One unique index per combination, so that ON CONFLICT can always arbitrate.
--
-- backfill_tracking had two equivalent unique constraints: NULLS NOT DISTINCT on the six
-- columns, and one on their md5 combination_key. INSERT ... ON CONFLICT names one arbiter; a
-- concurrent insert of the same combination that collides first in the *other* index is a
-- plain unique violation, not a conflict. Ten sessions marking one combination at once failed
-- that way about once in ten runs. combination_key is a function of the six columns, so the
-- six-column constraint already implies its uniqueness; it keeps a plain index for the joins.
-- ---------------------------------------------------------------------------

alter table public.backfill_tracking drop constraint backfill_tracking_combination_key_unique;

create index backfill_tracking_combination_key_idx on public.backfill_tracking (combination_key);
