/**
 * The bench's skills-sweep rows (`bench/skills_sweep.ts`), on a small store: a pass over the
 * stored ads for a new skill writes a small part of the WAL that rewriting every `job_skills`
 * row writes (only the ads that name it change).
 */
import assert from "node:assert/strict";
import { benchSkillsSweep } from "../bench/skills_sweep.ts";
import { dbTest, testDatabase } from "./support/database.ts";

Deno.test(
  "bench skills-sweep: its rows; the pass writes a fraction of a rewrite",
  dbTest,
  async () => {
    const { sql, url, embedded } = await testDatabase();
    const rows = await benchSkillsSweep({ sql, url, embedded }, 3_000);
    assert.deepEqual(rows.map((r) => [r.name, r.unit]), [
      ["skills-sweep pass at 3k stored ads, one new skill (vs rewriting every row)", "ms"],
      ["skills-sweep pass's WAL at 3k stored ads (vs rewriting every row)", "kB"],
    ]);
    for (const r of rows) assert.ok(r.value > 0 && r.baseline > 0, r.name);
    // measured at 100k on PostgreSQL 15: 723 kB against 33,028 (0.02)
    assert.ok(rows[1].ratio < 0.25, `WAL ${rows[1].value} kB vs ${rows[1].baseline} kB`);
  },
);
