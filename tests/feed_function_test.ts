/**
 * The `feed` function: only a signed-in user's verified token gets an answer, and the answer is
 * their ranked feed (RLS decides); CORS for browsers; parameters validated. And the token checks
 * it relies on: HS256 with a secret, ES256 against a JSON Web Key Set (what Supabase injects).
 */
import assert from "node:assert/strict";
import { signJwt, userAccessToken } from "../local/jwt.ts";
import { verifyAccessToken } from "../shared/auth/verify_jwt.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { feedHandler, SECRET } from "./support/feed.ts";
import { insertJobFor, insertQuery, markBackfilled } from "./support/fixtures.ts";

Deno.test("feed function: the caller's feed only, for a verified user token", dbTest, async () => {
  await withRollback(async (tx) => {
    const ana = await createUser(tx, "ana@example.com");
    const ben = await createUser(tx, "ben@example.com");
    await insertQuery(tx, ana, { title_keyword: "data engineer", location: "berlin" });
    await insertQuery(tx, ben, { title_keyword: "nurse", location: "munich" });
    const anaJob = await insertJobFor(
      tx,
      await markBackfilled(tx, { title_keyword: "data engineer", location: "berlin" }),
      "Data Engineer",
    );
    await insertJobFor(
      tx,
      await markBackfilled(tx, { title_keyword: "nurse", location: "munich" }),
      "Nurse",
    );
    const handler = feedHandler(tx);
    const call = (init: RequestInit & { query?: string } = {}) =>
      handler(new Request(`http://x/functions/v1/feed${init.query ?? ""}`, init));

    const preflight = await call({ method: "OPTIONS" });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get("access-control-allow-origin"), "*");
    assert.match(preflight.headers.get("access-control-allow-headers")!, /authorization/);

    assert.equal((await call()).status, 401, "no token");
    const forged = await signJwt({ sub: ana, role: "authenticated" }, "another-secret-entirely-xx");
    const refused = await call({ headers: { authorization: `Bearer ${forged}` } });
    assert.equal(refused.status, 401);
    assert.match((await refused.json()).error, /invalid signature/);
    const anon = await signJwt({ role: "anon" }, SECRET);
    assert.equal((await call({ headers: { authorization: `Bearer ${anon}` } })).status, 401);

    const token = await userAccessToken(ana, SECRET);
    const bad = await call({
      query: "?limit=0&work_arrangement=Office",
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(bad.status, 400);
    const { error } = await bad.json();
    assert.match(error, /limit must be a number from 1 to 200/);
    assert.match(error, /work_arrangement must be On-site, Hybrid, Remote OK or Remote Solely/);

    const ok = await call({
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify({ limit: 10, mark_visited: true }),
    });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get("access-control-allow-origin"), "*");
    const body = await ok.json();
    assert.deepEqual(
      body.jobs.map((j: { job_id: number }) => Number(j.job_id)),
      [anaJob],
      "not Ben's nurse job",
    );
    assert.match(body.jobs[0].reason, /^matches Data Engineer · Berlin/);
    assert.equal(body.new_since, null, "the first visit");
    const [{ role }] = await tx`select current_user as role`;
    assert.notEqual(role, "authenticated", "the role ended with the read");
  });
});

