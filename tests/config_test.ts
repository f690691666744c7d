import assert from "node:assert/strict";
import { ConfigError, databaseUrl, loadConfig } from "../shared/config.ts";
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
  assert.equal(config.JSEARCH_PAGES_PER_CALL, 10);
  assert.equal(config.JSEARCH_DEFAULT_COUNTRY, "de");
  assert.equal(loadConfig({ JSEARCH_REQUESTS_PER_SECOND: "2.5" }).JSEARCH_REQUESTS_PER_SECOND, 2.5);
  assert.throws(
    () =>
      loadConfig({
        JSEARCH_BASE_URL: "jsearch.local",
        PROVIDER_TIMEOUT_MS: "soon",
        JSEARCH_PAGES_PER_CALL: "25",
        ACTIVE_JOBS_MAX_CONCURRENCY: "0",
      }),
    (error: unknown) => {
      assert.ok(error instanceof ConfigError);
      assert.match(error.message, /JSEARCH_BASE_URL must be an http\(s\) URL/);
      assert.match(error.message, /PROVIDER_TIMEOUT_MS must be a number such as 20000/);
      assert.match(error.message, /JSEARCH_PAGES_PER_CALL must be a whole number from 1 to 20/);
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
