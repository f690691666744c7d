/**
 * HTTP adapter of `searches`: the caller's searches, to see and edit what their CV became. Runs
 * under the caller's role (RLS: their own rows only). CORS for browsers.
 *
 *   GET    /functions/v1/searches        {searches: [...], options: {ai_work_arrangement: [...], ...}}
 *   POST   /functions/v1/searches        {title_keyword, location, ai_work_arrangement?, ...}
 *   PATCH  /functions/v1/searches/<id>   any of those fields (null filter = any)
 *   DELETE /functions/v1/searches/<id>   stop searching it (kept as inactive)
 *
 * @module
 */
import { z } from "zod";
import type { UserClaims } from "../../shared/auth/as_user.ts";
import type { AccessClaims } from "../../shared/auth/verify_jwt.ts";
import { hasLetter } from "../../shared/searches/label.ts";
import {
  answer,
  forSignedInUser,
  noControlCharacters,
  readJson,
  subpath,
} from "../../shared/http/user_api.ts";
import {
  EMPLOYMENT_TYPES,
  INDUSTRIES,
  SENIORITY_LEVELS,
  WORK_ARRANGEMENTS,
} from "../../shared/vocabulary.ts";
import {
  type Search,
  SearchConflictError,
  type SearchFields,
} from "../../shared/searches/my_searches.ts";

/** The values each filter may take (null: any). */
export const SEARCH_OPTIONS = {
  ai_work_arrangement: WORK_ARRANGEMENTS,
  ai_employment_type: EMPLOYMENT_TYPES,
  ai_seniority: SENIORITY_LEVELS,
  ai_industry: INDUSTRIES,
};

/**
 * Each field as the page names it: a refusal says "Job title must be …", not "title_keyword";
 * the response's `fields` keeps the field's key for programs. The page (web/js/searches.js)
 * checks the same rules in the same words before it sends.
 */
export const FIELD_NAMES: Record<string, string> = {
  title_keyword: "Job title",
  location: "Location",
  ai_work_arrangement: "Arrangement",
  ai_employment_type: "Employment",
  ai_seniority: "Experience",
  ai_industry: "Industry",
};

const label = (example: string) =>
  z.string({ message: `must be 2 to 80 characters, e.g. ${example}` }).trim()
    .min(2, { message: `must be 2 to 80 characters, e.g. ${example}` })
    .max(80, { message: "must be at most 80 characters" })
    .refine(noControlCharacters, { message: "contains control characters" })
    .refine(hasLetter, { message: "must contain at least one letter" });
const filter = (values: readonly string[]) =>
  z.enum(values as [string, ...string[]], {
    message: `must be one of ${values.join(", ")}, or null for any`,
  }).nullable();

const TITLE = label("Data Engineer");
const LOCATION = label("Berlin or Germany");

/** A whole search (POST). */
export const searchSchema = z.strictObject({
  title_keyword: TITLE,
  location: LOCATION,
  ai_work_arrangement: filter(WORK_ARRANGEMENTS).default(null),
  ai_employment_type: filter(EMPLOYMENT_TYPES).default(null),
  ai_seniority: filter(SENIORITY_LEVELS).default(null),
  ai_industry: filter(INDUSTRIES).default(null),
});

/** Some fields of a search (PATCH). */
export const searchPatchSchema = z.strictObject({
  title_keyword: TITLE.optional(),
  location: LOCATION.optional(),
  ai_work_arrangement: filter(WORK_ARRANGEMENTS).optional(),
  ai_employment_type: filter(EMPLOYMENT_TYPES).optional(),
  ai_seniority: filter(SENIORITY_LEVELS).optional(),
  ai_industry: filter(INDUSTRIES).optional(),
}).refine((patch) => Object.keys(patch).length > 0, { message: "names no field to change" });

/**
 * A 400 in words: "Invalid search: Job title must be 2 to 80 characters, e.g. Data Engineer.",
 * with `fields` ({title_keyword: "Job title must be …"}) for programs and for the page.
 */
function refuse(what: string, error: z.ZodError): Response {
  const problems = new Set<string>();
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join(".");
    const name = FIELD_NAMES[key];
    const text = `${name ?? (key || "body")} ${issue.message}`;
    if (name) fields[key] ??= text;
    problems.add(text);
  }
  return answer({ error: `Invalid ${what}: ${[...problems].join("; ")}.`, fields }, 400);
}

/** What the handler needs. */
export interface SearchesHandlerDeps {
  verify(token: string): Promise<AccessClaims>;
  list(user: UserClaims): Promise<Search[]>;
  add(user: UserClaims, fields: SearchFields): Promise<Search>;
  edit(user: UserClaims, id: number, patch: Partial<SearchFields>): Promise<Search | null>;
  remove(user: UserClaims, id: number): Promise<boolean>;
}

/**
 * What to tell a user whose new search waits for their allowance of new paid searches (a
 * search someone else already holds is free and never waits), or null.
 */
export function allowanceNote(search: Search): string | null {
  if (!search.waits_for_allowance_until) return null;
  return "Saved. You have used your allowance of new searches for now (each new search costs " +
    "everybody's shared quota); its jobs are fetched from " +
    `${search.waits_for_allowance_until.replace(/\.\d{3}Z$/, "Z")}.`;
}

async function route(req: Request, user: UserClaims, deps: SearchesHandlerDeps) {
  const rest = subpath(req, "searches");
  if (rest.length === 0) {
    if (req.method === "GET") {
      return answer({ searches: await deps.list(user), options: SEARCH_OPTIONS });
    }
    if (req.method !== "POST") return answer({ error: "Use GET to list, POST to add." }, 405);
    const body = await readJson(req);
    if ("refusal" in body) return body.refusal;
    const raw = body.value;
    const parsed = searchSchema.safeParse(raw);
    if (!parsed.success) return refuse("search", parsed.error);
    const search = await deps.add(user, parsed.data);
    return answer({ search, note: allowanceNote(search) }, 201);
  }
  const id = Number(rest[0]);
  if (rest.length > 1 || !Number.isSafeInteger(id) || id <= 0) {
    return answer(
      { error: `No search at ${new URL(req.url).pathname}: expected /searches/<id>.` },
      404,
    );
  }
  const missing = () => answer({ error: `You have no search ${id}.` }, 404);
  if (req.method === "DELETE") {
    return await deps.remove(user, id) ? answer({ id, removed: true }) : missing();
  }
  if (req.method !== "PATCH") return answer({ error: "Use PATCH to edit, DELETE to remove." }, 405);
  const body = await readJson(req);
  if ("refusal" in body) return body.refusal;
  const raw = body.value;
  const parsed = searchPatchSchema.safeParse(raw);
  if (!parsed.success) return refuse("change", parsed.error);
  const search = await deps.edit(user, id, parsed.data);
  return search ? answer({ search, note: allowanceNote(search) }) : missing();
}

/** Builds the request handler. */
export function createSearchesHandler(
  deps: SearchesHandlerDeps,
): (req: Request) => Promise<Response> {
  return forSignedInUser(deps.verify, ["GET", "POST", "PATCH", "DELETE"], async (req, user) => {
    try {
      return await route(req, user, deps);
    } catch (error) {
      if (error instanceof SearchConflictError) return answer({ error: error.message }, 409);
      throw error;
    }
  });
}
