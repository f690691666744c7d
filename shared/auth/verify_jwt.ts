/**
 * Verifies an access token with `jose`: against the project's JSON Web Key Set (the asymmetric
 * signing keys, ES256 or RS256: `SUPABASE_JWKS` as Supabase injects it, else fetched from
 * `<SUPABASE_URL>/auth/v1/.well-known/jwks.json`) or a shared HS256 secret (the legacy JWT
 * secret, or the local stand-in's). Returns the claims of a validly signed, unexpired token with
 * a role; throws with the reason otherwise. Whose token it is (role `authenticated`, `sub` a
 * user id) is the caller's check: Storage also takes the anon and service_role keys.
 *
 * @module
 */
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type JSONWebKeySet,
  type JWTHeaderParameters,
  jwtVerify,
} from "jose";
import type { Config } from "../config.ts";

/** The claims a function reads. */
export interface AccessClaims {
  sub?: string;
  role: string;
  exp?: number;
  [claim: string]: unknown;
}

/** Where keys come from. */
export interface JwtKeys {
  /** `{"keys": [...]}`: the project's public signing keys (SUPABASE_JWKS). */
  jwks?: JSONWebKeySet;
  /** The URL of the project's key set, fetched and cached when `jwks` is not given. */
  jwksUrl?: string;
  /** A shared HS256 secret. */
  secret?: string;
}

/** The algorithms Supabase Auth signs access tokens with. */
const ASYMMETRIC = ["ES256", "RS256"];

/**
 * The key set could not be fetched: the token may be fine, the check could not run. Callers
 * answer 503 (try again), not 401.
 */
export class SigningKeysUnavailableError extends Error {}

type KeyLookup = (header: JWTHeaderParameters) => Promise<CryptoKey | Uint8Array>;

/** Picks the key for a token's header: the secret for HS256, else the key set's key. */
function keyLookup(keys: JwtKeys): KeyLookup {
  const secret = keys.secret === undefined ? undefined : new TextEncoder().encode(keys.secret);
  const keySet = keys.jwks
    ? createLocalJWKSet(keys.jwks)
    : keys.jwksUrl
    ? createRemoteJWKSet(new URL(keys.jwksUrl))
    : undefined;
  return async (header) => {
    if (header.alg === "HS256") {
      if (!secret) throw new Error("HS256 tokens are not accepted here (no JWT secret)");
      return secret;
    }
    if (!ASYMMETRIC.includes(header.alg)) throw new Error(`unsupported algorithm ${header.alg}`);
    if (!keySet) throw new Error(`${header.alg} tokens are not accepted here (no key set)`);
    try {
      return await keySet(header);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) {
        throw new Error(`no signing key ${header.kid ?? "(no kid)"} in the key set`);
      }
      if (error instanceof errors.JWKSMultipleMatchingKeys) {
        throw new Error("the token names no signing key (kid) and several fit; sign in again");
      }
      if (keys.jwks) throw error;
      throw new SigningKeysUnavailableError(
        `the project's signing keys could not be read from ${keys.jwksUrl} ` +
          `(${(error as Error).message}); try again`,
      );
    }
  };
}

/** The reason a token is refused, in words a caller can act on. */
function refusal(error: unknown): Error {
  if (error instanceof SigningKeysUnavailableError) return error;
  if (error instanceof errors.JWTExpired) return new Error("token expired");
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return new Error("invalid signature");
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return new Error(`not a JWT (${error.message})`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) {
    return new Error(`unsupported algorithm (${error.message})`);
  }
  if (error instanceof errors.JWTClaimValidationFailed) return new Error(error.message);
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A verifier for `keys`: the claims of a valid token, or a rejection with the reason. It keeps
 * the imported keys (and a fetched key set, for jose's cache time) between calls.
 */
export function accessTokenVerifier(keys: JwtKeys): (token: string) => Promise<AccessClaims> {
  const lookup = keyLookup(keys);
  return async (token) => {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, lookup, { algorithms: ["HS256", ...ASYMMETRIC] }));
    } catch (error) {
      throw refusal(error);
    }
    if (typeof payload.role !== "string") throw new Error("no role claim");
    return payload as AccessClaims;
  };
}

/** The claims of a valid token against `keys`; throws with the reason otherwise. */
export function verifyAccessToken(token: string, keys: JwtKeys): Promise<AccessClaims> {
  return accessTokenVerifier(keys)(token);
}

/**
 * The keys a deployed function verifies with: SUPABASE_JWKS, else the project's JWKS endpoint
 * under SUPABASE_URL; and LEGACY_JWT_SECRET (or SUPABASE_JWT_SECRET) for HS256.
 */
export function jwtKeysFromConfig(config: Config): JwtKeys {
  const base = config.SUPABASE_URL?.replace(/\/+$/, "");
  return {
    jwks: config.SUPABASE_JWKS as JSONWebKeySet | undefined,
    jwksUrl: config.SUPABASE_JWKS || !base ? undefined : `${base}/auth/v1/.well-known/jwks.json`,
    secret: config.LEGACY_JWT_SECRET ?? config.SUPABASE_JWT_SECRET,
  };
}
