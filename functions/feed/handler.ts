/**
 * HTTP adapter of `feed`: the caller's ranked feed, for clients without PostgREST. Browsers call
 * it directly, so it answers CORS preflights. The caller is who their access token says (verified
 * here too: the gateway's verify_jwt may be off); the query runs under their role, so RLS decides.
 *
 *   GET  /functions/v1/feed?limit=20&offset=0&only_new=true&work_arrangement=Hybrid&search=...
 *   POST /functions/v1/feed  {"limit": 20, "mark_visited": true, ...}
 *
 * @module
 */
import { z } from "zod";
import type { AccessClaims } from "../../shared/auth/verify_jwt.ts";
import type { FeedQuery, FeedRow } from "../../shared/feed/job_feed.ts";
import { describePayloadIssues } from "../../shared/http/payload_errors.ts";

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-headers": "authorization, x-client-info, apikey, content-type",
  "access-control-allow-methods": "GET, POST, OPTIONS",
};

const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

/** The accepted parameters (query string or JSON body). */
export const feedQuerySchema = z.strictObject({
  limit: z.coerce.number({ message: "must be a number from 1 to 200" }).int()
    .min(1, { message: "must be a number from 1 to 200" })
    .max(200, { message: "must be a number from 1 to 200" }).default(50),
  offset: z.coerce.number({ message: "must be 0 or more" }).int()
    .min(0, { message: "must be 0 or more" }).default(0),
  only_new: flag.default(false),
  mark_visited: flag.default(false),
  work_arrangement: z.enum(["On-site", "Hybrid", "Remote OK", "Remote Solely"], {
    message: "must be On-site, Hybrid, Remote OK or Remote Solely",
  }).optional(),
  search: z.string().trim().min(1).max(100).optional(),
});

/** What the handler needs. */
export interface FeedHandlerDeps {
  verify(token: string): Promise<AccessClaims>;
  feed(claims: { sub: string; role: string }, query: FeedQuery): Promise<{
    newSince: string | null;
    jobs: FeedRow[];
  }>;
}

function answer(body: unknown, status: number): Response {
  return Response.json(body, { status, headers: CORS });
}

/** Builds the request handler. */
export function createFeedHandler(deps: FeedHandlerDeps): (req: Request) => Promise<Response> {
  return async (req) => {
    if (req.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });
    if (req.method !== "GET" && req.method !== "POST") {
      return answer({ error: `Method ${req.method} not allowed; use GET or POST.` }, 405);
    }
    const token = (req.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
    let claims: AccessClaims;
    try {
      claims = await deps.verify(token);
    } catch (error) {
      return answer({ error: `Sign in first: ${(error as Error).message}.` }, 401);
    }
    if (claims.role !== "authenticated" || typeof claims.sub !== "string") {
      return answer(
        { error: "The feed belongs to a signed-in user; send their access token." },
        401,
      );
    }
    const raw = req.method === "GET"
      ? Object.fromEntries(new URL(req.url).searchParams)
      : await req.json().catch(() => null);
    const parsed = feedQuerySchema.safeParse(raw ?? {});
    if (!parsed.success) {
      return answer({
        error: `Invalid feed parameters: ${describePayloadIssues(parsed.error, raw).join("; ")}.`,
      }, 400);
    }
    const q = parsed.data;
    const result = await deps.feed({ sub: claims.sub, role: "authenticated" }, {
      limit: q.limit,
      offset: q.offset,
      onlyNew: q.only_new,
      workArrangement: q.work_arrangement ?? null,
      search: q.search ?? null,
      markVisited: q.mark_visited,
    });
    return answer({ new_since: result.newSince, jobs: result.jobs }, 200);
  };
}
