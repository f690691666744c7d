/**
 * What a deployed function that serves signed-in users needs from its environment: a database
 * connection (Supabase sets SUPABASE_DB_URL) and a verifier of access tokens: SUPABASE_JWKS (the
 * project's signing keys, which Supabase injects), and for a project still signing with the
 * legacy HS256 secret, LEGACY_JWT_SECRET (`supabase secrets set LEGACY_JWT_SECRET=...`: names
 * starting with SUPABASE_ are reserved for the platform). Shared by the `feed`, `cvs` and
 * `searches` entrypoints.
 *
 * @module
 */
import { databaseUrl, loadConfig } from "../config.ts";
import { connectPostgres, type Sql } from "../db/postgres.ts";
import { type AccessClaims, jwtKeysFromEnv, verifyAccessToken } from "./verify_jwt.ts";

/** The connection and the token verifier of function `name`; throws when either is missing. */
export function userFunctionEnv(name: string): {
  sql: Sql;
  verify: (token: string) => Promise<AccessClaims>;
} {
  const config = loadConfig();
  const url = databaseUrl(config);
  if (!url) throw new Error(`${name} needs SUPABASE_DB_URL (or DATABASE_URL); Supabase sets it.`);
  const keys = jwtKeysFromEnv(
    Deno.env.get("SUPABASE_JWKS"),
    Deno.env.get("LEGACY_JWT_SECRET") ?? Deno.env.get("SUPABASE_JWT_SECRET"),
  );
  return {
    sql: connectPostgres(url, { max: 2, applicationName: name }),
    verify: (token) => verifyAccessToken(token, keys),
  };
}
