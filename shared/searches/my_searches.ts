/**
 * A user's searches (`user_search_queries`): list, add, edit and remove them, as the user (RLS:
 * their own rows only; the column grants keep them from moving a row to someone else). What a
 * user types is normalised the way a CV's titles and places are ("Sr. Data Engineer (m/w/d)" →
 * "data engineer", "München" → "munich"), so that it meets everybody else's searches in one
 * combination. Writing a search the user has no jobs for yet asks for a backfill, and a user
 * has at most 20 active searches (triggers, `..._searches.sql`). Removing deactivates: the
 * row is kept.
 *
 * @module
 */
import { asUser, type UserClaims } from "../auth/as_user.ts";
import { normalizeSearchLocation, normalizeSearchTitle } from "../cv/search_queries.ts";
import { normalLabel } from "./label.ts";
import type { Queryable, TransactionSql } from "../db/postgres.ts";
import type { CombinationColumns } from "../providers/types.ts";

/** The fields of a search a user can set: a combination's columns; null filters mean "any". */
export type SearchFields = CombinationColumns;

/** A search as the page shows it, with how far its jobs are. */
export interface Search extends SearchFields {
  id: number;
  /** The title as shown: as the person typed it, else the key title-cased (private.shown_label). */
  title_label: string;
  /** The location as shown, by the same rule. */
  location_label: string;
  cv_document_id: string | null;
  created_at: string;
  /** The combination's backfill: untracked, pending, claimed, backfilled or failed. */
  state: string;
  /** Jobs stored for the combination. */
  job_count: number;
  /**
   * A new search over the user's allowance of new paid searches waits: its jobs are fetched
   * from then (ISO). Null when nothing waits for the allowance.
   */
  waits_for_allowance_until: string | null;
}

/**
 * The write would break a rule of the user's searches: the same title, place and filters twice,
 * or more than 20 active searches. The message says what to do.
 */
export class SearchConflictError extends Error {}

/**
 * Title and place as the combination knows them; a label the cleaning would empty is only
 * normalised, as the database would.
 */
function normalizedFields<T extends Partial<SearchFields>>(fields: T): T {
  const out = { ...fields };
  if (fields.title_keyword !== undefined) {
    out.title_keyword = normalizeSearchTitle(fields.title_keyword).keyword ||
      normalLabel(fields.title_keyword);
  }
  if (fields.location !== undefined) {
    out.location = normalizeSearchLocation(fields.location) || normalLabel(fields.location);
  }
  return out;
}

/** What the person typed, for display: trimmed, one space between words. */
function typedLabel(text: string | undefined): string | undefined {
  return text === undefined ? undefined : text.trim().replace(/\s+/g, " ");
}

const FIELDS = [
  "title_keyword",
  "location",
  "ai_work_arrangement",
  "ai_employment_type",
  "ai_seniority",
  "ai_industry",
] as const;

async function read(tx: TransactionSql, id: number | null): Promise<Search[]> {
  const rows = await tx<Search[]>`
    select q.id::float8 as id, q.title_keyword, q.location,
           private.shown_label(q.title_label, q.title_keyword) as title_label,
           private.shown_label(q.location_label, q.location) as location_label,
           q.ai_work_arrangement,
           q.ai_employment_type, q.ai_seniority, q.ai_industry, q.cv_document_id, q.created_at,
           coalesce(s.state, 'untracked') as state, coalesce(s.job_count, 0)::float8 as job_count,
           case when coalesce(s.state, 'untracked') in ('untracked', 'pending')
                     and coalesce(s.attempts, 0) = 0 and a.remaining <= 0
                then a.resets_at end as waits_for_allowance_until
    from public.user_search_queries q
    left join private.search_states() s on s.combination_key = q.combination_key
    left join private.my_new_search_allowance() a on true
    where q.is_active and (${id}::bigint is null or q.id = ${id}::bigint)
    order by q.created_at, q.id`;
  return rows.map((row) => ({
    ...row,
    created_at: new Date(row.created_at).toISOString(),
    waits_for_allowance_until: row.waits_for_allowance_until
      ? new Date(row.waits_for_allowance_until).toISOString()
      : null,
  }));
}

/** Turns the rules' violations into messages the user can act on (`fields` are normalised). */
async function writing<T>(fields: SearchFields, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const { code, constraint_name } = error as { code?: string; constraint_name?: string };
    if (code === "23514" && constraint_name === "user_search_queries_at_most_20_active") {
      throw new SearchConflictError((error as Error).message);
    }
    if (code === "23505") {
      throw new SearchConflictError(
        `You already have the search "${fields.title_keyword}" in "${fields.location}" with ` +
          "these filters; edit that one instead.",
      );
    }
    throw error;
  }
}

/** The user's active searches, oldest first. */
export function listSearchesAs(sql: Queryable, user: UserClaims): Promise<Search[]> {
  return asUser(sql, user, (tx) => read(tx, null));
}

/** Adds a search; throws {@link SearchConflictError} for a duplicate or one too many. */
export function addSearchAs(sql: Queryable, user: UserClaims, typed: SearchFields) {
  const fields = normalizedFields(typed);
  return asUser(sql, user, async (tx) => {
    const [{ id }] = await writing(fields, () =>
      tx.savepoint((sp) =>
        sp`
        insert into public.user_search_queries (user_id, title_keyword, location, title_label,
          location_label, ai_work_arrangement, ai_employment_type, ai_seniority, ai_industry)
        values (auth.uid(), private.normalize_label(${fields.title_keyword}),
          private.normalize_label(${fields.location}), ${typedLabel(typed.title_keyword)!},
          ${typedLabel(typed.location)!}, ${fields.ai_work_arrangement},
          ${fields.ai_employment_type}, ${fields.ai_seniority}, ${fields.ai_industry})
        returning id::float8 as id`
      ));
    return (await read(tx, id))[0];
  });
}

/** Changes the given fields of search `id`; null when the user has no such active search. */
export function editSearchAs(
  sql: Queryable,
  user: UserClaims,
  id: number,
  patch: Partial<SearchFields>,
): Promise<Search | null> {
  return asUser(sql, user, async (tx) => {
    const [current] = await tx<
      (SearchFields & { title_label: string | null; location_label: string | null })[]
    >`
      select ${tx([...FIELDS, "title_label", "location_label"])} from public.user_search_queries
      where id = ${id} and is_active for update`;
    if (!current) return null;
    const next = {
      ...current,
      ...normalizedFields(patch),
      title_label: typedLabel(patch.title_keyword) ?? current.title_label,
      location_label: typedLabel(patch.location) ?? current.location_label,
    };
    await writing(next, () =>
      tx.savepoint((sp) =>
        sp`
        update public.user_search_queries
        set title_keyword = private.normalize_label(${next.title_keyword}),
            location = private.normalize_label(${next.location}),
            title_label = ${next.title_label}, location_label = ${next.location_label},
            ai_work_arrangement = ${next.ai_work_arrangement},
            ai_employment_type = ${next.ai_employment_type},
            ai_seniority = ${next.ai_seniority}, ai_industry = ${next.ai_industry}
        where id = ${id}`
      ));
    return (await read(tx, id))[0];
  });
}

/** Deactivates search `id` (kept, no longer searched); false when there is none to remove. */
export function removeSearchAs(sql: Queryable, user: UserClaims, id: number): Promise<boolean> {
  return asUser(sql, user, async (tx) => {
    const removed = await tx`
      update public.user_search_queries set is_active = false, deactivated_at = now()
      where id = ${id} and is_active returning id`;
    return removed.length > 0;
  });
}
