/**
 * Who can do what: (anon, user A, user B, service role) × (every table and the cvs bucket) ×
 * (select, insert, update, delete), each against rows owned by A and by B.
 * A cell is "allowed" when the statement succeeds and touches a row; "denied" when Postgres
 * refuses (42501) or the row is invisible (0 rows). Any other error fails the test.
 */
import assert from "node:assert/strict";
import { dbTest, withRollback } from "./support/database.ts";
import { actAs, type Actor, createUser } from "./support/auth.ts";
import {
  insertCv,
  insertJobFor,
  insertQuery,
  insertStorageObject,
  markBackfilled,
} from "./support/fixtures.ts";
import type { TransactionSql } from "../shared/db/postgres.ts";

type Op = "select" | "insert" | "update" | "delete";
const ops: Op[] = ["select", "insert", "update", "delete"];
type Outcome = "allowed" | "denied";

interface Owned {
  user: string;
  cv: string;
  query: number;
  tracking: number;
  job: number;
  run: number;
  usage: number;
  /** The month of the owner's provider_budget_usage row (made for them, like runs). */
  month: string;
  /** A second job in the owner's feed, which the owner has hidden. */
  hiddenJob: number;
  /** The provider of the owner's provider_pauses row (made for them, like runs). */
  pausedProvider: string;
}

/** The statements of one table, aimed at rows that `o` owns (or that were made for `o`). */
type TableOps = Record<Op, (o: Owned, n: number) => string> & { setup?: string };

