/**
 * The access-token check of the user-facing functions (shared/auth/verify_jwt.ts): ES256 and
 * RS256 against a key set (inline or fetched from the project's JWKS endpoint), HS256 against the
 * legacy secret; and the hostile tokens each is refused with a reason: `alg: none`, a forged or
 * tampered signature, another key, an HS256 token signed with the public key, expired, not yet
 * valid, claims of the wrong type.
 */
import assert from "node:assert/strict";
import { SignJWT } from "jose";
import { signJwt } from "../local/jwt.ts";
import { loadConfig } from "../shared/config.ts";
import {
  accessTokenVerifier,
  jwtKeysFromConfig,
  SigningKeysUnavailableError,
  verifyAccessToken,
} from "../shared/auth/verify_jwt.ts";
import { forSignedInUser } from "../shared/http/user_api.ts";
import { signingKey, unsignedToken, userClaims } from "./support/tokens.ts";

const USER = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
const SECRET = "a-test-secret-that-is-at-least-32-characters";
const now = () => Math.floor(Date.now() / 1000);

for (const alg of ["ES256", "RS256"] as const) {
  Deno.test(`tokens: ${alg} against a key set; other keys, tampering and expiry refused`, async () => {
    const key = await signingKey(alg, "current");
    const verify = accessTokenVerifier({ jwks: key.jwks });
    const token = await key.sign(userClaims(USER));
    const claims = await verify(token);
    assert.equal(claims.sub, USER);
    assert.equal(claims.role, "authenticated");

    const impostor = await signingKey(alg, "current");
    await assert.rejects(
      async () => verify(await impostor.sign(userClaims(USER))),
      /invalid signature/,
    );
    await assert.rejects(
      async () => verify(await key.sign(userClaims(USER), { kid: "retired" })),
      /no signing key retired in the key set/,
    );
    const [header, , signature] = token.split(".");
    const payload = btoa(JSON.stringify({ ...userClaims(USER), role: "service_role" }))
      .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    await assert.rejects(() => verify(`${header}.${payload}.${signature}`), /invalid signature/);
    await assert.rejects(
      async () => verify(await key.sign(userClaims(USER, { exp: now() - 1 }))),
      /token expired/,
    );
    await assert.rejects(
      async () => verify(await signJwt(userClaims(USER), SECRET)),
      /HS256 tokens are not accepted here/,
    );
  });
}

Deno.test("tokens: HS256 with the secret only; forged, alg none and public-key HMAC refused", async () => {
  const verify = accessTokenVerifier({ secret: SECRET });
  assert.equal((await verify(await signJwt(userClaims(USER), SECRET))).sub, USER);
  await assert.rejects(
    async () =>
      verify(await signJwt(userClaims(USER), "another-secret-that-is-at-least-32-characters")),
    /invalid signature/,
  );
  await assert.rejects(() => verify(unsignedToken(userClaims(USER))), /unsupported algorithm/);
  const es = await signingKey("ES256");
  await assert.rejects(
    async () => verify(await es.sign(userClaims(USER))),
    /ES256 tokens are not accepted here \(no key set\)/,
  );
  // the classic confusion: an HS256 token whose HMAC key is the published public key
  const both = accessTokenVerifier({ jwks: es.jwks, secret: SECRET });
  const publicKeyText = new TextEncoder().encode(JSON.stringify(es.jwks.keys[0]));
  const confused = await new SignJWT(userClaims(USER)).setProtectedHeader({ alg: "HS256" })
    .sign(publicKeyText);
  await assert.rejects(() => both(confused), /invalid signature/);
  await assert.rejects(
    () => accessTokenVerifier({ jwks: es.jwks })(confused),
    /HS256 tokens are not accepted here/,
  );
  const hs512 = await new SignJWT(userClaims(USER)).setProtectedHeader({ alg: "HS512" })
    .sign(new TextEncoder().encode(SECRET));
  await assert.rejects(() => verify(hs512), /unsupported algorithm/);
});

