/**
 * Identifiers in the shapes the Anthropic API prints: `req_…` request ids (the `request-id`
 * header), `msg_…` message ids and `toolu_…` tool-use ids, each 24 base62 characters.
 *
 * @module
 */

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `count` random base62 characters (crypto-random, unbiased). */
export function base62(count: number): string {
  let out = "";
  while (out.length < count) {
    for (const byte of crypto.getRandomValues(new Uint8Array(count))) {
      if (byte < 248 && out.length < count) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** A request id, `req_` and 24 base62 characters. */
export function requestId(): string {
  return `req_${base62(24)}`;
}

/** A message id, `msg_01` and 22 base62 characters (as real ids begin). */
export function messageId(): string {
  return `msg_01${base62(22)}`;
}

/** A tool-use block id, `toolu_01` and 22 base62 characters. */
export function toolUseId(): string {
  return `toolu_01${base62(22)}`;
}