const tables: Record<string, TableOps> = {
  cv_documents: {
    select: (o) => `select 1 from public.cv_documents where id = '${o.cv}'`,
    insert: (o, n) =>
      `insert into public.cv_documents (user_id, storage_path, file_name)
       values ('${o.user}', '${o.user}/new-${n}.pdf', 'new.pdf') returning 1`,
    update: (o) =>
      `update public.cv_documents set status = 'failed', error = 'x' where id = '${o.cv}' returning 1`,
    delete: (o) => `delete from public.cv_documents where id = '${o.cv}' returning 1`,
  },
  user_search_queries: {
    select: (o) => `select 1 from public.user_search_queries where id = ${o.query}`,
    insert: (o) =>
      `insert into public.user_search_queries (user_id, cv_document_id, title_keyword, location)
       values ('${o.user}', '${o.cv}', 'qa engineer', 'hamburg') returning 1`,
    update: (o) =>
      `update public.user_search_queries set location = 'potsdam' where id = ${o.query} returning 1`,
    delete: (o) => `delete from public.user_search_queries where id = ${o.query} returning 1`,
  },
  backfill_tracking: {
    select: (o) => `select 1 from public.backfill_tracking where id = ${o.tracking}`,
    insert: (_o, n) =>
      `insert into public.backfill_tracking (title_keyword, location)
       values ('qa engineer', 'city ${n}') returning 1`,
    update: (o) =>
      `update public.backfill_tracking set jobs_found = 99 where id = ${o.tracking} returning 1`,
    delete: (o) => `delete from public.backfill_tracking where id = ${o.tracking} returning 1`,
  },
  jobs: {
    select: (o) => `select 1 from public.jobs where id = ${o.job}`,
    insert: (_o, n) =>
      `insert into public.jobs (fingerprint, title) values ('matrix-${n}', 'Tester') returning 1`,
    update: (o) => `update public.jobs set title = 'Changed' where id = ${o.job} returning 1`,
    delete: (o) => `delete from public.jobs where id = ${o.job} returning 1`,
  },
  job_sources: {
    select: (o) => `select 1 from public.job_sources where job_id = ${o.job}`,
    insert: (o, n) =>
      `insert into public.job_sources (job_id, provider, provider_job_id, raw)
       values (${o.job}, 'active_jobs_db', 'matrix-${n}', '{}') returning 1`,
    update: (o) =>
      `update public.job_sources set url = 'https://x.test' where job_id = ${o.job} returning 1`,
    delete: (o) => `delete from public.job_sources where job_id = ${o.job} returning 1`,
  },
  job_keys: {
    select: (o) => `select 1 from public.job_keys where job_id = ${o.job}`,
    insert: (o) =>
      `insert into public.job_keys (key, job_id) values (gen_random_uuid(), ${o.job}) returning 1`,
    update: (o) => `update public.job_keys set job_id = job_id where job_id = ${o.job} returning 1`,
    delete: (o) => `delete from public.job_keys where job_id = ${o.job} returning 1`,
  },
  combination_jobs: {
    select: (o) => `select 1 from public.combination_jobs where job_id = ${o.job}`,
    insert: (o) =>
      `insert into public.combination_jobs (combination_id, job_id)
       select id, ${o.job} from public.backfill_tracking where id <> ${o.tracking} limit 1
       returning 1`,
    update: (o) =>
      `update public.combination_jobs set last_found_at = now() where job_id = ${o.job} returning 1`,
    delete: (o) => `delete from public.combination_jobs where job_id = ${o.job} returning 1`,
  },
  backfill_requests: {
    select: (o) => `select 1 from public.backfill_requests where user_id = '${o.user}'`,
    insert: (o) =>
      `insert into public.backfill_requests (user_id, requested_by) values ('${o.user}', 'manual')
       returning 1`,
    update: (o) =>
      `update public.backfill_requests set attempts = 1 where user_id = '${o.user}' returning 1`,
    delete: (o) => `delete from public.backfill_requests where user_id = '${o.user}' returning 1`,
  },
  runs: {
    select: (o) => `select 1 from public.runs where id = ${o.run}`,
    insert: (o) =>
      `insert into public.runs (kind, user_id, triggered_by) values ('backfill', '${o.user}', 'test')
       returning 1`,
    update: (o) => `update public.runs set error = 'x' where id = ${o.run} returning 1`,
    delete: (o) => `delete from public.runs where id = ${o.run} returning 1`,
  },
  api_usage: {
    select: (o) => `select 1 from public.api_usage where id = ${o.usage}`,
    insert: (o) =>
      `insert into public.api_usage (run_id, provider, endpoint, outcome)
       values (${o.run}, 'jsearch', '/search', 'ok') returning 1`,
    update: (o) => `update public.api_usage set credits = 5 where id = ${o.usage} returning 1`,
    delete: (o) => `delete from public.api_usage where id = ${o.usage} returning 1`,
  },
  refresh_items: {
    select: (o) => `select 1 from public.refresh_items where run_id = ${o.run}`,
    insert: (o) =>
      `insert into public.refresh_items (run_id, combination_id, users)
       values (${o.run}, ${o.tracking}, 1)
       on conflict (run_id, combination_id) do update set users = 2 returning 1`,
    update: (o) => `update public.refresh_items set users = 3 where run_id = ${o.run} returning 1`,
    delete: (o) => `delete from public.refresh_items where run_id = ${o.run} returning 1`,
  },
  settings: {
    select: () => `select 1 from public.settings`,
    insert: () =>
      `insert into public.settings (id) values (true)
       on conflict (id) do update set jsearch_monthly_credits = 10 returning 1`,
    update: () => `update public.settings set jsearch_monthly_credits = 20 returning 1`,
    // the one row: only the service role gets past RLS, to the trigger that keeps the row
    delete: () => `delete from public.settings returning 1`,
  },
  llm_prices: {
    select: () => `select 1 from public.llm_prices where model = 'claude-sonnet-5-5'`,
    insert: (_o, n) =>
      `insert into public.llm_prices (model, usd_per_million_input, usd_per_million_output, source)
       values ('matrix-${n}', 1, 5, 'test') returning 1`,
    update: () =>
      `update public.llm_prices set usd_per_million_input = 3 where model = 'claude-sonnet-5-5'
       returning 1`,
    delete: () => `delete from public.llm_prices where model = 'claude-sonnet-5-5' returning 1`,
  },
  provider_budget_usage: {
    select: (o) => `select 1 from public.provider_budget_usage where month = '${o.month}'`,
    insert: (_o, n) =>
      `insert into public.provider_budget_usage (provider, month)
       values ('jsearch', date '1970-01-01' + ${n}) returning 1`,
    update: (o) =>
      `update public.provider_budget_usage set credits = 1 where month = '${o.month}' returning 1`,
    delete: (o) =>
      `delete from public.provider_budget_usage where month = '${o.month}' returning 1`,
  },
  fetch_cursors: {
    select: (o) => `select 1 from public.fetch_cursors where combination_id = ${o.tracking}`,
    insert: (o, n) =>
      `insert into public.fetch_cursors (combination_id, provider, purpose, owner, endpoint,
         params, window_since, window_until, next_page)
       values (${o.tracking}, 'jsearch', 'refresh', 'run:${n}', '/search', '{}', now(), now(), 1)
       returning 1`,
    update: (o) =>
      `update public.fetch_cursors set pages = 1 where combination_id = ${o.tracking} returning 1`,
    delete: (o) =>
      `delete from public.fetch_cursors where combination_id = ${o.tracking} returning 1`,
  },
  provider_pauses: {
    select: (o) => `select 1 from public.provider_pauses where provider = '${o.pausedProvider}'`,
    insert: (o) =>
      `insert into public.provider_pauses (provider, paused_until, outcome, reason)
       values ('${o.pausedProvider}', now(), 'http_error', 'x')
       on conflict (provider) do update set reason = 'y' returning 1`,
    update: (o) =>
      `update public.provider_pauses set reason = 'z' where provider = '${o.pausedProvider}'
       returning 1`,
    delete: (o) =>
      `delete from public.provider_pauses where provider = '${o.pausedProvider}' returning 1`,
  },
  feed_items: {
    select: (o) => `select 1 from public.feed_items where user_id = '${o.user}'`,
    insert: (o) =>
      `insert into public.feed_items (user_id, job_id, matched_title, matched_location, s_title,
         s_location, s_seniority, s_arrangement, s_employment, s_salary, recency, recency_until,
         covered, live_until, live)
       values ('${o.user}', ${o.hiddenJob}, 'x', 'y', 40, 15, 10, 10, 5, 5, 15, now(), true,
         now(), true)
       on conflict (user_id, job_id) do update set s_title = 0 returning 1`,
    update: (o) =>
      `update public.feed_items set s_title = 0 where user_id = '${o.user}' returning 1`,
    delete: (o) => `delete from public.feed_items where user_id = '${o.user}' returning 1`,
  },
  skills: {
    select: () => `select 1 from public.skills where skill = 'python'`,
    insert: (_o, n) =>
      `insert into public.skills (skill, label) values ('matrix ${n}', 'Matrix ${n}') returning 1`,
    update: () => `update public.skills set label = 'Py' where skill = 'python' returning 1`,
    delete: () => `delete from public.skills where skill = 'python' returning 1`,
  },
  skill_synonyms: {
    select: () => `select 1 from public.skill_synonyms where term = 'k8s'`,
    insert: (_o, n) =>
      `insert into public.skill_synonyms (term, skill) values ('matrix ${n}', 'python') returning 1`,
    update: () => `update public.skill_synonyms set in_text = false where term = 'k8s' returning 1`,
    delete: () => `delete from public.skill_synonyms where term = 'k8s' returning 1`,
  },
  user_skills: {
    select: (o) => `select 1 from public.user_skills where user_id = '${o.user}'`,
    insert: (o) =>
      `insert into public.user_skills (user_id, skill, kind, ordinal, as_written, cv_document_id)
       values ('${o.user}', 'sql', 'skill', 2, 'SQL', '${o.cv}')
       on conflict (user_id, skill) do update set ordinal = 3 returning 1`,
    update: (o) =>
      `update public.user_skills set ordinal = 5 where user_id = '${o.user}' returning 1`,
    delete: (o) => `delete from public.user_skills where user_id = '${o.user}' returning 1`,
  },
  job_skills: {
    select: (o) => `select 1 from public.job_skills where job_id = ${o.job}`,
    insert: (o) =>
      `insert into public.job_skills (job_id, skills, vocabulary_version)
       values (${o.hiddenJob}, '{python}', 1)
       on conflict (job_id) do update set skills = '{sql}' returning 1`,
    update: (o) =>
      `update public.job_skills set skills = '{sql}' where job_id = ${o.job} returning 1`,
    delete: (o) => `delete from public.job_skills where job_id = ${o.job} returning 1`,
  },
  hidden_jobs: {
    select: (o) => `select 1 from public.hidden_jobs where user_id = '${o.user}'`,
    insert: (o) =>
      `insert into public.hidden_jobs (user_id, job_id) values ('${o.user}', ${o.job}) returning 1`,
    update: (o) =>
      `update public.hidden_jobs set hidden_at = now() where user_id = '${o.user}' returning 1`,
    delete: (o) => `delete from public.hidden_jobs where user_id = '${o.user}' returning 1`,
  },
  hidden_companies: {
    select: (o) => `select 1 from public.hidden_companies where user_id = '${o.user}'`,
    insert: (o, n) =>
      `insert into public.hidden_companies (user_id, company) values ('${o.user}', 'Co ${n}')
       returning 1`,
    update: (o) =>
      `update public.hidden_companies set hidden_at = now() where user_id = '${o.user}' returning 1`,
    delete: (o) => `delete from public.hidden_companies where user_id = '${o.user}' returning 1`,
  },
  feed_visits: {
    select: (o) => `select 1 from public.feed_visits where user_id = '${o.user}'`,
    insert: (o) =>
      `insert into public.feed_visits (user_id) values ('${o.user}')
       on conflict (user_id) do update set last_visit_at = now() returning 1`,
    update: (o) =>
      `update public.feed_visits set last_visit_at = now() where user_id = '${o.user}' returning 1`,
    delete: (o) => `delete from public.feed_visits where user_id = '${o.user}' returning 1`,
  },
  digest_preferences: {
    select: (o) => `select 1 from public.digest_preferences where user_id = '${o.user}'`,
    insert: (o) =>
      `insert into public.digest_preferences (user_id, enabled) values ('${o.user}', true)
       on conflict (user_id) do update set max_jobs = 5 returning 1`,
    update: (o) =>
      `update public.digest_preferences set enabled = true where user_id = '${o.user}' returning 1`,
    delete: (o) => `delete from public.digest_preferences where user_id = '${o.user}' returning 1`,
  },
  digest_sends: {
    select: (o) => `select 1 from public.digest_sends where user_id = '${o.user}'`,
    insert: (o) =>
      `insert into public.digest_sends (user_id, local_date, jobs_since, jobs_until)
       values ('${o.user}', '1999-12-31', now(), now())
       on conflict (user_id, local_date) do update set error = 'x' returning 1`,
    update: (o) =>
      `update public.digest_sends set error = 'y' where user_id = '${o.user}' returning 1`,
    delete: (o) => `delete from public.digest_sends where user_id = '${o.user}' returning 1`,
  },
  "storage.objects (bucket cvs)": {
    setup: `select set_config('storage.allow_delete_query', 'true', true)`,
    select: (o) =>
      `select 1 from storage.objects where bucket_id = 'cvs' and name = '${o.user}/cv.pdf'`,
    insert: (o, n) =>
      `insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version)
       values ('cvs', '${o.user}/upload-${n}.pdf', '${o.user}', '${o.user}',
               '{"mimetype": "application/pdf"}', '1') returning 1`,
    update: (o) =>
      `update storage.objects set user_metadata = '{"note": "x"}'
       where bucket_id = 'cvs' and name = '${o.user}/cv.pdf' returning 1`,
    delete: (o) =>
      `delete from storage.objects where bucket_id = 'cvs' and name = '${o.user}/cv.pdf' returning 1`,
  },
  "storage.buckets": {
    setup: `select set_config('storage.allow_delete_query', 'true', true)`,
    select: () => `select 1 from storage.buckets where id = 'cvs'`,
    insert: (_o, n) =>
      `insert into storage.buckets (id, name) values ('b${n}', 'b${n}') returning 1`,
    update: () => `update storage.buckets set public = true where id = 'cvs' returning 1`,
    // an empty bucket: deleting cvs itself is refused by its objects' foreign key
    delete: () => `delete from storage.buckets where id = 'empty' returning 1`,
  },
};

