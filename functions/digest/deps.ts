/**
 * The `digest` handler's dependencies from a database and the secrets, for the Edge Function
 * and the local stack alike.
 *
 * @module
 */
import type { AccessClaims } from "../../shared/auth/verify_jwt.ts";
import type { Sql } from "../../shared/db/postgres.ts";
import { digestLocalDate } from "../../shared/digest/claims.ts";
import {
  readDigestPreferencesAs,
  writeDigestPreferencesAs,
} from "../../shared/digest/preferences.ts";
import { type DigestDeps, runDigest } from "../../shared/digest/run.ts";
import { verifyUnsubscribeToken } from "../../shared/digest/unsubscribe.ts";
import type { DigestHandlerDeps } from "./handler.ts";

/** What {@link digestHandlerDeps} builds from. */
export interface DigestWiring {
  sql: Sql;
  /** FUNCTIONS_SECRET: the database's calls carry it; the unsubscribe links are signed with it. */
  secret: string | undefined;
  verify(token: string): Promise<AccessClaims>;
  /** The run's dependencies (built when a run starts). */
  runDeps(): DigestDeps;
  waitUntil?: (work: Promise<unknown>) => void;
  log?: (line: string) => void;
}

/** The handler's dependencies: runs, unsubscribe and preferences on `sql`. */
export function digestHandlerDeps(wiring: DigestWiring): DigestHandlerDeps {
  const { sql, secret } = wiring;
  return {
    secret,
    waitUntil: wiring.waitUntil,
    log: wiring.log,
    localDateOf: (at) => digestLocalDate(sql, at),
    digest: (localDate) => runDigest(wiring.runDeps(), { localDate, by: "manual" }),
    verifyUnsubscribe: (token) =>
      secret ? verifyUnsubscribeToken(secret, token) : Promise.resolve(null),
    unsubscribe: async (userId) => {
      const [{ on }] = await sql`select public.unsubscribe_digest(${userId}::uuid) as on`;
      return on;
    },
    verify: wiring.verify,
    readPreferences: (user) => readDigestPreferencesAs(sql, user),
    writePreferences: (user, patch) => writeDigestPreferencesAs(sql, user, patch),
  };
}
