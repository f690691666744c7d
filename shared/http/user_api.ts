/**
 * What every function a browser calls as a signed-in user shares: CORS (the page may be served
 * from another origin than the project), JSON answers, the caller's verified identity (the
 * gateway's verify_jwt may be off, so the function checks the token itself), the path below the
 * function's name, and readable 400s for a body or query that fails its schema.
 *
 * @module
 */
import type { z } from "zod";
import { UnknownUserError, type UserClaims } from "../auth/as_user.ts";
import { isUuid } from "../identifiers.ts";

export { noControlCharacters } from "../identifiers.ts";
import { type AccessClaims, SigningKeysUnavailableError } from "../auth/verify_jwt.ts";
import { describePayloadIssues } from "./payload_errors.ts";

/** CORS headers of the user-facing functions. */
export const CORS_HEADERS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, x-client-info, apikey, content-type",
  "access-control-allow-methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
};

/** A JSON answer with the CORS headers. */
export function answer(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: CORS_HEADERS });
}

/** A 400 naming each field that failed `schema`, e.g. "Invalid search: location is required". */
export function invalid(what: string, error: z.ZodError, raw: unknown): Response {
  return answer(
    { error: `Invalid ${what}: ${describePayloadIssues(error, raw).join("; ")}.` },
    400,
  );
}

/**
 * The largest body a user-facing function reads: 16 KiB. A search or a feed query is well under
 * 1 KiB; anything larger is refused with 413 before it is read whole.
 */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * The body's bytes, or null once they pass `maxBytes` (by the Content-Length, or as they come:
 * the rest is not read).
 */
export async function readBounded(req: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/**
 * The request body as JSON (an empty body is `{}`), or the answer that refuses it: 413 above
 * `maxBytes` (by its Content-Length, or once that many bytes came), 400 when it is not JSON.
 */
export async function readJson(
  req: Request,
  maxBytes = MAX_BODY_BYTES,
): Promise<{ value: unknown } | { refusal: Response }> {
  const tooLarge = () => ({
    refusal: answer(
      { error: `The body is larger than ${maxBytes} bytes; send only the fields this takes.` },
      413,
    ),
  });
  const bytes = await readBounded(req, maxBytes);
  if (bytes === null) return tooLarge();
  const text = new TextDecoder().decode(bytes);
  if (!text.trim()) return { value: {} };
  try {
    return { value: JSON.parse(text) };
  } catch (error) {
    return {
      refusal: answer({
        error: `The body is not JSON (${(error as Error).message}); send a JSON object, ` +
          'e.g. {"limit": 20}.',
      }, 400),
    };
  }
}

/**
 * The path below the function's name: `/functions/v1/searches/12` (local gateway) and
 * `/searches/12` (the Edge runtime) both give `["12"]` for `searches`.
 */
export function subpath(req: Request, name: string): string[] {
  // a malformed escape (`%E0%A4%A`) stays as it is: it names nothing, and the route says 404
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  const parts = new URL(req.url).pathname.split("/").filter(Boolean).map(decode);
  const at = parts.indexOf(name);
  return at < 0 ? [] : parts.slice(at + 1);
}

/**
 * What makes a verified user token unfit for the user functions, or null: Auth's access tokens
 * always carry an expiry and the audience `authenticated`; a token without an expiry would be
 * good forever, and one for another audience was issued for someone else.
 */
function userTokenFault(claims: AccessClaims): string | null {
  if (typeof claims.exp !== "number") return "The access token has no expiry (exp)";
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes("authenticated")) {
    return "The access token is not for signed-in users (aud is not authenticated)";
  }
  return null;
}

/** A handler that only runs for a verified signed-in user. */
export type UserHandler = (req: Request, user: UserClaims) => Promise<Response>;

/**
 * Wraps `handle`: answers CORS preflights, refuses methods not in `methods`, and calls it with
 * the caller's claims, or answers 401 when the token is missing, invalid or not a user's (503
 * when the project's key set cannot be fetched). An
 * unexpected failure is a 500 with CORS and a message, not a bare crash.
 */
export function forSignedInUser(
  verify: (token: string) => Promise<AccessClaims>,
  methods: string[],
  handle: UserHandler,
): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS_HEADERS });
    if (!methods.includes(req.method)) {
      return answer(
        { error: `Method ${req.method} not allowed; use ${methods.join(" or ")}.` },
        405,
      );
    }
    const token = (req.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
    let claims: AccessClaims;
    try {
      claims = await verify(token);
    } catch (error) {
      if (error instanceof SigningKeysUnavailableError) {
        return answer({ error: `Cannot check sign-ins right now: ${error.message}.` }, 503);
      }
      return answer({ error: `Sign in first: ${(error as Error).message}.` }, 401);
    }
    if (claims.role !== "authenticated" || typeof claims.sub !== "string") {
      return answer(
        { error: "This belongs to a signed-in user; send their access token, not a key." },
        401,
      );
    }
    if (!isUuid(claims.sub)) {
      return answer(
        { error: "The access token's subject (sub) is not a user id; sign in again." },
        401,
      );
    }
    const unfit = userTokenFault(claims);
    if (unfit) return answer({ error: `${unfit}; sign in again.` }, 401);
    try {
      return await handle(req, { sub: claims.sub, role: "authenticated" });
    } catch (error) {
      if (error instanceof UnknownUserError) {
        return answer({ error: `${error.message}; sign in again.` }, 401);
      }
      // still a JSON answer with CORS, so the page can show it; the details (which may name
      // tables or hosts) go to the log only, under a reference the user can quote
      const reference = crypto.randomUUID().slice(0, 8);
      console.error(
        `[${reference}] ${req.method} ${new URL(req.url).pathname}: ${(error as Error).stack}`,
      );
      return answer({
        error: "Something went wrong on our side. Try again; if it keeps failing, tell us " +
          `reference ${reference}.`,
      }, 500);
    }
  };
}