/** What a signed-in user may do to rows of their own. Other users and anon: nothing. */
const ownerMay: Record<string, Op[]> = {
  cv_documents: ["select"],
  user_search_queries: ["select", "insert", "update", "delete"],
  backfill_tracking: [],
  jobs: ["select"],
  job_sources: [],
  job_keys: [],
  combination_jobs: [],
  backfill_requests: [],
  runs: [],
  api_usage: [],
  refresh_items: [],
  settings: [],
  llm_prices: [],
  provider_budget_usage: [],
  fetch_cursors: [],
  provider_pauses: [],
  feed_items: ["select"],
  skills: [],
  skill_synonyms: [],
  user_skills: ["select"],
  job_skills: [],
  hidden_jobs: ["select", "insert", "delete"],
  hidden_companies: ["select", "insert", "delete"],
  feed_visits: ["select"],
  digest_preferences: ["select", "insert", "update"],
  digest_sends: [],
  "storage.objects (bucket cvs)": ["select", "insert", "update", "delete"],
  "storage.buckets": [],
};

async function seedOwner(tx: TransactionSql, email: string, title: string): Promise<Owned> {
  const user = await createUser(tx, email);
  const cv = await insertCv(tx, user);
  await tx`insert into public.user_skills (user_id, skill, kind, ordinal, as_written, cv_document_id)
           values (${user}, 'python', 'skill', 1, 'Python', ${cv})`;
  const combination = { title_keyword: title, location: "berlin" };
  const query = await insertQuery(tx, user, combination, cv);
  const tracking = await markBackfilled(tx, combination, 1, 2);
  const job = await insertJobFor(tx, tracking, title);
  await insertStorageObject(tx, user, `${user}/cv.pdf`);
  const [run] = await tx<{ id: number }[]>`
    insert into public.runs (kind, user_id, triggered_by) values ('backfill', ${user}, 'test')
    returning id`;
  await tx`insert into public.backfill_requests (user_id, cv_document_id) values (${user}, ${cv})`;
  const [usage] = await tx<{ id: number }[]>`
    insert into public.api_usage (run_id, provider, endpoint, outcome, credits)
    values (${run.id}, 'jsearch', '/search', 'ok', 1) returning id`;
  await tx`insert into public.refresh_items (run_id, combination_id, users)
           values (${run.id}, ${tracking}, 1)`;
  const month = title === "data scientist" ? "1990-01-01" : "1991-01-01";
  await tx`insert into public.provider_budget_usage (provider, month) values ('jsearch', ${month})`;
  await tx`insert into public.fetch_cursors (combination_id, provider, purpose, owner, endpoint,
             params, window_since, window_until, next_page)
           values (${tracking}, 'jsearch', 'backfill', 'days:30', '/search', '{}', now(), now(), 1)`;
  const pausedProvider = title === "data scientist" ? "jsearch" : "active_jobs_db";
  await tx`insert into public.provider_pauses (provider, paused_until, outcome, reason)
           values (${pausedProvider}, now() + interval '1 hour', 'http_error', 'seeded')
           on conflict (provider) do nothing`;
  const hiddenJob = await insertJobFor(tx, tracking, `${title} (hidden)`);
  await tx`insert into public.hidden_jobs (user_id, job_id) values (${user}, ${hiddenJob})`;
  await tx`insert into public.hidden_companies (user_id, company) values (${user}, 'Seeded Co')`;
  await tx`insert into public.feed_visits (user_id) values (${user})`;
  await tx`insert into public.digest_preferences (user_id) values (${user})`;
  await tx`insert into public.digest_days (local_date, queued_by) values ('1999-12-31', 'test')
           on conflict (local_date) do nothing`;
  await tx`insert into public.digest_sends (user_id, local_date, jobs_since, jobs_until)
           values (${user}, '1999-12-31', now(), now())`;
  return {
    user,
    cv,
    query,
    tracking,
    job,
    run: run.id,
    usage: usage.id,
    month,
    hiddenJob,
    pausedProvider,
  };
}