Deno.test("tokens: claims of the wrong type, not yet valid, no role, not a JWT", async () => {
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT(claims).setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(SECRET));
  const check = (token: string) => verifyAccessToken(token, { secret: SECRET });
  await assert.rejects(() => sign({ role: "authenticated", exp: "never" }).then(check), /"exp"/);
  await assert.rejects(
    () => sign({ role: "authenticated", nbf: now() + 3600 }).then(check),
    /"nbf" claim timestamp check failed/,
  );
  await assert.rejects(() => sign({ sub: USER }).then(check), /no role claim/);
  for (const garbage of ["", "abc", "a.b", "a.b.c.d", "%%%.%%%.%%%"]) {
    await assert.rejects(() => check(garbage), /not a JWT/, garbage);
  }
});

Deno.test("tokens: a deployed function fetches the key set from SUPABASE_URL once", async () => {
  const key = await signingKey("ES256", "project-key");
  let fetches = 0;
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, (req) => {
    if (new URL(req.url).pathname !== "/auth/v1/.well-known/jwks.json") {
      return new Response("not found", { status: 404 });
    }
    fetches++;
    return Response.json(key.jwks);
  });
  try {
    const config = loadConfig({ SUPABASE_URL: `http://127.0.0.1:${server.addr.port}` });
    const verify = accessTokenVerifier(jwtKeysFromConfig(config));
    assert.equal((await verify(await key.sign(userClaims(USER)))).sub, USER);
    assert.equal((await verify(await key.sign(userClaims(USER)))).sub, USER);
    assert.equal(fetches, 1, "the key set is cached between requests");
    const stranger = await signingKey("ES256", "project-key");
    await assert.rejects(
      async () => verify(await stranger.sign(userClaims(USER))),
      /invalid signature/,
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("tokens: a key set that cannot be fetched is a 503 with what to do, not a 401", async () => {
  const key = await signingKey("ES256");
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen: () => {} },
    () => new Response("upstream down", { status: 503 }),
  );
  try {
    const verify = accessTokenVerifier({
      jwksUrl: `http://127.0.0.1:${server.addr.port}/auth/v1/.well-known/jwks.json`,
    });
    const token = await key.sign(userClaims(USER));
    await assert.rejects(
      () => verify(token),
      (error: Error) =>
        error instanceof SigningKeysUnavailableError &&
        /signing keys could not be read from http:\/\/127\.0\.0\.1:\d+\/auth\/v1\/\.well-known\/jwks\.json \(.*\); try again/
          .test(error.message),
    );
    const handler = forSignedInUser(verify, ["GET"], () => Promise.resolve(new Response("ok")));
    const res = await handler(
      new Request("http://x/feed", { headers: { authorization: `Bearer ${token}` } }),
    );
    assert.equal(res.status, 503);
    assert.match((await res.json()).error, /Cannot check sign-ins right now: .*try again/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("tokens: the user functions refuse a user token without an expiry or for another audience", async () => {
  const handler = forSignedInUser(
    accessTokenVerifier({ secret: SECRET }),
    ["GET"],
    () => Promise.resolve(new Response("ok")),
  );
  const call = async (claims: Record<string, unknown>) => {
    const token = await new SignJWT(claims).setProtectedHeader({ alg: "HS256" })
      .sign(new TextEncoder().encode(SECRET));
    const res = await handler(
      new Request("http://x/feed", { headers: { authorization: `Bearer ${token}` } }),
    );
    return { status: res.status, body: await res.text() };
  };
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const user = { sub: USER, role: "authenticated" };
  assert.deepEqual(await call({ ...user, aud: "authenticated", exp }), { status: 200, body: "ok" });
  const noExpiry = await call({ ...user, aud: "authenticated" });
  assert.equal(noExpiry.status, 401);
  assert.match(noExpiry.body, /no expiry \(exp\); sign in again/);
  const elsewhere = await call({ ...user, aud: "someone-else", exp });
  assert.equal(elsewhere.status, 401);
  assert.match(elsewhere.body, /aud is not authenticated/);
  assert.equal((await call({ ...user, exp })).status, 401);
  assert.equal((await call({ ...user, aud: ["x", "authenticated"], exp })).status, 200);
});
