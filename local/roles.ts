/**
 * Acting as Supabase's roles inside a transaction, the way PostgREST and Storage do:
 * `set local role` plus the JWT claims in `request.jwt.claims`. Local stand-ins only.
 *
 * @module
 */
import type { Queryable, TransactionSql } from "../shared/db/postgres.ts";

/** Who runs a statement. */
export type Actor =
  | { kind: "anon" }
  | { kind: "user"; id: string }
  | { kind: "service_role" };

/** Creates an auth.users row (what sign-up does) and returns its id. */
export async function createAuthUser(sql: Queryable, email: string): Promise<string> {
  const [row] = await sql<{ id: string }[]>`
    insert into auth.users (id, email, aud, role, created_at, updated_at)
    values (gen_random_uuid(), ${email}, 'authenticated', 'authenticated', now(), now())
    returning id`;
  return row.id;
}

/** Switches the rest of the transaction (or savepoint) to `actor`. */
export async function actAs(tx: TransactionSql, actor: Actor): Promise<void> {
  const claims = actor.kind === "user"
    ? { sub: actor.id, role: "authenticated", aud: "authenticated" }
    : { role: actor.kind };
  const role = actor.kind === "user" ? "authenticated" : actor.kind;
  await tx.unsafe(`set local role ${role}`);
  await tx`select set_config('request.jwt.claims', ${JSON.stringify(claims)}, true)`;
}

/** Back to the connecting superuser for the rest of the transaction. */
export async function actAsOwner(tx: TransactionSql): Promise<void> {
  await tx`reset role`;
  await tx`select set_config('request.jwt.claims', '', true)`;
}