class Done extends Error {
  constructor(readonly outcome: Outcome) {
    super(outcome);
  }
}

async function attempt(
  tx: TransactionSql,
  actor: Actor,
  statement: string,
  setup?: string,
): Promise<Outcome> {
  try {
    await tx.savepoint(async (sp) => {
      await actAs(sp, actor);
      if (setup) await sp.unsafe(setup);
      const rows = await sp.unsafe(statement);
      throw new Done(rows.length > 0 ? "allowed" : "denied");
    });
  } catch (error) {
    if (error instanceof Done) return error.outcome;
    if ((error as { code?: string }).code === "42501") return "denied";
    // past privileges and RLS, a row rule refused: settings_keep_row keeps public.settings' row
    if ((error as { code?: string }).code === "55000") return "allowed";
    throw new Error(`${actor.kind} ran «${statement}» and got: ${(error as Error).message}`);
  }
  throw new Error("unreachable");
}

Deno.test(
  "RLS matrix: anon, user A, user B, service role × every table and the bucket × CRUD",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const a = await seedOwner(tx, "a@example.com", "data scientist");
      const b = await seedOwner(tx, "b@example.com", "product manager");
      await tx`insert into storage.buckets (id, name) values ('empty', 'empty')`;
      const actors: [string, Actor][] = [
        ["anon", { kind: "anon" }],
        ["user A", { kind: "user", id: a.user }],
        ["user B", { kind: "user", id: b.user }],
        ["service_role", { kind: "service_role" }],
      ];
      const mismatches: string[] = [];
      let cells = 0;
      for (const [table, statements] of Object.entries(tables)) {
        for (const [ownerName, owner] of [["A", a], ["B", b]] as const) {
          for (const [actorName, actor] of actors) {
            for (const op of ops) {
              cells += 1;
              const expected: Outcome = actor.kind === "service_role" ||
                  (actor.kind === "user" && actor.id === owner.user && ownerMay[table].includes(op))
                ? "allowed"
                : "denied";
              const actual = await attempt(
                tx,
                actor,
                statements[op](owner, cells),
                statements.setup,
              );
              if (actual !== expected) {
                mismatches.push(
                  `${actorName} ${op} ${table} of ${ownerName}: ${actual}, expected ${expected}`,
                );
              }
            }
          }
        }
      }
      assert.equal(cells, Object.keys(tables).length * 2 * 4 * 4);
      assert.deepEqual(mismatches, []);
    });
  },
);

