/**
 * Access tokens for tests, minted with jose the way Supabase Auth signs them: asymmetric signing
 * keys (ES256, RS256) whose public half is a JSON Web Key Set, and tokens no key signed. HS256
 * tokens of the local stand-in come from local/jwt.ts.
 *
 * @module
 */
import { exportJWK, generateKeyPair, type JSONWebKeySet, SignJWT, UnsecuredJWT } from "jose";
import type { JwtClaims } from "../../local/jwt.ts";

/** A signing key: its public half as a key set, and a signer of claims. */
export interface SigningKey {
  jwks: JSONWebKeySet;
  kid: string;
  sign(claims: JwtClaims, header?: { kid?: string }): Promise<string>;
}

/** A new key pair of `alg`, named `kid` in its key set. */
export async function signingKey(alg: "ES256" | "RS256", kid = `${alg}-key`): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return {
    jwks: { keys: [jwk] },
    kid,
    sign: (claims, header = {}) =>
      new SignJWT(claims).setProtectedHeader({ alg, kid, typ: "JWT", ...header })
        .sign(privateKey),
  };
}

/** A token with `"alg": "none"` and an empty signature. */
export function unsignedToken(claims: JwtClaims): string {
  return new UnsecuredJWT(claims).encode();
}

/** The claims of a signed-in user's access token, valid for an hour unless `extra` says else. */
export function userClaims(sub: string, extra: Partial<JwtClaims> = {}): JwtClaims {
  return {
    sub,
    role: "authenticated",
    aud: "authenticated",
    exp: Math.floor(Date.now() / 1000) + 3600,
    ...extra,
  };
}
