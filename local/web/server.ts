/**
 * The web page (`web/`) served by `deno task start`, next to the API it talks to:
 *
 *   /                        web/index.html (and the other files of web/)
 *   /config.js               this stack's URL and anon key, and sign-in "local" (the deployed
 *                            page's web/config.js names the project instead)
 *   /vendor/supabase.js      supabase-js's browser build (local/web/vendor.ts)
 *   POST /local/dev-sign-in  {email}: the development sign-in. Finds or creates the user and
 *                            mints an access token with the local JWT secret; the page gives it
 *                            to supabase-js through its `accessToken` option. Local only: there
 *                            is no password, so it never exists on a project.
 *   GET /local/inbox[/<id>]  the emails the Resend fake sent (local/web/inbox.ts), when the
 *                            stack gives its `inbox`. Local only as well.
 *
 * @module
 */
import type { Sql } from "../../shared/db/postgres.ts";
import { readJson } from "../../shared/http/user_api.ts";
import { isEmailAddress, MAX_EMAIL_LENGTH } from "../../shared/identifiers.ts";
import { userAccessToken } from "../jwt.ts";
import { inboxResponse, type InboxSource } from "./inbox.ts";
import { createAuthUser } from "../roles.ts";
import { supabaseJsBrowserBuild } from "./vendor.ts";

const WEB_ROOT = new URL("../../web/", import.meta.url);
const TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  png: "image/png",
  svg: "image/svg+xml",
  ico: "image/x-icon",
};
/** Files of web/ that may be served: plain names, no way up. */
const SAFE_PATH = /^\/(?:[a-z0-9_-]+\/)*[a-z0-9_.-]+\.(html|js|css|png|svg|ico)$/;

/** Options of {@link createWebHandler}. */
export interface WebHandlerOptions {
  sql: Sql;
  jwtSecret: string;
  anonKey: string;
  /** How the page signs in: "local" (development sign-in) or "supabase" (Auth's password). */
  signIn?: "local" | "supabase";
  /** The local inbox's emails (the Resend fake's `sent` log); without it, no /local/inbox. */
  inbox?: () => InboxSource;
}

/** The request handler for the page's paths; undefined for other paths. */
export function createWebHandler(
  options: WebHandlerOptions,
): (req: Request) => Promise<Response> | undefined {
  return (req) => {
    const url = new URL(req.url);
    const path = url.pathname === "/" ? "/index.html" : url.pathname;
    // the development sign-in exists only while the page uses it
    if (path === "/local/dev-sign-in" && (options.signIn ?? "local") === "local") {
      return devSignIn(req, options);
    }
    const inbox = options.inbox && inboxResponse(req, options.inbox());
    if (inbox) return Promise.resolve(inbox);
    if (req.method !== "GET" && req.method !== "HEAD") return undefined;
    if (path === "/config.js") {
      const config = {
        supabaseUrl: url.origin,
        anonKey: options.anonKey,
        signIn: options.signIn ?? "local",
      };
      return Promise.resolve(
        new Response(`globalThis.JOB_FEED_CONFIG = ${JSON.stringify(config, null, 2)};\n`, {
          headers: { "content-type": TYPES.js, "cache-control": "no-store" },
        }),
      );
    }
    if (path === "/vendor/supabase.js") {
      return supabaseJsBrowserBuild().then(
        (bytes) => new Response(bytes, { headers: { "content-type": TYPES.js } }),
        (error) => new Response(`// ${(error as Error).message}`, { status: 500 }),
      );
    }
    const match = SAFE_PATH.exec(path);
    if (!match || path.startsWith("/functions/") || path.startsWith("/storage/")) {
      return undefined;
    }
    return Deno.readFile(new URL(`.${path}`, WEB_ROOT)).then(
      (bytes) =>
        new Response(bytes, {
          headers: { "content-type": TYPES[match[1]], "cache-control": "no-cache" },
        }),
      () => new Response("Not found", { status: 404 }),
    );
  };
}

async function devSignIn(req: Request, options: WebHandlerOptions): Promise<Response> {
  if (req.method !== "POST") {
    return Response.json({ error: 'POST {"email": ...} to sign in.' }, { status: 405 });
  }
  const read = await readJson(req);
  if ("refusal" in read) return read.refusal;
  const body = read.value as { email?: unknown } | null;
  const email = typeof body?.email === "string" ? body.email.trim().toLowerCase() : "";
  if (!isEmailAddress(email)) {
    return Response.json({
      error: `Enter an email address of at most ${MAX_EMAIL_LENGTH} characters, e.g. ` +
        "ada@example.com.",
    }, {
      status: 400,
    });
  }
  const [existing] = await options.sql<{ id: string }[]>`
    select id from auth.users where email = ${email} order by created_at limit 1`;
  const id = existing?.id ?? await createAuthUser(options.sql, email);
  const token = await userAccessToken(id, options.jwtSecret);
  return Response.json({
    access_token: token,
    expires_at: Math.floor(Date.now() / 1000) + 3600,
    user: { id, email },
  });
}
