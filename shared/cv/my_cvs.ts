/**
 * A user's CVs and where each one stands (uploaded → parsing → parsed | failed, with the reason),
 * read as the user: RLS shows them their own and nobody else's.
 *
 * @module
 */
import { asUser, type UserClaims } from "../auth/as_user.ts";
import type { Queryable, TransactionSql } from "../db/postgres.ts";

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

/** What deleting a CV did: how many of its searches stopped. */
export interface DeletedCv {
  searches: number;
}

/**
 * Deletes the user's CV `id` as the user (`public.delete_my_cv`): its searches stop, its row
 * goes, and `removeObject(path)` removes the file through Storage's API inside the same
 * transaction (a failure keeps everything). Null when the user has no such CV.
 */
export async function deleteCvAs(
  sql: Queryable,
  user: UserClaims,
  id: string,
  removeObject: (path: string, tx: TransactionSql) => Promise<void>,
): Promise<DeletedCv | null> {
  return await asUser(sql, user, async (tx) => {
    const [row] = await tx<{ storage_path: string; remove_object: boolean; searches: number }[]>`
      select storage_path, remove_object, searches from public.delete_my_cv(${id}::uuid)`;
    if (!row) return null;
    if (row.remove_object) await removeObject(row.storage_path, tx);
    return { searches: row.searches };
  });
}

/** The `statusCode` of a Storage error body, or null when the body is not one. */
function storageStatus(body: string): string | null {
  try {
    const parsed: unknown = JSON.parse(body);
    const code = (parsed as { statusCode?: unknown } | null)?.statusCode;
    return code === undefined || code === null ? null : String(code);
  } catch {
    return null;
  }
}

/**
 * Removes `cvs/<path>` through Storage's object endpoint as the caller (their token and the
 * apikey they sent): the bucket's delete policy decides. An object already gone is not an error.
 */
export function storageObjectRemover(
  supabaseUrl: string,
  token: string,
  apikey: string | null,
  fetcher: typeof fetch = fetch,
): (path: string) => Promise<void> {
  return async (path) => {
    const key = path.split("/").map(encodeURIComponent).join("/");
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (apikey) headers.apikey = apikey;
    const res = await fetcher(`${supabaseUrl.replace(/\/$/, "")}/storage/v1/object/cvs/${key}`, {
      method: "DELETE",
      headers,
    });
    const text = await res.text();
    // Storage answers a missing object with 404, or with 400 and {"statusCode": "404"}
    if (res.ok || res.status === 404 || storageStatus(text) === "404") return;
    throw new Error(`Storage refused to remove cvs/${path}: ${res.status} ${text.slice(0, 200)}`);
  };
}