Deno.test("feed function: hiding a job or a company, and showing it again", dbTest, async () => {
  await withRollback(async (tx) => {
    const ana = await createUser(tx, "ana@example.com");
    const ben = await createUser(tx, "ben@example.com");
    await insertQuery(tx, ana, { title_keyword: "data engineer", location: "berlin" });
    await insertQuery(tx, ben, { title_keyword: "nurse", location: "munich" });
    const combination = await markBackfilled(tx, {
      title_keyword: "data engineer",
      location: "berlin",
    });
    const first = await insertJobFor(tx, combination, "Data Engineer");
    const second = await insertJobFor(tx, combination, "Senior Data Engineer");
    await tx`update public.jobs set company = 'Other AG' where id = ${second}`;
    const third = await insertJobFor(tx, combination, "Data Engineer (Streaming)");
    const bensJob = await insertJobFor(
      tx,
      await markBackfilled(tx, { title_keyword: "nurse", location: "munich" }),
      "Nurse",
    );
    const handler = feedHandler(tx);
    const token = await userAccessToken(ana, SECRET);
    const call = (path: string, method: string, body?: unknown) =>
      handler(
        new Request(`http://x/functions/v1/feed${path}`, {
          method,
          headers: { authorization: `Bearer ${token}` },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
    const feedIds = async () =>
      ((await (await call("", "GET")).json()).jobs as { job_id: number }[])
        .map((j) => Number(j.job_id)).sort((a, b) => a - b);
    assert.deepEqual(await feedIds(), [first, second, third]);

    const hid = await call("/hide", "POST", { job_id: first });
    assert.equal(hid.status, 200);
    assert.deepEqual(await hid.json(), { job_id: first, hidden: true });
    assert.equal((await call("/hide", "POST", { job_id: first })).status, 200, "idempotent");
    assert.deepEqual(await feedIds(), [second, third]);

    // Acme GmbH posted the first and third; "acme gmbh " is the same company
    assert.equal((await call("/hide", "POST", { company: "acme gmbh " })).status, 200);
    assert.deepEqual(await feedIds(), [second]);

    const notHers = await call("/hide", "POST", { job_id: bensJob });
    assert.equal(notHers.status, 404, "a job outside her feed cannot be hidden (or probed)");
    assert.match((await notHers.json()).error, /is not in your feed/);
    const bad = await call("/hide", "POST", { job_id: first, company: "Acme" });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /Invalid hide request/);
    assert.equal((await call("/nowhere", "GET")).status, 404);

    assert.equal((await call("/hide", "DELETE", { company: "Acme GmbH" })).status, 200);
    assert.deepEqual(await feedIds(), [second, third], "the company is back, the job stays hidden");
    assert.equal((await call("/hide", "DELETE", { job_id: first })).status, 200);
    assert.deepEqual(await feedIds(), [first, second, third]);
    const [{ rows }] = await tx`
      select count(*)::int as rows from public.hidden_jobs where user_id = ${ben}`;
    assert.equal(rows, 0);
  });
});

Deno.test("tokens: HS256 with the secret, ES256 against a key set, expiry, unknown keys", async () => {
  const hs = await userAccessToken("00000000-0000-0000-0000-000000000001", SECRET);
  assert.equal((await verifyAccessToken(hs, { secret: SECRET })).role, "authenticated");
  await assert.rejects(
    () => verifyAccessToken(hs, { jwks: { keys: [] } }),
    /HS256 tokens are not accepted/,
  );
  const expired = await signJwt({ role: "authenticated", sub: "x", exp: 1 }, SECRET);
  await assert.rejects(() => verifyAccessToken(expired, { secret: SECRET }), /token expired/);

  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const jwk = {
    ...(await crypto.subtle.exportKey("jwk", pair.publicKey)),
    kid: "key-1",
    alg: "ES256",
  };
  const b64 = (bytes: Uint8Array) =>
    btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(
      /=+$/,
      "",
    );
  const enc = new TextEncoder();
  const header = b64(enc.encode(JSON.stringify({ alg: "ES256", typ: "JWT", kid: "key-1" })));
  const payload = b64(
    enc.encode(
      JSON.stringify({
        sub: "user-1",
        role: "authenticated",
        exp: Math.floor(Date.now() / 1000) + 60,
      }),
    ),
  );
  const signature = new Uint8Array(
    await crypto.subtle.sign(
      { name: "ECDSA", hash: "SHA-256" },
      pair.privateKey,
      enc.encode(`${header}.${payload}`),
    ),
  );
  const es = `${header}.${payload}.${b64(signature)}`;
  assert.equal((await verifyAccessToken(es, { jwks: { keys: [jwk] } })).sub, "user-1");
  await assert.rejects(
    () =>
      verifyAccessToken(es, {
        jwks: { keys: [{ ...jwk, kid: "other" }, { ...jwk, kid: "another" }] },
      }),
    /no signing key key-1/,
  );
  const tampered = `${header}.${
    b64(enc.encode(JSON.stringify({ sub: "admin", role: "service_role" })))
  }.${b64(signature)}`;
  await assert.rejects(
    () => verifyAccessToken(tampered, { jwks: { keys: [jwk] } }),
    /invalid signature/,
  );
});
