/**
 * Verifies a user's access token in a function that needs the caller's identity: against the
 * project's JSON Web Key Set (`SUPABASE_JWKS`, the asymmetric signing keys Supabase injects:
 * ES256 or RS256) or a shared HS256 secret (the legacy JWT secret, or the local stand-in's).
 * Returns the claims of a valid, unexpired token; throws with the reason otherwise.
 *
 * @module
 */

/** The claims a function reads. */
export interface AccessClaims {
  sub?: string;
  role: string;
  exp?: number;
  [claim: string]: unknown;
}

/** Where keys come from. */
export interface JwtKeys {
  /** `{"keys": [...]}` (SUPABASE_JWKS). */
  jwks?: { keys: (JsonWebKey & { kid?: string; alg?: string })[] };
  /** A shared HS256 secret. */
  secret?: string;
}

const encoder = new TextEncoder();

function fromBase64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replaceAll("-", "+").replaceAll("_", "/")
    .padEnd(Math.ceil(text.length / 4) * 4, "=");
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

function decodePart<T>(part: string): T {
  return JSON.parse(new TextDecoder().decode(fromBase64url(part))) as T;
}

async function keyFor(
  header: { alg?: string; kid?: string },
  keys: JwtKeys,
): Promise<{ key: CryptoKey; algorithm: AlgorithmIdentifier | EcdsaParams }> {
  if (header.alg === "HS256") {
    if (!keys.secret) throw new Error("HS256 tokens are not accepted here (no JWT secret)");
    const key = await crypto.subtle.importKey(
      "raw",
      encoder.encode(keys.secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["verify"],
    );
    return { key, algorithm: "HMAC" };
  }
  const jwk = keys.jwks?.keys.find((k) => k.kid === header.kid) ??
    (keys.jwks?.keys.length === 1 ? keys.jwks.keys[0] : undefined);
  if (!jwk) throw new Error(`no signing key ${header.kid ?? "(no kid)"} in the key set`);
  if (header.alg === "ES256") {
    const key = await crypto.subtle.importKey(
      "jwk",
      jwk,
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    return { key, algorithm: { name: "ECDSA", hash: "SHA-256" } };
  }
  if (header.alg === "RS256") {
    const key = await crypto.subtle.importKey(
      "jwk",
      jwk,
      { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
      false,
      ["verify"],
    );
    return { key, algorithm: "RSASSA-PKCS1-v1_5" };
  }
  throw new Error(`unsupported algorithm ${header.alg}`);
}

/** The claims of a valid token. */
export async function verifyAccessToken(token: string, keys: JwtKeys): Promise<AccessClaims> {
  const [header, payload, signature] = token.split(".");
  if (!header || !payload || !signature) throw new Error("not a JWT");
  const { key, algorithm } = await keyFor(decodePart(header), keys);
  const valid = await crypto.subtle.verify(
    algorithm,
    key,
    fromBase64url(signature),
    encoder.encode(`${header}.${payload}`),
  );
  if (!valid) throw new Error("invalid signature");
  const claims = decodePart<AccessClaims>(payload);
  if (typeof claims.exp === "number" && claims.exp * 1000 < Date.now()) {
    throw new Error("token expired");
  }
  if (typeof claims.role !== "string") throw new Error("no role claim");
  return claims;
}

/** The keys from the environment: SUPABASE_JWKS and/or a JWT secret. */
export function jwtKeysFromEnv(jwks: string | undefined, secret: string | undefined): JwtKeys {
  let parsed: JwtKeys["jwks"];
  if (jwks) {
    try {
      parsed = JSON.parse(jwks);
    } catch {
      throw new Error('SUPABASE_JWKS is not JSON; it must be {"keys": [...]}');
    }
  }
  return { jwks: parsed, secret };
}
