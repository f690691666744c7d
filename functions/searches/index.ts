// Edge Function `searches`: thin entrypoint; the caller's user_search_queries, under RLS.
import { userFunctionEnv } from "../../shared/auth/user_function_env.ts";
import {
  addSearchAs,
  editSearchAs,
  listSearchesAs,
  removeSearchAs,
} from "../../shared/searches/my_searches.ts";
import { createSearchesHandler } from "./handler.ts";

const { sql, verify } = userFunctionEnv("searches");

Deno.serve(createSearchesHandler({
  verify,
  list: (user) => listSearchesAs(sql, user),
  add: (user, fields) => addSearchAs(sql, user, fields),
  edit: (user, id, patch) => editSearchAs(sql, user, id, patch),
  remove: (user, id) => removeSearchAs(sql, user, id),
}));
