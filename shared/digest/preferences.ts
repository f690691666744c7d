/**
 * A user's digest preferences, read and changed as the user (RLS: their own row; the grants let
 * them set `enabled` and `max_jobs` only). Without a row the digest is off with 10 jobs.
 *
 * @module
 */
import { asUser, type UserClaims } from "../auth/as_user.ts";
import type { Queryable } from "../db/postgres.ts";

/** What the page shows and sets. */
export interface DigestPreferences {
  enabled: boolean;
  max_jobs: number;
  /** Where the next digest's "new" starts (the last digest's cut), ISO 8601; null before one. */
  last_digest_at: string | null;
}

/** A change: either field, or both. */
export interface DigestPreferencesPatch {
  enabled?: boolean;
  maxJobs?: number;
}

function fromRow(row: Record<string, unknown> | undefined): DigestPreferences {
  if (!row) return { enabled: false, max_jobs: 10, last_digest_at: null };
  return {
    enabled: row.enabled as boolean,
    max_jobs: Number(row.max_jobs),
    last_digest_at: row.last_digest_at ? (row.last_digest_at as Date).toISOString() : null,
  };
}

/** The user's preferences (the defaults when they never set any). */
export async function readDigestPreferencesAs(
  sql: Queryable,
  user: UserClaims,
): Promise<DigestPreferences> {
  return await asUser(sql, user, async (tx) => {
    const [row] = await tx`select enabled, max_jobs, last_digest_at
                           from public.digest_preferences where user_id = ${user.sub}::uuid`;
    return fromRow(row);
  });
}

/** Changes what `patch` names and returns the preferences as stored. */
export async function writeDigestPreferencesAs(
  sql: Queryable,
  user: UserClaims,
  patch: DigestPreferencesPatch,
): Promise<DigestPreferences> {
  const enabled = patch.enabled ?? null;
  const maxJobs = patch.maxJobs ?? null;
  return await asUser(sql, user, async (tx) => {
    const [row] = await tx`
      insert into public.digest_preferences as p (user_id, enabled, max_jobs)
      values (${user.sub}::uuid, coalesce(${enabled}::boolean, false),
              coalesce(${maxJobs}::integer, 10))
      on conflict (user_id) do update
        set enabled = coalesce(${enabled}::boolean, p.enabled),
            max_jobs = coalesce(${maxJobs}::integer, p.max_jobs)
      returning enabled, max_jobs, last_digest_at`;
    return fromRow(row);
  });
}
