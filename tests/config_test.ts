import assert from "node:assert/strict";
import { ConfigError, databaseUrl, loadConfig, loadLocalToolsConfig } from "../shared/config.ts";
import { jwtKeysFromConfig } from "../shared/auth/verify_jwt.ts";
import {
  createProviderSessions,
  memoryUsageLedger,
  MissingApiKeyError,
} from "../shared/providers/mod.ts";

Deno.test("config: an empty environment means embedded mode", () => {
  const config = loadConfig({});
  assert.equal(databaseUrl(config), undefined);
});

Deno.test("config: DATABASE_URL wins over SUPABASE_DB_URL; blank counts as unset", () => {
  assert.equal(
    databaseUrl(
      loadConfig({ DATABASE_URL: "postgres://a@h/db", SUPABASE_DB_URL: "postgres://b@h/db" }),
    ),
    "postgres://a@h/db",
  );
  assert.equal(
    databaseUrl(loadConfig({ DATABASE_URL: " ", SUPABASE_DB_URL: "postgresql://b@h/db" })),
    "postgresql://b@h/db",
  );
});

Deno.test("config: a bad DATABASE_URL is named, with the fix", () => {
  assert.throws(() => loadConfig({ DATABASE_URL: "mysql://x" }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(
      error.message,
      /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ connection URL/,
    );
    return true;
  });
});

Deno.test("config: provider settings have working defaults and named errors", () => {
  const config = loadConfig({});
  assert.equal(config.JSEARCH_BASE_URL, "https://jsearch.p.rapidapi.com");
  assert.equal(config.ACTIVE_JOBS_BASE_URL, "https://active-jobs-db.p.rapidapi.com");
  assert.equal(config.RAPIDAPI_KEY, undefined);
  assert.equal(config.PROVIDER_MAX_RETRIES, 4);
  assert.equal(loadConfig({ JSEARCH_REQUESTS_PER_SECOND: "2.5" }).JSEARCH_REQUESTS_PER_SECOND, 2.5);
  assert.throws(
    () =>
      loadConfig({
        JSEARCH_BASE_URL: "jsearch.local",
        PROVIDER_TIMEOUT_MS: "soon",
        PROVIDER_MAX_RETRIES: "-1",
        ACTIVE_JOBS_MAX_CONCURRENCY: "0",
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /JSEARCH_BASE_URL must be an http\(s\) URL/);
      assert.match(error.message, /PROVIDER_TIMEOUT_MS must be a number such as 20000/);
      assert.match(error.message, /PROVIDER_MAX_RETRIES must be 0 or more, such as 4/);
      assert.match(error.message, /ACTIVE_JOBS_MAX_CONCURRENCY must be greater than 0/);
      return true;
    },
  );
});

Deno.test("config: providers without RAPIDAPI_KEY say how to fix it", () => {
  assert.throws(
    () => createProviderSessions(loadConfig({}), { ledger: memoryUsageLedger() }),
    (error: unknown) =>
      error instanceof MissingApiKeyError && /RAPIDAPI_KEY is not set/.test(error.message),
  );
});

Deno.test("config: SUPABASE_JWKS is a key set, as an object or a bare list; errors say the shape", () => {
  const key = { kty: "EC", crv: "P-256", x: "x", y: "y", kid: "k1" };
  assert.deepEqual(loadConfig({ SUPABASE_JWKS: JSON.stringify({ keys: [key] }) }).SUPABASE_JWKS, {
    keys: [key],
  });
  assert.deepEqual(loadConfig({ SUPABASE_JWKS: JSON.stringify([key]) }).SUPABASE_JWKS, {
    keys: [key],
  });
  assert.equal(loadConfig({ SUPABASE_JWKS: " " }).SUPABASE_JWKS, undefined);
  assert.throws(
    () => loadConfig({ SUPABASE_JWKS: "{keys: [" }),
    /SUPABASE_JWKS is not JSON; it must be \{"keys": \[\.\.\.\]\}/,
  );
  assert.throws(
    () => loadConfig({ SUPABASE_JWKS: JSON.stringify({ keys: [{ kid: "k1" }] }) }),
    /SUPABASE_JWKS must be \{"keys": \[\.\.\.\]\} with a "kty" in every key/,
  );
});

Deno.test("config: the token keys of a deployed function", () => {
  const fromUrl = jwtKeysFromConfig(loadConfig({ SUPABASE_URL: "https://abc.supabase.co/" }));
  assert.deepEqual(fromUrl, {
    jwks: undefined,
    jwksUrl: "https://abc.supabase.co/auth/v1/.well-known/jwks.json",
    secret: undefined,
  });
  const inline = jwtKeysFromConfig(loadConfig({
    SUPABASE_URL: "https://abc.supabase.co",
    SUPABASE_JWKS: '{"keys": []}',
    LEGACY_JWT_SECRET: "legacy",
    SUPABASE_JWT_SECRET: "platform",
  }));
  assert.deepEqual(inline, { jwks: { keys: [] }, jwksUrl: undefined, secret: "legacy" });
  assert.equal(
    jwtKeysFromConfig(loadConfig({ SUPABASE_JWT_SECRET: "platform" })).secret,
    "platform",
  );
});

Deno.test("config: the local tools' knobs have defaults and named errors", () => {
  assert.deepEqual(loadLocalToolsConfig({}), {
    LOCAL_PORT: 54321,
    WEB_SIGN_IN: "local",
    FAKE_CLAUDE_LATENCY_MS: 0,
    PG_BIN_DIR: "/usr/lib/postgresql/15/bin",
  });
  assert.equal(loadLocalToolsConfig({ LOCAL_PORT: "0" }).LOCAL_PORT, 0);
  assert.throws(
    () =>
      loadLocalToolsConfig({
        LOCAL_PORT: "70000",
        LOCAL_JWT_SECRET: "short",
        WEB_SIGN_IN: "github",
        FAKE_CLAUDE_LATENCY_MS: "slow",
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /LOCAL_PORT must be a whole number from 0 to 65535 \(a TCP port/);
      assert.match(error.message, /LOCAL_JWT_SECRET must be at least 32 characters long/);
      assert.match(error.message, /WEB_SIGN_IN must be local or supabase/);
      assert.match(error.message, /FAKE_CLAUDE_LATENCY_MS must be a whole number such as 3000/);
      return true;
    },
  );
});
