/**
 * The local stand-in's JWTs, signed HS256 with a shared secret as the Supabase CLI's local stack
 * does (its default secret, unless LOCAL_JWT_SECRET is set): the anon and service_role keys, and
 * user access tokens. Never used against a real project.
 *
 * @module
 */
import { SignJWT } from "jose";
import { verifyAccessToken } from "../shared/auth/verify_jwt.ts";

/** The Supabase CLI's default local JWT secret. */
export const DEFAULT_LOCAL_JWT_SECRET = "super-secret-jwt-token-with-at-least-32-characters-long";

/** The claims the local Storage and functions read. */
export interface JwtClaims {
  role: string;
  sub?: string;
  aud?: string;
  exp?: number;
  iss?: string;
  email?: string;
  [claim: string]: unknown;
}

/** Signs `claims` (HS256). */
export function signJwt(claims: JwtClaims, secret = DEFAULT_LOCAL_JWT_SECRET): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(secret));
}

/** The claims of a valid, unexpired HS256 token; throws with the reason otherwise. */
export async function verifyJwt(
  token: string,
  secret = DEFAULT_LOCAL_JWT_SECRET,
): Promise<JwtClaims> {
  return await verifyAccessToken(token, { secret }) as JwtClaims;
}

/** The local project's API keys (what `supabase start` prints). */
export async function localKeys(secret = DEFAULT_LOCAL_JWT_SECRET) {
  const exp = Math.floor(Date.now() / 1000) + 10 * 365 * 24 * 3600;
  return {
    anonKey: await signJwt({ role: "anon", iss: "supabase-demo", exp }, secret),
    serviceRoleKey: await signJwt({ role: "service_role", iss: "supabase-demo", exp }, secret),
  };
}

/** An access token for user `sub` (what signing in returns), valid for an hour. */
export function userAccessToken(sub: string, secret = DEFAULT_LOCAL_JWT_SECRET): Promise<string> {
  return signJwt({
    sub,
    role: "authenticated",
    aud: "authenticated",
    exp: Math.floor(Date.now() / 1000) + 3600,
  }, secret);
}
