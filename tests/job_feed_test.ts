/**
 * The user's feed in SQL (`public.job_feed`), called as the user the way supabase-js would:
 * ranked against the CV profile and explained, one row per job, expired and hidden jobs left out,
 * "new since my last visit", and nobody else's jobs.
 */
import assert from "node:assert/strict";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { actAs, actAsOwner, createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertCv, insertJobFor, insertQuery, markBackfilled } from "./support/fixtures.ts";

async function userWithProfile(tx: TransactionSql, email: string) {
  const user = await createUser(tx, email);
  const cv = await insertCv(tx, user);
  await tx`
    update public.cv_documents set status = 'parsed', parsed_at = now(), profile = ${
    tx.json({
      is_cv: true,
      job_titles: [{ title: "Data Engineer", seniority: "2-5", fit: "primary" }],
      locations: [{ place: "Berlin", preference: "preferred" }],
      work_arrangements: ["Hybrid"],
      employment_types: ["FULL_TIME"],
      skills: ["Python", "SQL", "Apache Spark"],
      languages: [],
    })
  } where id = ${cv}`;
  return { user, cv };
}

async function job(
  tx: TransactionSql,
  combination: number,
  fields: {
    title: string;
    city?: string;
    company?: string;
    postedDaysAgo?: number;
    seniority?: string;
    arrangement?: string;
    salary?: boolean;
    expired?: boolean;
    description?: string;
  },
) {
  const id = await insertJobFor(tx, combination, fields.title);
  await tx`
    update public.jobs set
      location_city = ${fields.city ?? "Berlin"},
      company = ${fields.company ?? "Acme GmbH"},
      posted_at = now() - ${`${fields.postedDaysAgo ?? 1} days`}::interval - interval '1 hour',
      seniority = ${fields.seniority ?? null},
      work_arrangement = ${fields.arrangement ?? null},
      employment_type = 'FULL_TIME',
      salary_min = ${fields.salary ? 60000 : null}, salary_max = ${fields.salary ? 80000 : null},
      salary_currency = ${fields.salary ? "EUR" : null}, salary_period = ${
    fields.salary ? "YEAR" : null
  },
      valid_through = ${fields.expired ? "2020-01-01T00:00:00Z" : null},
      description = ${fields.description ?? null}
    where id = ${id}`;
  return id;
}

async function feedOf(tx: TransactionSql, user: string, args = "") {
  return await tx.savepoint(async (sp) => {
    await actAs(sp, { kind: "user", id: user });
    const rows = await sp.unsafe(`select * from public.job_feed(${args})`);
    await actAsOwner(sp);
    return rows;
  });
}

Deno.test(
  "feed: ranked against the CV, explained, one row per job, expired jobs hidden",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const { user, cv } = await userWithProfile(tx, "ana@example.com");
      await insertQuery(tx, user, { title_keyword: "data engineer", location: "berlin" }, cv);
      await insertQuery(tx, user, { title_keyword: "data analyst", location: "berlin" }, cv);
      const engineer = await markBackfilled(tx, {
        title_keyword: "data engineer",
        location: "berlin",
      });
      const analyst = await markBackfilled(tx, {
        title_keyword: "data analyst",
        location: "berlin",
      });

      const best = await job(tx, engineer, {
        title: "Senior Data Engineer (m/w/d)",
        postedDaysAgo: 0,
        seniority: "2-5",
        arrangement: "Hybrid",
        salary: true,
        description: "You build pipelines in Python and SQL, on Spark.",
      });
      const older = await job(tx, engineer, { title: "Data Engineer", postedDaysAgo: 20 });
      const elsewhere = await job(tx, engineer, {
        title: "Data Engineer",
        city: "Hamburg",
        postedDaysAgo: 0,
      });
      const loose = await job(tx, analyst, { title: "Analyst, Data Platform", postedDaysAgo: 2 });
      const expired = await job(tx, engineer, { title: "Data Engineer", expired: true });
      // the same job found by both of the user's searches
      await tx`insert into public.combination_jobs (combination_id, job_id) values (${analyst}, ${best})`;

      const feed = await feedOf(tx, user);
      const ids = feed.map((r) => Number(r.job_id));
      assert.equal(new Set(ids).size, ids.length, "one row per job");
      assert.ok(!ids.includes(expired), "expired jobs are left out");
      assert.equal(ids[0], best, "title, place, level, arrangement, today and salary rank first");
      assert.equal(feed[0].score, 100, "every part full: the job asks for all the CV's skills");
      assert.equal(
        feed[0].reason,
        "matches Data Engineer · Berlin · Python, SQL, Apache Spark · your level · Hybrid · " +
          "posted today · salary listed",
      );
      assert.deepEqual(feed[0].matched_skills, ["Python", "SQL", "Apache Spark"], "the CV's order");
      assert.deepEqual(feed[0].missing_skills, []);
      assert.equal(feed[0].matched_title, "data engineer", "the better of its two searches");
      const rank = (id: number) => ids.indexOf(id);
      assert.ok(
        rank(older) < rank(elsewhere) || feed[rank(older)].score >= feed[rank(elsewhere)].score,
      );
      assert.ok(feed[rank(elsewhere)].score < feed[0].score);
      assert.doesNotMatch(
        feed[rank(elsewhere)].reason,
        /Berlin/,
        "Hamburg is not the search's place",
      );
      assert.match(feed[rank(older)].reason, /posted 20 days ago/);
      assert.match(feed[rank(loose)].reason, /^close to Data Analyst · Berlin/);
      assert.ok(feed[rank(loose)].score < feed[rank(older)].score + 40);

      const filtered = await feedOf(tx, user, "p_work_arrangement => 'Hybrid'");
      assert.deepEqual(filtered.map((r) => Number(r.job_id)), [best]);
      const searched = await feedOf(tx, user, "p_search => 'platform'");
      assert.deepEqual(searched.map((r) => Number(r.job_id)), [loose]);
    });
  },
);

