/**
 * Runs SQL as a signed-in user, the way PostgREST does for a request: in a transaction (a
 * savepoint inside a caller's transaction) under the `authenticated` role with the user's claims,
 * so RLS and `auth.uid()` decide what they may read and write. The functions that serve the web
 * page go through here; they never read user data with the service role.
 *
 * @module
 */
import { isTransaction, type Queryable, type TransactionSql } from "../db/postgres.ts";

/** The verified claims of a signed-in user. */
export interface UserClaims {
  sub: string;
  role: "authenticated";
}

/** The token is valid but its user is gone (deleted since it was issued). */
export class UnknownUserError extends Error {
  override name = "UnknownUserError";
  constructor(sub: string) {
    super(`User ${sub} does not exist (any more)`);
  }
}

/**
 * Calls `fn` with a transaction that acts as `user`; role and claims end with it. Throws
 * {@link UnknownUserError} when the user does not exist: a token outlives a deleted user.
 */
export function asUser<T>(
  sql: Queryable,
  user: UserClaims,
  fn: (tx: TransactionSql) => Promise<T>,
): Promise<T> {
  const body = async (tx: TransactionSql) => {
    const [{ known }] = await tx`
      select exists (select 1 from auth.users where id = ${user.sub}::uuid) as known`;
    if (!known) throw new UnknownUserError(user.sub);
    await tx.unsafe("set local role authenticated");
    await tx`select set_config('request.jwt.claims', ${JSON.stringify(user)}, true)`;
    const result = await fn(tx);
    // a savepoint's `set local` lasts until the outer transaction ends: undo it here
    await tx.unsafe("reset role");
    await tx`select set_config('request.jwt.claims', '', true)`;
    return result;
  };
  return isTransaction(sql)
    ? sql.savepoint((sp) => body(sp as unknown as TransactionSql)) as Promise<T>
    : (sql as unknown as { begin: (f: typeof body) => Promise<T> }).begin(body);
}
