/**
 * HTTP adapter of `feed`: the caller's ranked feed, for clients without PostgREST, and hiding
 * jobs and companies from it. Browsers call it directly, so it answers CORS preflights. The
 * caller is who their access token says (verified here too: the gateway's verify_jwt may be off);
 * everything runs under their role, so RLS decides.
 *
 *   GET    /functions/v1/feed?limit=20&offset=0&only_new=true&work_arrangement=Hybrid&search=...
 *   POST   /functions/v1/feed        {"limit": 20, "mark_visited": true, ...}
 *   POST   /functions/v1/feed/hide   {"job_id": 12} or {"company": "Acme GmbH"}
 *   DELETE /functions/v1/feed/hide   the same body: show it again
 *   GET    /functions/v1/feed/jobs/12/description   {"description": "...", "url": "https://..."}
 *
 * @module
 */
import { z } from "zod";
import { WORK_ARRANGEMENTS } from "../../shared/vocabulary.ts";
import type { UserClaims } from "../../shared/auth/as_user.ts";
import type { AccessClaims } from "../../shared/auth/verify_jwt.ts";
import type { JobDescription } from "../../shared/feed/description.ts";
import type { HideTarget } from "../../shared/feed/hidden.ts";
import type { FeedQuery, FeedRow } from "../../shared/feed/job_feed.ts";
import {
  answer,
  forSignedInUser,
  invalid,
  noControlCharacters,
  readJson,
  subpath,
} from "../../shared/http/user_api.ts";

const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);

/** The deepest page a client may ask for: 500 pages of 200, far past any real feed. */
const MAX_OFFSET = 100_000;

/** The accepted parameters (query string or JSON body). */
export const feedQuerySchema = z.strictObject({
  limit: z.coerce.number({ message: "must be a number from 1 to 200" }).int()
    .min(1, { message: "must be a number from 1 to 200" })
    .max(200, { message: "must be a number from 1 to 200" }).default(50),
  offset: z.coerce.number({ message: "must be a number from 0 to 100000" }).int()
    .min(0, { message: "must be a number from 0 to 100000" })
    .max(MAX_OFFSET, { message: "must be a number from 0 to 100000" }).default(0),
  only_new: flag.default(false),
  mark_visited: flag.default(false),
  work_arrangement: z.enum(WORK_ARRANGEMENTS, {
    message: `must be ${WORK_ARRANGEMENTS.slice(0, -1).join(", ")} or ${WORK_ARRANGEMENTS.at(-1)}`,
  }).optional(),
  search: z.string({ message: "must be text" }).trim()
    .min(1, { message: "must be 1 to 100 characters" })
    .max(100, { message: "must be 1 to 100 characters" })
    .refine(noControlCharacters, { message: "contains control characters; send plain text" })
    .optional(),
});

/** What `POST/DELETE /feed/hide` accepts: exactly one of a job id and a company name. */
export const hideSchema = z.union([
  z.strictObject({
    job_id: z.coerce.number({ message: "must be a job id" }).int().positive({
      message: "must be a job id",
    }).max(Number.MAX_SAFE_INTEGER, { message: "must be a job id" }),
  }),
  z.strictObject({
    company: z.string({ message: "must be a company name" }).trim().min(1, {
      message: "must be a company name",
    }).max(200, { message: "must be at most 200 characters" })
      .refine(noControlCharacters, { message: "contains control characters; send plain text" }),
  }),
], { message: 'send {"job_id": <id>} or {"company": "<name>"}' });

/** The `<id>` of `/feed/jobs/<id>/description`: a job id as the path spells it. */
export const jobIdParamSchema = z.string().regex(/^[1-9][0-9]{0,15}$/)
  .transform(Number).refine(Number.isSafeInteger);

/** What the handler needs. */
export interface FeedHandlerDeps {
  verify(token: string): Promise<AccessClaims>;
  feed(user: UserClaims, query: FeedQuery): Promise<{ newSince: string | null; jobs: FeedRow[] }>;
  /** Hides or shows again; false when the job is not in the user's feed. */
  setHidden(user: UserClaims, target: HideTarget, hidden: boolean): Promise<boolean>;
  /** One job's description and link; null when the user may not read the job. */
  description(user: UserClaims, jobId: number): Promise<JobDescription | null>;
}

async function readFeed(req: Request, user: UserClaims, deps: FeedHandlerDeps) {
  const body = req.method === "GET"
    ? { value: Object.fromEntries(new URL(req.url).searchParams) }
    : await readJson(req);
  if ("refusal" in body) return body.refusal;
  const raw = body.value;
  const parsed = feedQuerySchema.safeParse(raw);
  if (!parsed.success) return invalid("feed parameters", parsed.error, raw);
  const q = parsed.data;
  const result = await deps.feed(user, {
    limit: q.limit,
    offset: q.offset,
    onlyNew: q.only_new,
    workArrangement: q.work_arrangement ?? null,
    search: q.search ?? null,
    markVisited: q.mark_visited,
  });
  return answer({ new_since: result.newSince, jobs: result.jobs });
}

async function hide(req: Request, user: UserClaims, deps: FeedHandlerDeps) {
  if (req.method === "GET") {
    return answer({ error: "Use POST to hide, DELETE to show again." }, 405);
  }
  const body = await readJson(req);
  if ("refusal" in body) return body.refusal;
  const raw = body.value;
  const parsed = hideSchema.safeParse(raw);
  if (!parsed.success) return invalid("hide request", parsed.error, raw);
  const target: HideTarget = "job_id" in parsed.data
    ? { jobId: parsed.data.job_id }
    : { company: parsed.data.company };
  const hidden = req.method === "POST";
  if (!await deps.setHidden(user, target, hidden)) {
    return answer(
      { error: `Job ${"jobId" in target ? target.jobId : ""} is not in your feed.` },
      404,
    );
  }
  return answer({ ...parsed.data, hidden });
}

async function describe(req: Request, user: UserClaims, deps: FeedHandlerDeps, raw: string) {
  if (req.method !== "GET") {
    return answer({ error: "Use GET to read a job's description." }, 405);
  }
  const parsed = jobIdParamSchema.safeParse(raw);
  if (!parsed.success) {
    return answer(
      { error: `"${raw.slice(0, 40)}" is not a job id; a job id is a whole number such as 12.` },
      400,
    );
  }
  const job = await deps.description(user, parsed.data);
  if (!job) {
    return answer({ error: `Job ${parsed.data} is not in your feed.` }, 404);
  }
  return answer(job);
}

/** Builds the request handler. */
export function createFeedHandler(deps: FeedHandlerDeps): (req: Request) => Promise<Response> {
  return forSignedInUser(deps.verify, ["GET", "POST", "DELETE"], (req, user) => {
    const [action, ...rest] = subpath(req, "feed");
    if (action === undefined && req.method !== "DELETE") return readFeed(req, user, deps);
    if (action === "hide" && rest.length === 0) return hide(req, user, deps);
    if (action === "jobs" && rest.length === 2 && rest[1] === "description") {
      return describe(req, user, deps, rest[0]);
    }
    return Promise.resolve(answer(
      { error: `No ${req.method} ${new URL(req.url).pathname}; see the feed function's paths.` },
      404,
    ));
  });
}