Deno.test(
  "RLS: every public table has row level security; anon holds no privilege, users no service function",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const tablesWithoutRls = await tx`
      select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relrowsecurity`;
      assert.deepEqual(tablesWithoutRls.map((r) => r.relname), []);
      const anonPrivileges = await tx`
      select c.relname, p.privilege
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      cross join unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) as p(privilege)
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm')
        and has_table_privilege('anon', c.oid, p.privilege)`;
      assert.deepEqual(anonPrivileges.map((r) => `${r.relname}:${r.privilege}`), []);
      const sequencePrivileges = await tx`
        select r.rolname, c.relname, p.privilege
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        cross join unnest(array['USAGE', 'SELECT', 'UPDATE']) as p(privilege)
        cross join (values ('anon'), ('authenticated')) as r(rolname)
        where n.nspname = 'public' and c.relkind = 'S'
          and has_sequence_privilege(r.rolname, c.oid, p.privilege)`;
      assert.deepEqual(
        sequencePrivileges.map((r) => `${r.rolname}:${r.relname}:${r.privilege}`),
        [],
      );
      // the analytics views are the service role's too
      const readableViews = await tx`
        select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'v'
          and has_table_privilege('authenticated', c.oid, 'SELECT')`;
      assert.deepEqual(readableViews.map((r) => r.relname), []);
      // every service function (claims, refresh, budgets, sweeps) is the service role's only;
      // users may run just what their own rows' checks, defaults and policies need
      const executable = await tx`
        select r.rolname || ' ' || n.nspname || '.' || p.proname as grant
        from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        cross join (values ('anon'), ('authenticated')) as r(rolname)
        where n.nspname in ('public', 'private')
          and has_function_privilege(r.rolname, p.oid, 'EXECUTE')
        order by 1`;
      assert.deepEqual(executable.map((r) => r.grant), [
        "authenticated private.age_phrase",
        "authenticated private.combination_key",
        "authenticated private.feed_live_until",
        "authenticated private.feed_new_since",
        "authenticated private.feed_percent",
        "authenticated private.feed_reason",
        "authenticated private.feed_recency",
        "authenticated private.feed_stale_after_days",
        "authenticated private.is_normalized_label",
        "authenticated private.my_new_search_allowance",
        "authenticated private.normalize_label",
        "authenticated private.search_states",
        "authenticated private.shown_label",
        "authenticated private.skill_label_map",
        "authenticated private.touch_updated_at",
        "authenticated private.uuid_or_null",
        "authenticated public.delete_my_cv",
        "authenticated public.job_feed",
        "authenticated public.mark_feed_visited",
      ]);
    });
  },
);

