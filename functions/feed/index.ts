// Edge Function `feed`: thin entrypoint; the feed is public.job_feed, read as the caller.
import { userFunctionEnv } from "../../shared/auth/user_function_env.ts";
import { readDescriptionAs } from "../../shared/feed/description.ts";
import { setHiddenAs } from "../../shared/feed/hidden.ts";
import { readFeedAs } from "../../shared/feed/job_feed.ts";
import { createFeedHandler } from "./handler.ts";

const { sql, verify } = userFunctionEnv("feed");

Deno.serve(createFeedHandler({
  verify,
  feed: (user, query) => readFeedAs(sql, user, query),
  setHidden: (user, target, hidden) => setHiddenAs(sql, user, target, hidden),
  description: (user, jobId) => readDescriptionAs(sql, user, jobId),
}));
