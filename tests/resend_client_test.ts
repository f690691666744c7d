/**
 * The product's Resend client reads every answer of the fake into one typed outcome: sent, retry
 * (with the same idempotency key), refused (this email), stopped (the key or the quota). A retry
 * after a crash between sending and recording sends the email once. The digest's variables are
 * parsed with their fixes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type FakeResend, type FakeResendOptions, startFakeResend } from "../local/fakes/mod.ts";
import { ConfigError, loadConfig } from "../shared/config.ts";
import {
  createResendClient,
  type EmailMessage,
  type ResendClientOptions,
  type SendOutcome,
} from "../shared/email/resend.ts";

const MESSAGE: EmailMessage = {
  from: "Job feed <digest@example.com>",
  to: "ada@users.test",
  subject: "3 new jobs for you",
  html: "<p>Data engineer, Berlin</p>",
  text: "Data engineer, Berlin",
  headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
};
const KEY = "digest/0b0e5a3c-0000-4000-8000-000000000001/2026-12-07";

async function withFake(
  options: FakeResendOptions,
  run: (fake: FakeResend, client: ReturnType<typeof createResendClient>) => Promise<void>,
  client: Partial<ResendClientOptions> = {},
) {
  const fake = await startFakeResend({ requestsPerSecond: 1000, ...options });
  try {
    await run(fake, createResendClient({ apiKey: "re_test_key", baseUrl: fake.url, ...client }));
  } finally {
    await fake.close();
  }
}

/** Narrows an outcome to `kind`, failing with the whole outcome otherwise. */
function expectKind<K extends SendOutcome["kind"]>(outcome: SendOutcome, kind: K) {
  assert.equal(outcome.kind, kind, JSON.stringify(outcome));
  return outcome as Extract<SendOutcome, { kind: K }>;
}

Deno.test("resend client: a 200 is sent, with the id the fake recorded", async () => {
  await withFake({}, async (fake, client) => {
    const sent = expectKind(await client.send(MESSAGE, KEY), "sent");
    assert.equal(sent.id, fake.sent[0].id);
    assert.equal(fake.requests[0].idempotencyKey, KEY);
    assert.deepEqual(fake.requests[0].body, MESSAGE);
  });
});

Deno.test("resend client: a crash between send and record, then the retry, sends once", async () => {
  await withFake({}, async (fake, client) => {
    const first = expectKind(await client.send(MESSAGE, KEY), "sent");
    // the run died before it recorded `first`; the next run builds the same email again
    const next = createResendClient({ apiKey: "re_test_key", baseUrl: fake.url });
    const again = expectKind(await next.send({ ...MESSAGE }, KEY), "sent");
    assert.equal(again.id, first.id);
    assert.equal(fake.sent.length, 1);
    assert.equal(fake.requests.length, 2);
  });
});

Deno.test("resend client: 429 rate limit is a retry with Retry-After in ms", async () => {
  await withFake({}, async (fake, client) => {
    fake.inject({ kind: "status", status: 429, name: "rate_limit_exceeded", retryAfter: 3 });
    const retry = expectKind(await client.send(MESSAGE, KEY), "retry");
    assert.equal(retry.status, 429);
    assert.equal(retry.retryAfterMs, 3000);
    assert.match(retry.reason, /rate limit .*same idempotency key/);
    expectKind(await client.send(MESSAGE, KEY), "sent");
    assert.equal(fake.sent.length, 1);
  });
  const clock = Date.parse("2026-12-07T06:00:00Z");
  const client = createResendClient({
    apiKey: "re_test_key",
    baseUrl: "https://api.resend.test",
    now: () => new Date(clock),
    fetch: () =>
      Promise.resolve(
        Response.json({ statusCode: 429, name: "rate_limit_exceeded", message: "slow" }, {
          status: 429,
          headers: { "retry-after": new Date(clock + 5000).toUTCString() },
        }),
      ),
  });
  assert.equal(expectKind(await client.send(MESSAGE, KEY), "retry").retryAfterMs, 5000);
});

