import assert from "node:assert/strict";
import { ConfigError, databaseUrl, loadConfig } from "../shared/config.ts";

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
