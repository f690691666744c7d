/**
 * The Resend fake answers `POST /emails` as Resend documents it: the bearer key, the body's
 * checks by field, verified sending domains, idempotency keys (the same payload answers the same
 * id without sending, another payload or a key in flight is a 409), the per-second rate limit
 * with its headers, the daily quota, 404 for other paths, and its request and sent logs.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type FakeResend, type FakeResendOptions, startFakeResend } from "../local/fakes/mod.ts";

const KEY = "re_test_key";
const EMAIL = {
  from: "Job feed <digest@example.com>",
  to: "ada@users.test",
  subject: "3 new jobs for you",
  html: "<p>Data engineer, Berlin</p>",
  text: "Data engineer, Berlin",
  headers: { "List-Unsubscribe": "<https://feed.test/unsubscribe?token=t>" },
};

/** A clock the test moves; the rate limit and the quota read it. */
function manualClock(start = "2026-12-07T06:00:00Z") {
  let at = Date.parse(start);
  return { now: () => new Date(at), advance: (ms: number) => (at += ms) };
}

async function withFake(options: FakeResendOptions, run: (fake: FakeResend) => Promise<void>) {
  const fake = await startFakeResend({ requestsPerSecond: 1000, ...options });
  try {
    await run(fake);
  } finally {
    await fake.close();
  }
}

