/**
 * The `digest` function: the database's call needs the secret and a valid body; the unsubscribe
 * link works without signing in (GET: a page with a button, POST: one click turns it off), a bad
 * token is a 400 page that says what to do; the preferences are the signed-in user's own,
 * validated field by field.
 */
import assert from "node:assert/strict";
import { userAccessToken } from "../local/jwt.ts";
import { createDigestHandler, type DigestHandlerDeps } from "../functions/digest/handler.ts";
import { verifyAccessToken } from "../shared/auth/verify_jwt.ts";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { readDigestPreferencesAs, writeDigestPreferencesAs } from "../shared/digest/preferences.ts";
import type { DigestInvocation } from "../shared/digest/run.ts";
import { signUnsubscribeToken, verifyUnsubscribeToken } from "../shared/digest/unsubscribe.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";

const JWT_SECRET = "a-test-secret-that-is-long-enough-for-hs256";
const SECRET = "functions-secret";
const BASE = "http://127.0.0.1/functions/v1/digest";

function handler(tx: TransactionSql, digested: string[] = []) {
  const deps: DigestHandlerDeps = {
    secret: SECRET,
    localDateOf: () => Promise.resolve("2026-11-29"),
    digest: (localDate) => {
      digested.push(localDate);
      return Promise.resolve({ localDate, status: "done" } as DigestInvocation);
    },
    verifyUnsubscribe: (token) => verifyUnsubscribeToken(SECRET, token),
    unsubscribe: async (userId) => {
      const [{ on }] = await tx`select public.unsubscribe_digest(${userId}::uuid) as on`;
      return on;
    },
    verify: (token) => verifyAccessToken(token, { secret: JWT_SECRET }),
    readPreferences: (user) => readDigestPreferencesAs(tx, user),
    writePreferences: (user, patch) => writeDigestPreferencesAs(tx, user, patch),
  };
  return createDigestHandler(deps);
}

Deno.test(
  "digest function: the database's call needs the secret and a valid body",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const digested: string[] = [];
      const handle = handler(tx, digested);
      const post = (body: unknown, secret = SECRET) =>
        handle(
          new Request(BASE, {
            method: "POST",
            headers: { "x-webhook-secret": secret, "content-type": "application/json" },
            body: JSON.stringify(body),
          }),
        );
      assert.equal((await post({}, "wrong")).status, 401);
      const bad = await post({ local_date: "29.11.2026" });
      assert.equal(bad.status, 400);
      assert.match((await bad.json()).error, /local_date must be a date such as 2026-11-30/);
      assert.equal((await post({ local_date: "2026-12-01" })).status, 200);
      assert.equal((await post({})).status, 200);
      assert.deepEqual(digested, ["2026-12-01", "2026-11-29"]);
    });
  },
);

Deno.test(
  "digest function: one-click unsubscribe, a confirmation page, a bad link",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const ana = await createUser(tx, "ana@x.test");
      await tx`insert into public.digest_preferences (user_id, enabled) values (${ana}, true)`;
      const handle = handler(tx);
      const url = `${BASE}/unsubscribe?token=${
        encodeURIComponent(await signUnsubscribeToken(SECRET, ana))
      }`;
      const enabled = async () =>
        (await tx`select enabled from public.digest_preferences where user_id = ${ana}`)[0].enabled;

      const shown = await handle(new Request(url));
      assert.equal(shown.status, 200);
      assert.match(shown.headers.get("content-type")!, /text\/html/);
      const html = await shown.text();
      assert.match(html, /<form method="post">/);
      assert.match(html, /name="List-Unsubscribe" value="One-Click"/);
      assert.equal(await enabled(), true, "GET (a link scanner) changes nothing");

      const clicked = await handle(
        new Request(url, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: "List-Unsubscribe=One-Click",
        }),
      );
      assert.equal(clicked.status, 200);
      assert.match(await clicked.text(), /You are unsubscribed/);
      assert.equal(await enabled(), false);

      const forged = `${ana}.${"A".repeat(43)}`;
      for (const token of ["", "nonsense", forged, `${crypto.randomUUID()}.x`]) {
        const answer = await handle(
          new Request(`${BASE}/unsubscribe?token=${token}`, {
            method: "POST",
            body: "List-Unsubscribe=One-Click",
          }),
        );
        assert.equal(answer.status, 400, token);
        assert.match(await answer.text(), /Open the unsubscribe link from your latest digest/);
      }
    });
  },
);

Deno.test("digest function: a user reads and sets only their own preferences", dbTest, async () => {
  await withRollback(async (tx) => {
    const ana = await createUser(tx, "ana@x.test");
    const ben = await createUser(tx, "ben@x.test");
    const handle = handler(tx);
    const call = async (user: string | null, method: string, body?: unknown) => {
      const headers: Record<string, string> = { "content-type": "application/json" };
      if (user) headers.authorization = `Bearer ${await userAccessToken(user, JWT_SECRET)}`;
      const response = await handle(
        new Request(`${BASE}/preferences`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      return { status: response.status, body: await response.json() };
    };
    assert.equal((await call(null, "GET")).status, 401);
    assert.deepEqual((await call(ana, "GET")).body, {
      enabled: false,
      max_jobs: 10,
      last_digest_at: null,
    });
    const bad = await call(ana, "PUT", { max_jobs: 0 });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /max_jobs must be a whole number from 1 to 50/);
    const unknown = await call(ana, "PUT", { enabled: true, user_id: ben });
    assert.equal(unknown.status, 400);
    assert.match((await call(ana, "PUT", {})).body.error, /send "enabled"/);
    const on = await call(ana, "PUT", { enabled: true });
    assert.deepEqual(on.body, { enabled: true, max_jobs: 10, last_digest_at: null });
    assert.equal((await call(ana, "PUT", { max_jobs: 5 })).body.max_jobs, 5);
    assert.deepEqual((await call(ana, "GET")).body, {
      enabled: true,
      max_jobs: 5,
      last_digest_at: null,
    });
    assert.equal((await call(ben, "GET")).body.enabled, false);
  });
});