Deno.test(
  "feed: hidden jobs and companies do not come back; new since the last visit",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const { user, cv } = await userWithProfile(tx, "ben@example.com");
      await insertQuery(tx, user, { title_keyword: "data engineer", location: "berlin" }, cv);
      const combo = await markBackfilled(tx, {
        title_keyword: "data engineer",
        location: "berlin",
      });
      const a = await job(tx, combo, { title: "Data Engineer", company: "Zalando SE" });
      const b = await job(tx, combo, { title: "Data Engineer", company: "Delivery Hero SE" });
      const c = await job(tx, combo, { title: "Data Engineer", company: "Delivery Hero SE" });
      await tx`update public.jobs set first_seen_at = now() - interval '3 days' where id in (${a}, ${b}, ${c})`;

      await tx.savepoint(async (sp) => {
        await actAs(sp, { kind: "user", id: user });
        await sp`insert into public.hidden_jobs (job_id) values (${a})`;
        await sp`insert into public.hidden_companies (company) values (' delivery hero se ')`;
        await actAsOwner(sp);
      });
      assert.equal((await feedOf(tx, user)).length, 0, "the job and the company are hidden");

      const d = await job(tx, combo, { title: "Data Engineer", company: "Trivago N.V." });
      // d entered the feed two days ago
      await tx`update public.feed_items set listed_at = now() - interval '2 days' where job_id = ${d}`;
      const visit = async () =>
        await tx.savepoint(async (sp) => {
          await actAs(sp, { kind: "user", id: user });
          const [{ mark }] = await sp`select public.mark_feed_visited() as mark`;
          await actAsOwner(sp);
          return mark;
        });
      assert.equal(
        (await feedOf(tx, user, "p_only_new => true")).length,
        0,
        "before any visit nothing is new",
      );
      assert.equal(await visit(), null, "a first visit has no mark");
      assert.equal(
        (await feedOf(tx, user, "p_only_new => true")).length,
        0,
        "on a first visit nothing is new: everything would be",
      );
      assert.ok((await feedOf(tx, user)).every((r) => !r.is_new), "no card says New");
      const late = await job(tx, combo, { title: "Data Engineer", company: "Zalando SE" });
      assert.equal(await visit(), null, "reading again within the visit keeps the mark");
      assert.equal(
        (await feedOf(tx, user, "p_only_new => true")).length,
        0,
        "what arrives during a first visit is not new either",
      );
      // the first visit ended yesterday
      await tx`update public.feed_visits set last_visit_at = now() - interval '1 day'`;
      assert.ok(await visit(), "the second visit marks the end of the first");
      await tx`update public.feed_items set listed_at = now() - interval '2 days'
               where job_id = ${late}`;
      assert.equal(
        (await feedOf(tx, user, "p_only_new => true")).length,
        0,
        "nothing new since yesterday",
      );
      const e = await job(tx, combo, { title: "Data Engineer", company: "SAP SE" });
      assert.deepEqual(
        (await feedOf(tx, user, "p_only_new => true")).map((r) => Number(r.job_id)),
        [e],
      );
      const [row] = (await feedOf(tx, user)).filter((r) => Number(r.job_id) === e);
      assert.equal(row.is_new, true);
    });
  },
);

Deno.test(
  "feed: a user sees only their own jobs, and cannot hide for someone else",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const ana = await userWithProfile(tx, "ana@example.com");
      const ben = await userWithProfile(tx, "ben@example.com");
      await insertQuery(
        tx,
        ana.user,
        { title_keyword: "data engineer", location: "berlin" },
        ana.cv,
      );
      await insertQuery(tx, ben.user, { title_keyword: "nurse", location: "munich" }, ben.cv);
      const anas = await markBackfilled(tx, { title_keyword: "data engineer", location: "berlin" });
      const bens = await markBackfilled(tx, { title_keyword: "nurse", location: "munich" });
      const anaJob = await job(tx, anas, { title: "Data Engineer" });
      const benJob = await job(tx, bens, { title: "Nurse", city: "Munich" });
      assert.deepEqual((await feedOf(tx, ana.user)).map((r) => Number(r.job_id)), [anaJob]);
      assert.deepEqual((await feedOf(tx, ben.user)).map((r) => Number(r.job_id)), [benJob]);
      await assert.rejects(
        () =>
          tx.savepoint(async (sp) => {
            await actAs(sp, { kind: "user", id: ben.user });
            await sp`insert into public.hidden_jobs (user_id, job_id) values (${ana.user}, ${anaJob})`;
          }),
        /permission denied|row-level security/,
      );
      await assert.rejects(
        () =>
          tx.savepoint(async (sp) => {
            await actAs(sp, { kind: "anon" });
            await sp`select * from public.job_feed()`;
          }),
        /permission denied/,
      );
    });
  },
);
