/**
 * The vocabularies exist twice by necessity: once in TypeScript (shared/vocabulary.ts: the CV
 * schema, the provider parameters, the canonical job and the web page read them there) and as SQL
 * domains and checks (what a stored row may hold). This test holds the SQL copy to the
 * TypeScript one, value for value and in order.
 */
import assert from "node:assert/strict";
import {
  EMPLOYMENT_TYPES,
  INDUSTRIES,
  PROVIDERS,
  SALARY_PERIODS,
  SENIORITY_LEVELS,
  WORK_ARRANGEMENTS,
} from "../shared/vocabulary.ts";
import { dbTest, withRollback } from "./support/database.ts";

/** The quoted values of a CHECK (value IN (...)) or (column IN (...)) definition, in order. */
function quoted(definition: string): string[] {
  return [...definition.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1].replaceAll("''", "'"));
}

Deno.test(
  "vocabularies: each SQL domain and check lists exactly the TypeScript values",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const domains = await tx<{ name: string; definition: string }[]>`
      select t.typname as name, pg_get_constraintdef(c.oid) as definition
      from pg_catalog.pg_constraint c
      join pg_catalog.pg_type t on t.oid = c.contypid
      join pg_catalog.pg_namespace n on n.oid = t.typnamespace
      where n.nspname = 'public' and c.contype = 'c'`;
      const domain = (name: string) => {
        const found = domains.find((d) => d.name === name);
        assert.ok(found, `domain public.${name}`);
        return quoted(found.definition);
      };
      assert.deepEqual(domain("work_arrangement"), [...WORK_ARRANGEMENTS]);
      assert.deepEqual(domain("employment_type"), [...EMPLOYMENT_TYPES]);
      assert.deepEqual(domain("seniority_level"), [...SENIORITY_LEVELS]);
      assert.deepEqual(domain("industry"), [...INDUSTRIES]);

      const checks = await tx<{ name: string; definition: string }[]>`
      select c.conname as name, pg_get_constraintdef(c.oid) as definition
      from pg_catalog.pg_constraint c
      where c.conrelid in ('public.jobs'::regclass, 'public.job_sources'::regclass)
        and c.contype = 'c'`;
      const check = (column: string, table: string) => {
        const found = checks.find((c) => c.name === `${table}_${column}_check`);
        assert.ok(found, `check ${table}_${column}_check`);
        return quoted(found.definition);
      };
      assert.deepEqual(check("salary_period", "jobs"), [...SALARY_PERIODS]);
      assert.deepEqual(check("provider", "job_sources"), [...PROVIDERS]);
    });
  },
);