Deno.test("resend client: the real rate limit's 429 is a retry too", async () => {
  await withFake({ requestsPerSecond: 1 }, async (fake, client) => {
    expectKind(await client.send(MESSAGE, KEY), "sent");
    const retry = expectKind(await client.send(MESSAGE, `${KEY}/2`), "retry");
    assert.equal(retry.retryAfterMs, 1000);
    assert.equal(fake.sent.length, 1);
  });
});

Deno.test("resend client: 500 and 503 are retries; an HTML error page too", async () => {
  await withFake({}, async (fake, client) => {
    fake.inject({ kind: "status", status: 500 });
    fake.inject({ kind: "status", status: 503, name: "service_unavailable", retryAfter: 10 });
    assert.equal(expectKind(await client.send(MESSAGE, KEY), "retry").status, 500);
    const busy = expectKind(await client.send(MESSAGE, KEY), "retry");
    assert.equal(busy.retryAfterMs, 10_000);
    assert.equal(fake.sent.length, 0);
  });
  const client = createResendClient({
    apiKey: "re_test_key",
    baseUrl: "https://api.resend.test",
    fetch: () => Promise.resolve(new Response("<html>Bad gateway</html>", { status: 502 })),
  });
  const retry = expectKind(await client.send(MESSAGE, KEY), "retry");
  assert.match(retry.reason, /502 unknown: body "<html>Bad gateway/);
});

Deno.test("resend client: a cut-off 200 is a retry, and the retry sends nothing new", async () => {
  await withFake({}, async (fake, client) => {
    fake.inject({ kind: "malformed_json" });
    const retry = expectKind(await client.send(MESSAGE, KEY), "retry");
    assert.equal(retry.status, 200);
    assert.match(retry.reason, /may have been accepted/);
    const sent = expectKind(await client.send(MESSAGE, KEY), "sent");
    assert.equal(sent.id, fake.sent[0].id);
    assert.equal(fake.sent.length, 1);
    assert.equal(fake.requests.length, 2);
  });
});

Deno.test("resend client: a time-out is a retry; the late email is sent once", async () => {
  await withFake({}, async (fake, client) => {
    fake.inject({ kind: "latency", ms: 400 });
    const late = expectKind(await client.send(MESSAGE, KEY), "retry");
    assert.equal(late.status, null);
    assert.match(late.reason, /did not answer within 100 ms/);
    const inFlight = expectKind(await client.send(MESSAGE, KEY), "retry");
    assert.equal(inFlight.status, 409, "the first request still holds the key");
    await new Promise((resolve) => setTimeout(resolve, 450));
    const sent = expectKind(await client.send(MESSAGE, KEY), "sent");
    assert.equal(sent.id, fake.sent[0].id);
    assert.equal(fake.sent.length, 1);
  }, { timeoutMs: 100 });
});

Deno.test("resend client: a dropped connection or no server is a retry", async () => {
  await withFake({}, async (fake, client) => {
    fake.inject({ kind: "reset" });
    fake.inject({ kind: "reset", afterSend: true });
    expectKind(await client.send(MESSAGE, KEY), "retry");
    const dropped = expectKind(await client.send(MESSAGE, KEY), "retry");
    assert.match(dropped.reason, /did not arrive .*RESEND_BASE_URL/);
    const sent = expectKind(await client.send(MESSAGE, KEY), "sent");
    assert.equal(sent.id, fake.sent[0].id);
    assert.equal(fake.sent.length, 1, "the reset after sending sent it; the retry did not");
  });
  const closed = await startFakeResend();
  await closed.close();
  const client = createResendClient({ apiKey: "re_test_key", baseUrl: closed.url });
  assert.equal(expectKind(await client.send(MESSAGE, KEY), "retry").status, null);
});

Deno.test("resend client: a missing or unknown key stops the run, saying how to fix it", async () => {
  await withFake({}, async (fake) => {
    for (
      const [apiKey, status, name] of [["", 401, "missing_api_key"], [
        "re_x",
        403,
        "invalid_api_key",
      ]] as const
    ) {
      const client = createResendClient({ apiKey, baseUrl: fake.url });
      const stopped = expectKind(await client.send(MESSAGE, KEY), "stopped");
      assert.equal(stopped.status, status);
      assert.equal(stopped.name, name);
      assert.match(
        stopped.reason,
        /set RESEND_API_KEY to a sending key from .*resend\.com\/api-keys/,
      );
    }
    fake.inject({ kind: "status", status: 401, name: "restricted_api_key", message: "Restricted" });
    const client = createResendClient({ apiKey: "re_test_key", baseUrl: fake.url });
    expectKind(await client.send(MESSAGE, KEY), "stopped");
    assert.equal(fake.sent.length, 0);
  });
});

Deno.test("resend client: the daily quota stops the run", async () => {
  await withFake({ dailyQuota: 1 }, async (fake, client) => {
    expectKind(await client.send(MESSAGE, KEY), "sent");
    const stopped = expectKind(await client.send(MESSAGE, `${KEY}/2`), "stopped");
    assert.equal(stopped.status, 429);
    assert.equal(stopped.name, "daily_quota_exceeded");
    assert.match(stopped.reason, /quota is spent/);
    fake.inject({ kind: "status", status: 429, name: "monthly_quota_exceeded" });
    expectKind(await client.send(MESSAGE, `${KEY}/3`), "stopped");
  });
});

Deno.test("resend client: an unverified domain or a bad field refuses this email", async () => {
  await withFake({ verifiedDomains: ["feed.example.com"] }, async (fake, client) => {
    const domain = expectKind(await client.send(MESSAGE, KEY), "refused");
    assert.equal(domain.status, 403);
    assert.equal(domain.name, "validation_error");
    assert.match(domain.reason, /not verified.*resend\.com\/domains.*DIGEST_FROM/);
    const from = "Feed <digest@feed.example.com>";
    const field = expectKind(await client.send({ ...MESSAGE, from, to: "nobody" }, KEY), "refused");
    assert.equal(field.status, 400);
    assert.match(field.reason, /Invalid `to` field/);
    assert.equal(fake.sent.length, 0);
  });
  await withFake({ validationStatus: 422 }, async (_fake, client) => {
    const field = expectKind(await client.send({ ...MESSAGE, subject: "" }, KEY), "sent");
    assert.ok(field.id, "an empty subject is a subject");
    const refused = expectKind(await client.send({ ...MESSAGE, to: "x@" }, `${KEY}/2`), "refused");
    assert.equal(refused.status, 422);
  });
});

Deno.test("resend client: the same key for another email is refused, not sent", async () => {
  await withFake({}, async (fake, client) => {
    expectKind(await client.send(MESSAGE, KEY), "sent");
    const other = expectKind(await client.send({ ...MESSAGE, subject: "Other" }, KEY), "refused");
    assert.equal(other.status, 409);
    assert.equal(other.name, "invalid_idempotent_request");
    assert.match(other.reason, /one key per email/);
    assert.equal(fake.sent.length, 1);
  });
});

Deno.test("resend client: an idempotency key outside 1-256 characters is a bug, thrown", async () => {
  const client = createResendClient({
    apiKey: "re_test_key",
    baseUrl: "https://api.resend.test",
    fetch: () => Promise.reject(new Error("no request may leave")),
  });
  await assert.rejects(client.send(MESSAGE, ""), RangeError);
  await assert.rejects(client.send(MESSAGE, "k".repeat(257)), /1 to 256 characters, got 257/);
});

Deno.test("config: the digest's variables, their defaults and their fixes", () => {
  const config = loadConfig({});
  assert.equal(config.RESEND_BASE_URL, "https://api.resend.com");
  assert.equal(config.RESEND_API_KEY, undefined);
  assert.equal(config.DIGEST_FROM, undefined);
  const set = loadConfig({
    DIGEST_FROM: " Job feed <digest@example.com> ",
    RESEND_API_KEY: "re_1",
  });
  assert.equal(set.DIGEST_FROM, "Job feed <digest@example.com>");
  assert.equal(loadConfig({ DIGEST_FROM: "digest@example.com" }).DIGEST_FROM, "digest@example.com");
  assert.throws(
    () => loadConfig({ DIGEST_FROM: "Job feed", RESEND_BASE_URL: "ftp://x" }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /DIGEST_FROM must be an address such as digest@example\.com/);
      assert.match(error.message, /RESEND_BASE_URL must be an http\(s\) URL/);
      return true;
    },
  );
});