Deno.test("RLS: a user's feed follows their active queries, and only theirs", dbTest, async () => {
  await withRollback(async (tx) => {
    const a = await seedOwner(tx, "a@example.com", "data scientist");
    const b = await seedOwner(tx, "b@example.com", "product manager");
    const visibleJobs = async (user: string) => {
      return await tx.savepoint(async (sp) => {
        await actAs(sp, { kind: "user", id: user });
        const rows = await sp<{ id: number }[]>`select id from public.jobs order by id`;
        return rows.map((r) => r.id);
      });
    };
    // (a hidden job is hidden from the ranked feed, not from the jobs table's RLS)
    assert.deepEqual(await visibleJobs(a.user), [a.job, a.hiddenJob]);
    assert.deepEqual(await visibleJobs(b.user), [b.job, b.hiddenJob]);

    // B adds A's search: the shared combination's jobs appear in B's feed without a new fetch.
    await insertQuery(tx, b.user, { title_keyword: "data scientist", location: "berlin" });
    assert.deepEqual(await visibleJobs(b.user), [a.job, a.hiddenJob, b.job, b.hiddenJob]);

    // B deactivates it again: gone from B's feed, still in A's.
    await tx`update public.user_search_queries set is_active = false, deactivated_at = now()
             where user_id = ${b.user} and title_keyword = 'data scientist'`;
    assert.deepEqual(await visibleJobs(b.user), [b.job, b.hiddenJob]);
    assert.deepEqual(await visibleJobs(a.user), [a.job, a.hiddenJob]);
  });
});

