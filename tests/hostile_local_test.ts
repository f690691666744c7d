/**
 * Hostile input to the local stand-ins `deno task start` serves next to the functions: Storage's
 * object endpoint (odd object names), Auth (an email too long to store, a token whose `sub` is
 * not a user id) and the development sign-in. Each gets a 4xx in its service's shape — Storage
 * `{statusCode, error, message}`, Auth `{code, error_code, msg}` — naming the fix; never a 500.
 */
import assert from "node:assert/strict";
import { signJwt } from "../local/jwt.ts";
import { startLocalProcess } from "./support/start_process.ts";

const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n");

Deno.test("hostile input to the local Storage, Auth and sign-in: a 4xx in their shape", async () => {
  const dataDir = await Deno.makeTempDir();
  const runner = await startLocalProcess({ PGLITE_DATA_DIR: dataDir });
  try {
    const { url } = runner;
    const longEmail = `${"a".repeat(250)}@example.com`;
    const signIn = (email: string) =>
      fetch(`${url}/local/dev-sign-in`, { method: "POST", body: JSON.stringify({ email }) });
    const tooLong = await signIn(longEmail);
    assert.equal(tooLong.status, 400);
    assert.match((await tooLong.json()).error, /at most 255 characters/);

    const signup = await fetch(`${url}/auth/v1/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: longEmail, password: "secret-password" }),
    });
    assert.equal(signup.status, 400);
    const refused = await signup.json();
    assert.equal(refused.error_code, "validation_failed");
    assert.match(refused.msg, /at most 255 characters/);

    const hour = Math.floor(Date.now() / 1000) + 3600;
    const odd = await signJwt({ sub: "not-a-uuid", role: "authenticated", exp: hour });
    const user = await fetch(`${url}/auth/v1/user`, {
      headers: { authorization: `Bearer ${odd}` },
    });
    assert.equal(user.status, 403);
    assert.match((await user.json()).msg, /subject \(sub\) is not a user id/);

    const session = await (await signIn("odd-names@example.com")).json();
    const upload = async (name: string) => {
      const response = await fetch(`${url}/storage/v1/object/cvs/${session.user.id}/${name}`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${session.access_token}`,
          "content-type": "application/pdf",
        },
        body: PDF,
      });
      return { status: response.status, body: await response.json() };
    };
    assert.equal((await upload("a.pdf")).status, 200, "a plain name is stored");
    const cases: [string, string, RegExp][] = [
      ["a backslash", "a%5Cb.pdf", /contains a backslash/],
      ["a NUL", "a%00b.pdf", /control or bidirectional characters/],
      ["a bidi override", "cv%E2%80%AE.pdf", /control or bidirectional characters/],
      ["a 300-character name", `${"x".repeat(300)}.pdf`, /longer than 255 bytes/],
      ["inside a file", "a.pdf/b.pdf", /inside another object/],
    ];
    for (const [what, name, message] of cases) {
      const { status, body } = await upload(name);
      assert.equal(status, 400, `${what}: ${JSON.stringify(body)}`);
      assert.equal(body.statusCode, "400", what);
      assert.equal(body.error, "Invalid key", what);
      assert.match(body.message, message, what);
    }
    const oddUpload = await fetch(`${url}/storage/v1/object/cvs/x/cv.pdf`, {
      method: "POST",
      headers: { authorization: `Bearer ${odd}`, "content-type": "application/pdf" },
      body: PDF,
    });
    assert.equal(oddUpload.status, 400);
    const oddBody = await oddUpload.json();
    assert.equal(oddBody.statusCode, "403");
    assert.match(oddBody.message, /subject \(sub\) is not a user id/);
    // bodies past the limit: refused by their length, not read whole
    const huge = await fetch(`${url}/storage/v1/object/cvs/${session.user.id}/huge.pdf`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${session.access_token}`,
        "content-type": "application/pdf",
      },
      body: new Uint8Array(11 * 1024 * 1024),
    });
    assert.equal(huge.status, 400);
    const hugeBody = await huge.json();
    assert.deepEqual([hugeBody.statusCode, hugeBody.error], ["413", "Payload too large"]);
    const bigSignup = await fetch(`${url}/auth/v1/signup`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: "big@example.com", password: "x".repeat(1024 * 1024) }),
    });
    assert.equal(bigSignup.status, 413);
    assert.equal((await bigSignup.json()).error_code, "request_too_large");
    assert.equal((await fetch(`${url}/functions/v1/health`)).status, 200);
  } finally {
    await runner.stop();
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
});
