// Edge Function `cvs`: thin entrypoint; the caller's CVs and their status, under RLS.
import { userFunctionEnv } from "../../shared/auth/user_function_env.ts";
import { listCvsAs } from "../../shared/cv/my_cvs.ts";
import { createCvsHandler } from "./handler.ts";

const { sql, verify } = userFunctionEnv("cvs");

Deno.serve(createCvsHandler({ verify, list: (user, options) => listCvsAs(sql, user, options) }));
