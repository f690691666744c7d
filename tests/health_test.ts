import assert from "node:assert/strict";
import { createHealthHandler } from "../functions/health/handler.ts";
import { connectPostgres } from "../shared/db/postgres.ts";
import { dbTest, testDatabase } from "./support/database.ts";

Deno.test("health: reports the newest applied migration", dbTest, async () => {
  const { sql } = await testDatabase();
  const response = await createHealthHandler(sql)(new Request("http://x/functions/v1/health"));
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.ok, true);
  assert.equal(body.database, "ok");
  assert.match(body.latestMigration, /^\d{14}$/);
});

Deno.test(
  "health: unconfigured, unreachable and wrong-method answers say what to do",
  dbTest,
  async () => {
    const unconfigured = await createHealthHandler(undefined)(new Request("http://x/"));
    assert.equal(unconfigured.status, 503);
    assert.match((await unconfigured.json()).error, /Set DATABASE_URL/);

    const dead = connectPostgres("postgres://nobody@127.0.0.1:1/none", { max: 1 });
    try {
      const unreachable = await createHealthHandler(dead)(new Request("http://x/"));
      assert.equal(unreachable.status, 503);
      const body = await unreachable.json();
      assert.equal(body.database, "unreachable");
      assert.match(body.error, /Cannot query the database/);
    } finally {
      await dead.end({ timeout: 1 });
    }

    const post = await createHealthHandler(undefined)(new Request("http://x/", { method: "POST" }));
    assert.equal(post.status, 405);
  },
);