/** One request to the fake: status, headers and parsed body. */
async function post(
  fake: FakeResend,
  body: unknown,
  headers: Record<string, string> = {},
  path = "/emails",
) {
  const response = await fetch(`${fake.url}${path}`, {
    method: "POST",
    headers: { "authorization": `Bearer ${KEY}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

Deno.test("resend fake: a valid email is sent once and answered with its id", async () => {
  await withFake({}, async (fake) => {
    const answer = await post(fake, EMAIL, { "idempotency-key": "digest/u1/2026-12-07" });
    assert.equal(answer.status, 200);
    assert.match(answer.body.id, /^[0-9a-f-]{36}$/);
    assert.equal(fake.sent.length, 1);
    const [sent] = fake.sent;
    assert.equal(sent.id, answer.body.id);
    assert.deepEqual(sent.to, ["ada@users.test"]);
    assert.equal(sent.headers?.["List-Unsubscribe"], EMAIL.headers["List-Unsubscribe"]);
    assert.equal(sent.idempotencyKey, "digest/u1/2026-12-07");
    assert.ok(!Number.isNaN(Date.parse(sent.created_at)));
    const [logged] = fake.requests;
    assert.equal(logged.headers["idempotency-key"], "digest/u1/2026-12-07");
    assert.equal(logged.headers["authorization"], undefined, "the key is never logged");
    assert.equal(logged.keyPresent, true);
    assert.deepEqual(logged.body, EMAIL);
  });
});

Deno.test("resend fake: a missing key is 401 missing_api_key, an unknown one 403", async () => {
  await withFake({ keys: ["re_other"] }, async (fake) => {
    const unknown = await post(fake, EMAIL);
    assert.equal(unknown.status, 403);
    assert.deepEqual(unknown.body, {
      statusCode: 403,
      name: "invalid_api_key",
      message: "API key is invalid.",
    });
    const response = await fetch(`${fake.url}/emails`, { method: "POST", body: "{}" });
    assert.equal(response.status, 401);
    assert.equal((await response.json()).name, "missing_api_key");
    assert.equal(fake.sent.length, 0);
    assert.equal(fake.requests[1].keyPresent, false);
  });
});

Deno.test("resend fake: each missing or malformed field is a validation_error naming it", async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ ...EMAIL, from: undefined }, /Missing `from` field/],
    [{ ...EMAIL, from: "digest at example.com" }, /Invalid `from` field/],
    [{ ...EMAIL, to: undefined }, /Missing `to` field/],
    [{ ...EMAIL, to: [] }, /Invalid `to` field/],
    [{ ...EMAIL, to: ["ada@users.test", "nobody"] }, /Invalid `to` field/],
    [{ ...EMAIL, to: Array.from({ length: 51 }, (_, i) => `u${i}@users.test`) }, /at most 50/],
    [{ ...EMAIL, subject: undefined }, /Missing `subject` field/],
    [{ ...EMAIL, html: undefined, text: undefined }, /Missing `html` or `text`/],
    [{ ...EMAIL, headers: { "X-Count": 3 } }, /Invalid `headers` field/],
  ];
  await withFake({}, async (fake) => {
    for (const [body, message] of cases) {
      const answer = await post(fake, body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.equal(answer.body.name, "validation_error");
      assert.match(answer.body.message, message);
    }
    const named = await post(fake, { ...EMAIL, from: "Ada Lovelace <ada@example.com>" });
    assert.equal(named.status, 200, "the Name <address> form is taken");
    assert.equal((await post(fake, { ...EMAIL, html: undefined })).status, 200, "text alone");
    assert.equal(fake.sent.length, 2);
  });
  await withFake({ validationStatus: 422 }, async (fake) => {
    assert.equal((await post(fake, { ...EMAIL, subject: undefined })).status, 422);
  });
});

Deno.test("resend fake: an unverified sender domain is a 403 validation_error", async () => {
  await withFake({ verifiedDomains: ["feed.example.com"] }, async (fake) => {
    const other = await post(fake, EMAIL);
    assert.equal(other.status, 403);
    assert.equal(other.body.name, "validation_error");
    assert.match(other.body.message, /The example\.com domain is not verified/);
    const testing = await post(fake, { ...EMAIL, from: "onboarding@resend.dev" });
    assert.equal(testing.status, 403);
    assert.match(testing.body.message, /You can only send testing emails to your own email/);
    const own = await post(fake, {
      ...EMAIL,
      from: "onboarding@resend.dev",
      to: "owner@example.com",
    });
    assert.equal(own.status, 200, "resend.dev sends to the account's own address");
    const ok = await post(fake, { ...EMAIL, from: "Feed <digest@feed.example.com>" });
    assert.equal(ok.status, 200);
    assert.equal(fake.sent.length, 2);
  });
});

Deno.test("resend fake: idempotency keys answer the same id, refuse another payload", async () => {
  await withFake({}, async (fake) => {
    const key = { "idempotency-key": "digest/u1/2026-12-07" };
    const first = await post(fake, EMAIL, key);
    const again = await post(fake, { ...EMAIL, headers: { ...EMAIL.headers } }, key);
    assert.equal(again.status, 200);
    assert.equal(again.body.id, first.body.id);
    const other = await post(fake, { ...EMAIL, subject: "Other" }, key);
    assert.equal(other.status, 409);
    assert.equal(other.body.name, "invalid_idempotent_request");
    for (const bad of ["", "k".repeat(257)]) {
      const answer = await post(fake, EMAIL, { "idempotency-key": bad });
      assert.equal(answer.status, 400);
      assert.equal(answer.body.name, "invalid_idempotency_key");
    }
    assert.equal((await post(fake, EMAIL, { "idempotency-key": "k".repeat(256) })).status, 200);
    assert.equal(fake.sent.length, 2, "the repeat and the refusals sent nothing");
    assert.equal(fake.requests.length, 6);
  });
});

Deno.test("resend fake: a key expires after 24 hours and then sends anew", async () => {
  const clock = manualClock();
  await withFake({ now: clock.now }, async (fake) => {
    const key = { "idempotency-key": "digest/u1/2026-12-07" };
    const first = await post(fake, EMAIL, key);
    clock.advance(24 * 60 * 60 * 1000 - 1);
    assert.equal((await post(fake, EMAIL, key)).body.id, first.body.id);
    clock.advance(1);
    const later = await post(fake, EMAIL, key);
    assert.notEqual(later.body.id, first.body.id);
    assert.equal(fake.sent.length, 2);
  });
});

Deno.test("resend fake: a second request while the key is in flight is a 409", async () => {
  await withFake({}, async (fake) => {
    fake.inject({ kind: "latency", ms: 300 });
    const key = { "idempotency-key": "digest/u2/2026-12-07" };
    const slow = post(fake, EMAIL, key);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const meanwhile = await post(fake, EMAIL, key);
    assert.equal(meanwhile.status, 409);
    assert.equal(meanwhile.body.name, "concurrent_idempotent_requests");
    const first = await slow;
    assert.equal(first.status, 200);
    assert.equal((await post(fake, EMAIL, key)).body.id, first.body.id);
    assert.equal(fake.sent.length, 1);
  });
});

Deno.test("resend fake: 2 requests a second by default, with ratelimit headers and a 429", async () => {
  const clock = manualClock();
  const fake = await startFakeResend({ now: clock.now });
  try {
    const one = await post(fake, EMAIL);
    assert.equal(one.headers.get("ratelimit-limit"), "2");
    assert.equal(one.headers.get("ratelimit-remaining"), "1");
    assert.equal(one.headers.get("ratelimit-reset"), "1");
    const two = await post(fake, { ...EMAIL, subject: undefined });
    assert.equal(two.status, 400, "a refused body still takes its slot");
    assert.equal(two.headers.get("ratelimit-remaining"), "0");
    const three = await post(fake, EMAIL);
    assert.equal(three.status, 429);
    assert.equal(three.body.name, "rate_limit_exceeded");
    assert.equal(three.headers.get("retry-after"), "1");
    assert.equal(three.headers.get("ratelimit-remaining"), "0");
    clock.advance(1000);
    assert.equal((await post(fake, EMAIL)).status, 200);
    assert.equal(fake.sent.length, 2);
  } finally {
    await fake.close();
  }
});

Deno.test("resend fake: the daily quota counts recipients and resets at 00:00 UTC", async () => {
  const clock = manualClock("2026-12-07T23:59:00Z");
  await withFake({ dailyQuota: 3, now: clock.now }, async (fake) => {
    assert.equal(
      (await post(fake, { ...EMAIL, to: ["a@users.test", "b@users.test"] })).status,
      200,
    );
    const over = await post(fake, { ...EMAIL, to: ["c@users.test", "d@users.test"] }, {
      "idempotency-key": "k1",
    });
    assert.equal(over.status, 429);
    assert.equal(over.body.name, "daily_quota_exceeded");
    assert.equal((await post(fake, EMAIL)).status, 200, "one recipient still fits");
    assert.equal((await post(fake, EMAIL)).status, 429);
    clock.advance(60_000);
    const next = await post(fake, { ...EMAIL, to: ["c@users.test", "d@users.test"] }, {
      "idempotency-key": "k1",
    });
    assert.equal(next.status, 200, "a refused send does not keep its idempotency key");
    assert.equal(fake.sent.length, 3);
  });
});

Deno.test("resend fake: other paths are 404 in Resend's error shape", async () => {
  await withFake({}, async (fake) => {
    const answer = await post(fake, EMAIL, {}, "/email");
    assert.equal(answer.status, 404);
    assert.deepEqual(answer.body, {
      statusCode: 404,
      name: "not_found",
      message: "The requested endpoint does not exist.",
    });
    const get = await fetch(`${fake.url}/domains`, { headers: { authorization: `Bearer ${KEY}` } });
    assert.equal(get.status, 404);
    await get.body?.cancel();
    assert.equal(fake.sent.length, 0);
  });
});

Deno.test("resend fake: injected faults answer instead, or send and then break", async () => {
  await withFake({}, async (fake) => {
    fake.inject({ kind: "status", status: 503, retryAfter: 2 });
    const failed = await post(fake, EMAIL);
    assert.equal(failed.status, 503);
    assert.equal(failed.body.name, "internal_server_error");
    assert.equal(failed.headers.get("retry-after"), "2");
    fake.inject({ kind: "malformed_json" });
    const cut = await fetch(`${fake.url}/emails`, {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: JSON.stringify(EMAIL),
    });
    assert.equal(cut.status, 200);
    await assert.rejects(cut.json(), SyntaxError);
    assert.equal(fake.sent.length, 1, "the cut-off answer's email was sent");
    fake.inject({ kind: "reset" });
    await assert.rejects(post(fake, EMAIL), TypeError);
    assert.equal(fake.sent.length, 1, "a reset before sending sends nothing");
    fake.inject({ kind: "reset", afterSend: true });
    await assert.rejects(post(fake, EMAIL), TypeError);
    assert.equal(fake.sent.length, 2);
    assert.deepEqual(fake.requests.map((r) => r.fault), [
      "status",
      "malformed_json",
      "reset",
      "reset",
    ]);
    fake.clearLog();
    assert.equal(fake.requests.length + fake.sent.length, 0);
  });
});

Deno.test("resend fake: a fault kept for one recipient hits only its requests", async () => {
  await withFake({}, async (fake) => {
    const message = "Invalid `to` field. The email address needs to follow the " +
      "`email@example.com` or `Name <email@example.com>` format.";
    fake.inject({ kind: "status", status: 400, name: "validation_error", message }, {
      to: "Bad <Bad@Users.test>",
    });
    fake.inject({ kind: "status", status: 429, retryAfter: 120 }, { to: "slow@users.test" });
    assert.equal((await post(fake, EMAIL)).status, 200, "another recipient passes it by");
    const refused = await post(fake, { ...EMAIL, to: ["ada@users.test", "bad@users.test"] });
    assert.equal(refused.status, 400, "any recipient of the request matches");
    assert.deepEqual(refused.body, { statusCode: 400, name: "validation_error", message });
    assert.equal((await post(fake, { ...EMAIL, to: "bad@users.test" })).status, 200, "used up");
    const limited = await post(fake, { ...EMAIL, to: "slow@users.test" });
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get("retry-after"), "120");
    assert.deepEqual(fake.sent.map((s) => s.to), [["ada@users.test"], ["bad@users.test"]]);
    assert.deepEqual(fake.requests.map((r) => r.fault), [undefined, "status", undefined, "status"]);
    assert.throws(() => fake.inject({ kind: "reset" }, { to: "nobody" }), /must be an email/);
  });
});
