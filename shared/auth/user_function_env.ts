/**
 * What a deployed function that serves signed-in users needs from its environment: a database
 * connection (Supabase sets SUPABASE_DB_URL) and a verifier of access tokens: SUPABASE_JWKS (the
 * project's signing keys, which Supabase injects; unset, they are fetched from SUPABASE_URL's
 * JWKS endpoint), and for a project still signing with the legacy HS256 secret,
 * LEGACY_JWT_SECRET (`supabase secrets set LEGACY_JWT_SECRET=...`: names starting with SUPABASE_
 * are reserved for the platform). Shared by the `feed`, `cvs` and `searches` entrypoints.
 *
 * @module
 */
import { databaseUrl, loadConfig } from "../config.ts";
import { connectPostgres, type Sql } from "../db/postgres.ts";
import { type AccessClaims, accessTokenVerifier, jwtKeysFromConfig } from "./verify_jwt.ts";

/** The connection and the token verifier of function `name`; throws when either is missing. */
export function userFunctionEnv(name: string): {
  sql: Sql;
  verify: (token: string) => Promise<AccessClaims>;
} {
  const config = loadConfig();
  const url = databaseUrl(config);
  if (!url) throw new Error(`${name} needs SUPABASE_DB_URL (or DATABASE_URL); Supabase sets it.`);
  const keys = jwtKeysFromConfig(config);
  if (!keys.jwks && !keys.jwksUrl && !keys.secret) {
    throw new Error(
      `${name} cannot verify access tokens: set SUPABASE_URL (Supabase sets it) or SUPABASE_JWKS, ` +
        "or LEGACY_JWT_SECRET for a project that signs with the legacy JWT secret.",
    );
  }
  return {
    sql: connectPostgres(url, { max: 2, applicationName: name }),
    verify: accessTokenVerifier(keys),
  };
}
