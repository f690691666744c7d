/**
 * What every function the database calls checks first: POST, the shared secret in
 * `x-webhook-secret` (Vault `functions_secret`, FUNCTIONS_SECRET in the function), a JSON body.
 *
 * @module
 */
import { readJson } from "./user_api.ts";

/**
 * The largest body a database call carries: a Storage webhook's payload (the object's row with
 * its metadata) is a few kB; 64 KiB leaves room and refuses anything else unread (413).
 */
const MAX_WEBHOOK_BYTES = 64 * 1024;

/** Compares two strings in time independent of where they differ. */
function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/**
 * The request's JSON body when it is an authorised POST, else the response to send: 405, 500
 * (the function has no secret configured), 401, 413 (too large) or 400 (not JSON).
 */
export async function readWebhook(
  req: Request,
  secret: string | undefined,
): Promise<{ body: unknown } | { response: Response }> {
  if (req.method !== "POST") {
    return {
      response: Response.json({ error: `Method ${req.method} not allowed; use POST.` }, {
        status: 405,
        headers: { allow: "POST" },
      }),
    };
  }
  if (!secret) {
    return {
      response: Response.json({
        error: "FUNCTIONS_SECRET is not set; set it to the Vault secret functions_secret.",
      }, { status: 500 }),
    };
  }
  if (!sameSecret(req.headers.get("x-webhook-secret") ?? "", secret)) {
    return {
      response: Response.json({ error: "Missing or wrong x-webhook-secret header." }, {
        status: 401,
      }),
    };
  }
  const read = await readJson(req, MAX_WEBHOOK_BYTES);
  return "refusal" in read ? { response: read.refusal } : { body: read.value };
}
