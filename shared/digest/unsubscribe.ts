/**
 * The one-click unsubscribe link's token: `<user-id>.<signature>`, where the signature is
 * HMAC-SHA256 over the purpose and the user id with a key derived from FUNCTIONS_SECRET (the
 * secret every function the database calls already has; never sent to a browser). It works
 * without signing in and never expires; WebCrypto's verify compares in constant time.
 *
 * @module
 */
import { isUuid } from "../identifiers.ts";

const PURPOSE = "job-feed digest unsubscribe v1";

function base64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_")
    .replace(/=+$/, "");
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

async function key(secret: string): Promise<CryptoKey> {
  return await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

const message = (userId: string) => new TextEncoder().encode(`${PURPOSE}:${userId}`);

/** The token of `userId`'s unsubscribe link. */
export async function signUnsubscribeToken(secret: string, userId: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await key(secret), message(userId));
  return `${userId}.${base64url(new Uint8Array(signature))}`;
}

/** The user id a token was signed for, or null when it is not a good token. */
export async function verifyUnsubscribeToken(
  secret: string,
  token: string,
): Promise<string | null> {
  const [userId, signature, ...rest] = token.split(".");
  if (rest.length > 0 || !userId || !signature || !isUuid(userId)) return null;
  const bytes = fromBase64url(signature);
  if (!bytes) return null;
  const good = await crypto.subtle.verify("HMAC", await key(secret), bytes, message(userId));
  return good ? userId : null;
}
