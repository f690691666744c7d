/**
 * HTTP adapter of `digest`:
 *   POST /functions/v1/digest                 the database (the refresh's settlement, the sweep,
 *                                             a chained invocation) or an operator, with the
 *                                             x-webhook-secret: send a local date's digest —
 *                                             in the background with `waitUntil` (202), else
 *                                             awaited
 *   GET  /functions/v1/digest/unsubscribe?token=...   a page with a button that POSTs
 *   POST /functions/v1/digest/unsubscribe?token=...   one click (RFC 8058, body
 *                                             List-Unsubscribe=One-Click): the digest is off
 *   GET, PUT /functions/v1/digest/preferences the signed-in user's {enabled, max_jobs}
 *
 * @module
 */
import type { UserClaims } from "../../shared/auth/as_user.ts";
import type { AccessClaims } from "../../shared/auth/verify_jwt.ts";
import type { DigestPreferences, DigestPreferencesPatch } from "../../shared/digest/preferences.ts";
import type { DigestInvocation } from "../../shared/digest/run.ts";
import {
  answer,
  forSignedInUser,
  invalid,
  readBounded,
  readJson,
  subpath,
} from "../../shared/http/user_api.ts";
import { readWebhook } from "../../shared/http/webhook.ts";
import { badTokenPage, confirmPage, page, unsubscribedPage } from "./pages.ts";
import { parseDigestPayload, preferencesSchema } from "./payload.ts";

/** What the handler needs. */
export interface DigestHandlerDeps {
  /** FUNCTIONS_SECRET: what the database's calls carry in `x-webhook-secret`. */
  secret: string | undefined;
  /** The local date (YYYY-MM-DD) of an instant, in the daily refresh's zone. */
  localDateOf(at: Date): Promise<string>;
  digest(localDate: string): Promise<DigestInvocation>;
  /** The user an unsubscribe token was signed for, or null. */
  verifyUnsubscribe(token: string): Promise<string | null>;
  /** Turns the user's digest off; whether it was on. */
  unsubscribe(userId: string): Promise<boolean>;
  verify(token: string): Promise<AccessClaims>;
  readPreferences(user: UserClaims): Promise<DigestPreferences>;
  writePreferences(user: UserClaims, patch: DigestPreferencesPatch): Promise<DigestPreferences>;
  waitUntil?: (work: Promise<unknown>) => void;
  log?: (line: string) => void;
}

/** The database's call: send a date's digest. */
async function send(req: Request, deps: DigestHandlerDeps): Promise<Response> {
  const log = deps.log ?? ((line) => console.log(line));
  const request = await readWebhook(req, deps.secret);
  if ("response" in request) return request.response;
  const payload = parseDigestPayload(request.body);
  if ("error" in payload) return Response.json({ error: payload.error }, { status: 400 });
  const localDate = "localDate" in payload ? payload.localDate : await deps.localDateOf(payload.at);
  const work = deps.digest(localDate);
  if (deps.waitUntil) {
    deps.waitUntil(work.catch((error) => log(`digest ${localDate} crashed: ${error}`)));
    return Response.json({ accepted: true, local_date: localDate }, { status: 202 });
  }
  try {
    return Response.json(await work);
  } catch (error) {
    return Response.json({
      error: `digest ${localDate} failed: ${(error as Error).message}. Its claimed sends ` +
        "return when their lease ends; the sweep calls again.",
    }, { status: 500 });
  }
}

/** The unsubscribe link: GET shows the button, POST (one click or the button) turns it off. */
async function unsubscribe(req: Request, deps: DigestHandlerDeps): Promise<Response> {
  if (req.method !== "GET" && req.method !== "POST") {
    return page(405, "Use the link from your email", "<p>Open the link in a browser.</p>");
  }
  const token = new URL(req.url).searchParams.get("token") ?? "";
  const userId = token ? await deps.verifyUnsubscribe(token) : null;
  if (!userId) return badTokenPage();
  if (req.method === "GET") return confirmPage();
  // the body (List-Unsubscribe=One-Click) is read, bounded, and not needed: the token decides
  await readBounded(req, 1024);
  await deps.unsubscribe(userId);
  return unsubscribedPage();
}

/** GET or PUT the signed-in user's preferences. */
function preferences(deps: DigestHandlerDeps): (req: Request) => Promise<Response> {
  return forSignedInUser(deps.verify, ["GET", "PUT"], async (req, user) => {
    if (req.method === "GET") return answer(await deps.readPreferences(user));
    const body = await readJson(req);
    if ("refusal" in body) return body.refusal;
    const parsed = preferencesSchema.safeParse(body.value);
    if (!parsed.success) return invalid("digest preferences", parsed.error, body.value);
    return answer(
      await deps.writePreferences(user, {
        enabled: parsed.data.enabled,
        maxJobs: parsed.data.max_jobs,
      }),
    );
  });
}

/** Builds the request handler. */
export function createDigestHandler(deps: DigestHandlerDeps): (req: Request) => Promise<Response> {
  const ownPreferences = preferences(deps);
  return (req) => {
    const [action, ...rest] = subpath(req, "digest");
    if (action === undefined) return send(req, deps);
    if (action === "unsubscribe" && rest.length === 0) return unsubscribe(req, deps);
    if (action === "preferences" && rest.length === 0) return ownPreferences(req);
    return Promise.resolve(answer(
      { error: `No ${req.method} ${new URL(req.url).pathname}; see the digest function's paths.` },
      404,
    ));
  };
}
