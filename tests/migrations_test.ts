import assert from "node:assert/strict";
import {
  appliedVersions,
  applyMigrations,
  checkHistory,
  readMigrations,
} from "../shared/db/migrations.ts";
import { applyLocalPlatform } from "../local/platform.ts";
import { dbTest, testDatabase, withRollback } from "./support/database.ts";

Deno.test(
  "migrations: every file is applied and recorded the way the Supabase CLI records it",
  dbTest,
  async () => {
    const { sql } = await testDatabase();
    const files = await readMigrations();
    assert.ok(files.length >= 8);
    assert.deepEqual(await appliedVersions(sql), files.map((f) => f.version));
    const rows =
      await sql`select version, name, statements from supabase_migrations.schema_migrations order by version`;
    assert.deepEqual(rows.map((r) => r.name), files.map((f) => f.name));
    assert.ok(rows.every((r) => Array.isArray(r.statements) && r.statements.length > 0));
  },
);

Deno.test(
  "migrations: a second run applies nothing; the platform re-applies cleanly",
  dbTest,
  async () => {
    const { sql } = await testDatabase();
    const result = await applyMigrations(sql);
    assert.deepEqual(result.applied, []);
    assert.equal(result.skipped.length, (await readMigrations()).length);
    await applyLocalPlatform(sql);
  },
);

Deno.test(
  "migrations: an extension the server lacks, without the local stand-in, fails with the fix",
  dbTest,
  async () => {
    const [first] = await readMigrations();
    await withRollback(async (tx) => {
      // neither this PGlite nor test:pg's PostgreSQL has pg_net: the stand-in's schema serves
      await tx`alter schema net rename to net_elsewhere`;
      await assert.rejects(
        () => tx.savepoint((sp) => sp.unsafe(first.sql).simple()),
        (error: Error & { hint?: string }) => {
          assert.match(
            error.message,
            /neither the extension pg_net nor a schema net: the database calls Edge Functions/,
          );
          assert.match(error.hint ?? "", /local\/platform\/\*\.sql/);
          return true;
        },
      );
    });
  },
);

Deno.test(
  "migrations: duplicate versions and failing files are reported by name",
  dbTest,
  async () => {
    const dir = await Deno.makeTempDir();
    try {
      await Deno.writeTextFile(`${dir}/20990101000000_a.sql`, "select 1;");
      await Deno.writeTextFile(`${dir}/20990101000000_b.sql`, "select 1;");
      await assert.rejects(
        () => readMigrations(dir),
        /Two migrations share version 20990101000000: a and b/,
      );
      await Deno.remove(`${dir}/20990101000000_b.sql`);
      // the tree's own migrations come first, as the database's history has them
      for (const migration of await readMigrations()) {
        await Deno.writeTextFile(
          `${dir}/${migration.version}_${migration.name}.sql`,
          migration.sql,
        );
      }
      await Deno.writeTextFile(
        `${dir}/20990101000001_broken.sql`,
        "create table public.never_created (id int);\nselect nope;",
      );
      const { sql } = await testDatabase();
      try {
        await assert.rejects(
          () => applyMigrations(sql, { dir }),
          /Migration 20990101000001_broken.sql failed: column "nope" does not exist/,
        );
        // The good one is recorded, the broken one rolled back entirely.
        const versions = await appliedVersions(sql);
        assert.ok(versions.includes("20990101000000"));
        assert.ok(!versions.includes("20990101000001"));
        const [{ exists }] =
          await sql`select to_regclass('public.never_created') is not null as exists`;
        assert.equal(exists, false);
      } finally {
        await sql`delete from supabase_migrations.schema_migrations where version like '2099%'`;
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test("migrations: a database migrated from another history is refused with the fix", () => {
  const files = [
    { version: "20261129120000", name: "private_schema", sql: "" },
    { version: "20261129120100", name: "settings", sql: "" },
  ];
  checkHistory([{ version: "20261129120000", name: "private_schema" }], files);
  checkHistory([{ version: "20261129120000", name: null }], files);
  assert.throws(
    () =>
      checkHistory([
        { version: "20261129120000", name: "private_schema" },
        { version: "20261129120100", name: "cv_documents" },
        { version: "20261207110000", name: "feed_items" },
      ], files),
    /20261129120100_cv_documents, 20261207110000_feed_items are recorded but not in this tree.*rm -rf \.data\/pglite/,
  );
});