Deno.test(
  "RLS: a user cannot attach a query to someone else's CV, nor call the service functions",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const a = await seedOwner(tx, "a@example.com", "data scientist");
      const b = await seedOwner(tx, "b@example.com", "product manager");
      const asB: Actor = { kind: "user", id: b.user };
      assert.equal(
        await attempt(
          tx,
          asB,
          `insert into public.user_search_queries (user_id, cv_document_id, title_keyword, location)
         values ('${b.user}', '${a.cv}', 'qa engineer', 'hamburg') returning 1`,
        ),
        "denied",
      );
      for (
        const call of [
          `select count(*) from public.get_unbacked_combinations_for_user('${a.user}')`,
          `select public.is_combination_backfilled('data scientist', 'berlin')`,
          `select public.mark_combination_backfilled('data scientist', 'berlin')`,
        ]
      ) {
        assert.equal(await attempt(tx, asB, call), "denied", call);
        assert.equal(await attempt(tx, { kind: "anon" }, call), "denied", call);
        assert.equal(await attempt(tx, { kind: "service_role" }, call), "allowed", call);
      }
    });
  },
);

Deno.test(
  "RLS: a user cannot move their query to another owner or CV, nor their file into another folder",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const a = await seedOwner(tx, "a@example.com", "data scientist");
      const b = await seedOwner(tx, "b@example.com", "product manager");
      const asA: Actor = { kind: "user", id: a.user };
      for (
        const change of [
          `user_id = '${b.user}'`,
          `cv_document_id = '${b.cv}'`,
          `cv_document_id = null`,
        ]
      ) {
        assert.equal(
          await attempt(
            tx,
            asA,
            `update public.user_search_queries set ${change} where id = ${a.query} returning 1`,
          ),
          "denied",
          change,
        );
      }
      assert.equal(
        await attempt(
          tx,
          asA,
          `update storage.objects set name = '${b.user}/moved.pdf'
           where bucket_id = 'cvs' and name = '${a.user}/cv.pdf' returning 1`,
        ),
        "denied",
      );
      // Moving within the own folder is fine.
      assert.equal(
        await attempt(
          tx,
          asA,
          `update storage.objects set name = '${a.user}/renamed.pdf'
           where bucket_id = 'cvs' and name = '${a.user}/cv.pdf' returning 1`,
        ),
        "allowed",
      );
    });
  },
);
