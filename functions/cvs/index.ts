// Edge Function `cvs`: thin entrypoint; the caller's CVs and their status, under RLS; a delete
// removes the file through Storage's API with the caller's own token.
import { userFunctionEnv } from "../../shared/auth/user_function_env.ts";
import { loadConfig } from "../../shared/config.ts";
import { deleteCvAs, listCvsAs, storageObjectRemover } from "../../shared/cv/my_cvs.ts";
import { createCvsHandler } from "./handler.ts";

const { sql, verify } = userFunctionEnv("cvs");
const storageUrl = loadConfig().SUPABASE_URL ?? "";

Deno.serve(createCvsHandler({
  verify,
  list: (user, options) => listCvsAs(sql, user, options),
  remove: (user, id, req) => {
    const token = (req.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
    return deleteCvAs(
      sql,
      user,
      id,
      storageObjectRemover(storageUrl, token, req.headers.get("apikey")),
    );
  },
}));
