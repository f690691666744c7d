/** The feed function on a test's transaction, verifying tokens signed with {@link SECRET}. */
import { createFeedHandler } from "../../functions/feed/handler.ts";
import { verifyAccessToken } from "../../shared/auth/verify_jwt.ts";
import type { TransactionSql } from "../../shared/db/postgres.ts";
import { readDescriptionAs } from "../../shared/feed/description.ts";
import { setHiddenAs } from "../../shared/feed/hidden.ts";
import { readFeedAs } from "../../shared/feed/job_feed.ts";

/** The HS256 secret the handler verifies with. */
export const SECRET = "a-test-secret-that-is-long-enough-for-hs256";

/** The feed function on `tx`. */
export function feedHandler(tx: TransactionSql) {
  return createFeedHandler({
    verify: (token) => verifyAccessToken(token, { secret: SECRET }),
    feed: (user, query) => readFeedAs(tx, user, query),
    setHidden: (user, target, hidden) => setHiddenAs(tx, user, target, hidden),
    description: (user, jobId) => readDescriptionAs(tx, user, jobId),
  });
}
