/**
 * HTTP adapter of `cvs`: the caller's CVs and their parsing status, for the page to watch an
 * upload become searches (uploaded → parsing → parsed | failed, with the reason). Runs under the
 * caller's role (RLS: their own CVs only). CORS for browsers.
 *
 *   GET /functions/v1/cvs          {cvs: [...]} newest first (?limit=1..50, default 10)
 *   GET /functions/v1/cvs/<id>     {cv: {...}}
 *   DELETE /functions/v1/cvs/<id>  {deleted: <id>, searches: N}: the file leaves Storage, the
 *                                  searches taken from it stop, the CV no longer lists
 *
 * @module
 */
import { z } from "zod";
import type { UserClaims } from "../../shared/auth/as_user.ts";
import type { AccessClaims } from "../../shared/auth/verify_jwt.ts";
import type { CvStatus, DeletedCv } from "../../shared/cv/my_cvs.ts";
import { answer, forSignedInUser, invalid, subpath } from "../../shared/http/user_api.ts";
import { isUuid } from "../../shared/identifiers.ts";

/** What the list accepts. */
export const cvListSchema = z.strictObject({
  limit: z.coerce.number({ message: "must be a number from 1 to 50" }).int()
    .min(1, { message: "must be a number from 1 to 50" })
    .max(50, { message: "must be a number from 1 to 50" }).default(10),
});

/** What the handler needs. */
export interface CvsHandlerDeps {
  verify(token: string): Promise<AccessClaims>;
  list(user: UserClaims, options: { id?: string; limit?: number }): Promise<CvStatus[]>;
  /** Deletes the user's CV `id`; `req` carries their token for Storage. Null: no such CV. */
  remove(user: UserClaims, id: string, req: Request): Promise<DeletedCv | null>;
}

/** Builds the request handler. */
export function createCvsHandler(deps: CvsHandlerDeps): (req: Request) => Promise<Response> {
  return forSignedInUser(deps.verify, ["GET", "DELETE"], async (req, user) => {
    const rest = subpath(req, "cvs");
    if (req.method === "DELETE") {
      if (rest.length !== 1) {
        return answer({ error: "Say which CV to delete: DELETE /cvs/<id>." }, 400);
      }
      if (!isUuid(rest[0])) {
        return answer({ error: `${rest[0]} is not a CV id (a UUID).` }, 400);
      }
      const deleted = await deps.remove(user, rest[0], req);
      return deleted
        ? answer({ deleted: rest[0], searches: deleted.searches })
        : answer({ error: `You have no CV at ${new URL(req.url).pathname}.` }, 404);
    }
    if (rest.length === 0) {
      const raw = Object.fromEntries(new URL(req.url).searchParams);
      const parsed = cvListSchema.safeParse(raw);
      if (!parsed.success) return invalid("CV list parameters", parsed.error, raw);
      return answer({ cvs: await deps.list(user, { limit: parsed.data.limit }) });
    }
    const [cv] = rest.length === 1 && isUuid(rest[0])
      ? await deps.list(user, { id: rest[0], limit: 1 })
      : [];
    return cv
      ? answer({ cv })
      : answer({ error: `You have no CV at ${new URL(req.url).pathname}.` }, 404);
  });
}
