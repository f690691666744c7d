/**
 * A user's CVs and where each one stands (uploaded → parsing → parsed | failed, with the reason),
 * read as the user: RLS shows them their own and nobody else's.
 *
 * @module
 */
import { asUser, type UserClaims } from "../auth/as_user.ts";
import type { Queryable } from "../db/postgres.ts";

/** One CV as the page shows it. */
export interface CvStatus {
  id: string;
  file_name: string;
  storage_path: string;
  size_bytes: number | null;
  status: "uploaded" | "parsing" | "parsed" | "failed";
  error: string | null;
  created_at: string;
  parsed_at: string | null;
  /** Searches taken from it that are still active. */
  active_searches: number;
}

/** The user's CVs, newest first (at most `limit`), or just `id` when given. */
export async function listCvsAs(
  sql: Queryable,
  user: UserClaims,
  options: { id?: string; limit?: number } = {},
): Promise<CvStatus[]> {
  return await asUser(sql, user, async (tx) => {
    const rows = await tx<CvStatus[]>`
      select d.id, d.file_name, d.storage_path, d.size_bytes::float8 as size_bytes, d.status,
             d.error, d.created_at, d.parsed_at,
             (select count(*)::int from public.user_search_queries q
              where q.cv_document_id = d.id and q.is_active) as active_searches
      from public.cv_documents d
      where ${options.id ?? null}::uuid is null or d.id = ${options.id ?? null}::uuid
      order by d.created_at desc, d.id
      limit ${options.limit ?? 20}`;
    return rows.map((row) => ({
      ...row,
      created_at: new Date(row.created_at).toISOString(),
      parsed_at: row.parsed_at ? new Date(row.parsed_at).toISOString() : null,
    }));
  });
}
