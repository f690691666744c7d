/**
 * Acting as Supabase's roles in tests (the stand-in lives in local/roles.ts).
 *
 * @module
 */
import type { TransactionSql } from "../../shared/db/postgres.ts";
import { createAuthUser } from "../../local/roles.ts";

export { actAs, actAsOwner, type Actor } from "../../local/roles.ts";

/** Creates an auth.users row and returns its id. */
export function createUser(tx: TransactionSql, email: string): Promise<string> {
  return createAuthUser(tx, email);
}
