/**
 * The feed kept as rows (`public.feed_items`): whoever writes (the store, a user, a bulk insert
 * in the SQL editor), the feed equals the scoring of every candidate from scratch; closed,
 * expired and stale jobs leave it and stay stored; reposts and returning jobs are not new;
 * between sweeps the order is exact.
 */
import assert from "node:assert/strict";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { storeJobs } from "../shared/jobs/store.ts";
import { actAs, actAsOwner, createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertCv, insertJobFor, insertQuery, markBackfilled } from "./support/fixtures.ts";
import { canonicalJob } from "./support/jobs.ts";

const PROFILE = {
  is_cv: true,
  job_titles: [{ title: "Data Engineer", seniority: "2-5", fit: "primary" }],
  locations: [{ place: "Berlin", preference: "preferred" }],
  work_arrangements: ["Hybrid"],
  employment_types: ["FULL_TIME"],
  skills: ["Python", "SQL", "Apache Spark"],
  languages: ["English"],
};

async function parsedCv(tx: TransactionSql, user: string, profile = PROFILE) {
  const cv = await insertCv(tx, user, `${crypto.randomUUID()}.pdf`);
  // the newest CV is the one whose profile counts: each is newer than the last
  await tx`update public.cv_documents set status = 'parsed', parsed_at = now(),
             created_at = clock_timestamp(), profile = ${tx.json(profile)} where id = ${cv}`;
  return cv;
}

/** A user with a parsed CV and one search, its combination backfilled. */
async function searcher(tx: TransactionSql, email: string, title = "data engineer") {
  const user = await createUser(tx, email);
  const cv = await parsedCv(tx, user);
  const search = { title_keyword: title, location: "berlin" };
  const query = await insertQuery(tx, user, search, cv);
  const combination = await markBackfilled(tx, search);
  return { user, cv, query, combination };
}

type Row = {
  job_id: number;
  score: number;
  reason: string;
  is_new: boolean;
  matched_title: string;
};

async function feedOf(tx: TransactionSql, user: string, args = "200, 0"): Promise<Row[]> {
  return await tx.savepoint(async (sp) => {
    await actAs(sp, { kind: "user", id: user });
    const rows = await sp.unsafe<Row[]>(`select * from public.job_feed(${args})`);
    await actAsOwner(sp);
    return rows.map((r) => ({ ...r, job_id: Number(r.job_id) }));
  });
}

const ids = (rows: Row[]) => rows.map((r) => r.job_id);

async function visit(tx: TransactionSql, user: string) {
  await tx.savepoint(async (sp) => {
    await actAs(sp, { kind: "user", id: user });
    await sp`select public.mark_feed_visited()`;
    await actAsOwner(sp);
  });
}

/**
 * The feed computed from scratch, as job_feed computed it before feed_items: every job an active
 * search of the user found, current, not hidden, scored against the newest parsed CV, the best
 * search per job.
 */
async function fromScratch(tx: TransactionSql, user: string) {
  const rows = await tx<{ job_id: string; score: number; matched_title: string }[]>`
    with wants as (
      select w.*,
        coalesce(array_agg(private.canonical_skill(c.as_written) order by c.ordinal)
                   filter (where c.kind = 'skill'), '{}') as skills,
        coalesce(array_agg(private.canonical_skill(c.as_written) order by c.ordinal)
                   filter (where c.kind = 'language'), '{}') as languages
      from private.feed_wants(${user}::uuid) w
      left join lateral private.cv_skills((
        select d.profile from public.cv_documents d
        where d.user_id = ${user} and d.status = 'parsed' and d.profile is not null
        order by d.created_at desc limit 1)) c on true
      group by w.levels, w.arrangements, w.employment
    ),
    candidates as (
      select j.*, q.title_keyword, q.location as search_location, q.id as query_id
      from public.user_search_queries q
      join public.backfill_tracking bt on bt.combination_key = q.combination_key
      join public.combination_jobs cj on cj.combination_id = bt.id
      join public.jobs j on j.id = cj.job_id
      cross join public.settings st
      where q.user_id = ${user} and q.is_active
        and private.feed_live_until(j.valid_through, j.expired_at, j.last_seen_at,
                                    st.feed_stale_after_days) > now()
        and not exists (select 1 from public.hidden_jobs h
                        where h.user_id = ${user} and h.job_id = j.id)
        and not exists (select 1 from public.hidden_companies hc
                        where hc.user_id = ${user} and hc.company_key = lower(btrim(j.company)))
    ),
    best as (
      select distinct on (c.id) c.id, c.posted_at, c.title_keyword,
        s.s_title + s.s_location + s.s_seniority + s.s_arrangement + s.s_employment
          + s.s_salary + k.s_skills + r.points as total
      from candidates c cross join wants w
      cross join lateral private.feed_score(c.title, c.location_city, c.location_raw,
        c.work_arrangement, c.employment_type, c.seniority, c.salary_min, c.salary_max,
        c.title_keyword, c.search_location, w.levels, w.arrangements, w.employment) s
      cross join lateral private.feed_skills(w.skills, w.languages,
        private.find_skills(private.job_skill_text(c.title, c.description))) k
      cross join lateral private.feed_recency(c.posted_at, now()) r
      order by c.id, s.s_title + s.s_location desc, c.query_id
    )
    select b.id as job_id, private.feed_percent(b.total::integer) as score,
      b.title_keyword as matched_title
    from best b order by b.total desc, b.posted_at desc nulls last, b.id`;
  return rows.map((r) => ({ ...r, job_id: Number(r.job_id) }));
}

async function assertFeedIsFromScratch(tx: TransactionSql, user: string, step: string) {
  const feed = (await feedOf(tx, user)).map((r) => ({
    job_id: r.job_id,
    score: r.score,
    matched_title: r.matched_title,
  }));
  assert.deepEqual(feed, await fromScratch(tx, user), `after ${step}`);
}

Deno.test(
  "feed: closed, expired and stale jobs leave the feed and stay stored; a job seen again returns",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const { user, combination } = await searcher(tx, "fresh@example.com");
      const job = (title: string) => insertJobFor(tx, combination, title);
      const current = await job("Data Engineer");
      const closed = await job("Data Engineer (closed)");
      const expired = await job("Data Engineer (expired)");
      const stale = await job("Data Engineer (stale)");
      const aging = await job("Data Engineer (aging)");
      await tx`update public.jobs set valid_through = now() - interval '1 hour' where id = ${closed}`;
      await tx`update public.jobs set expired_at = now() where id = ${expired}`;
      await tx`update public.jobs set last_seen_at = now() - interval '31 days' where id = ${stale}`;
      await tx`update public.jobs set last_seen_at = now() - interval '25 days' where id = ${aging}`;
      assert.deepEqual(new Set(ids(await feedOf(tx, user))), new Set([current, aging]));
      const [{ stored }] = await tx`
        select count(*)::int as stored from public.jobs
        where id in (${current}, ${closed}, ${expired}, ${stale}, ${aging})`;
      assert.equal(stored, 5, "they stay in the store");

      await tx`update public.settings set feed_stale_after_days = 20`;
      assert.deepEqual(ids(await feedOf(tx, user)), [current], "20 days: aging leaves too");
      await tx`update public.settings set feed_stale_after_days = 40`;
      assert.deepEqual(new Set(ids(await feedOf(tx, user))), new Set([current, aging, stale]));
      await tx`update public.settings set feed_stale_after_days = 30`;

      // a provider lists the stale job again: it is back, and not new (it was listed before)
      await tx`update public.feed_items set listed_at = now() - interval '40 days'
               where job_id = ${stale}`;
      await visit(tx, user);
      await tx`update public.feed_visits set last_visit_at = now() - interval '1 day'`;
      await visit(tx, user);
      await tx`update public.jobs set last_seen_at = now() where id = ${stale}`;
      const back = (await feedOf(tx, user)).find((r) => r.job_id === stale);
      assert.ok(back, "seen again: back in the feed");
      assert.equal(back.is_new, false, "not new: it was in the feed before");
      await assertFeedIsFromScratch(tx, user, "expiry and staleness");
    });
  },
);

Deno.test(
  "feed: a repost the store merges into a job the user has seen is not new; a new posting is",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const { user, combination } = await searcher(tx, "repost@example.com");
      const posting = canonicalJob({
        title: "Data Engineer",
        company: "Repost GmbH",
        applyUrl: "https://repost.example/jobs/1",
        postedAt: new Date(Date.now() - 3 * 86400_000),
      });
      await storeJobs(tx, [posting], { combinationId: combination });
      const [seen] = ids(await feedOf(tx, user));
      assert.ok(seen, "the first posting is in the feed");
      // it entered the feed two days ago; the user's visit ended yesterday
      await tx`update public.feed_items set listed_at = now() - interval '2 days'`;
      await visit(tx, user);
      await tx`update public.feed_visits set last_visit_at = now() - interval '1 day'`;
      await visit(tx, user);

      // the other provider's copy of it, reposted today, and a posting nobody had seen
      const repost = canonicalJob({
        provider: "active_jobs_db",
        title: "Data Engineer",
        company: "Repost GmbH",
        applyUrl: "https://repost.example/jobs/1",
        postedAt: new Date(),
      });
      const fresh = canonicalJob({
        title: "Data Engineer",
        company: "Fresh AG",
        applyUrl: "https://fresh.example/jobs/9",
      });
      const stats = await storeJobs(tx, [repost, fresh], { combinationId: combination });
      assert.equal(stats.newJobs, 1, "the repost joined the stored job");
      const feed = await feedOf(tx, user);
      assert.equal(feed.length, 2);
      assert.equal(feed.find((r) => r.job_id === seen)?.is_new, false, "the repost is not new");
      assert.equal(feed.find((r) => r.job_id !== seen)?.is_new, true, "the new posting is");
      const onlyNew = await feedOf(tx, user, "p_only_new => true");
      assert.deepEqual(ids(onlyNew), feed.filter((r) => r.job_id !== seen).map((r) => r.job_id));
    });
  },
);

Deno.test(
  "feed: rows written by plain SQL, as a bulk import in the SQL editor, are in the feed",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const { user, combination } = await searcher(tx, "bulk@example.com");
      await tx`
        with stored as (
          insert into public.jobs (fingerprint, title, company, location_city, location_country,
            work_arrangement, seniority, posted_at, description)
          select 'bulk-' || g, (array['Data Engineer', 'Senior Data Engineer', 'Data Analyst'])
              [1 + g % 3], 'Bulk ' || g, (array['Berlin', 'Hamburg'])[1 + g % 2], 'DE',
            (array['Hybrid', 'On-site', null])[1 + g % 3]::public.work_arrangement,
            (array['2-5', '5-10', null])[1 + g % 3]::public.seniority_level,
            now() - g * interval '7 hours',
            (array['Python and SQL, in English.', 'Apache Spark.', null])[1 + g % 5 % 3]
          from generate_series(1, 120) g
          returning id
        )
        insert into public.combination_jobs (combination_id, job_id)
        select ${combination}, id from stored`;
      assert.equal((await feedOf(tx, user)).length, 120);
      await assertFeedIsFromScratch(tx, user, "a bulk insert");

      // a search written in SQL for a combination another user's search already filled
      const other = await createUser(tx, "bulk-other@example.com");
      await tx`insert into public.user_search_queries (user_id, title_keyword, location)
               values (${other}, 'data engineer', 'berlin')`;
      assert.equal((await feedOf(tx, other)).length, 120, "no CV: scored without a profile");
      await assertFeedIsFromScratch(tx, other, "a search inserted in SQL");

      await tx`delete from public.combination_jobs
               where job_id in (select id from public.jobs where fingerprint like 'bulk-%'
                                and company like '%0')`;
      assert.equal((await feedOf(tx, user)).length, 108, "links deleted in bulk");
      await tx`update public.jobs set title = 'Accountant' where fingerprint = 'bulk-1'`;
      await tx`update public.jobs set description = 'Spark, Python and SQL'
               where fingerprint = 'bulk-2'`;
      await assertFeedIsFromScratch(tx, user, "a bulk delete and edited jobs");
    });
  },
);

Deno.test(
  "feed: a user's edits (search off and on, edited, removed; a newer CV) are in the feed at once",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const { user, query, combination } = await searcher(tx, "edits@example.com");
      const analyst = { title_keyword: "data analyst", location: "berlin" };
      const analystCombination = await markBackfilled(tx, analyst);
      const engineerJob = await insertJobFor(tx, combination, "Data Engineer");
      const analystJob = await insertJobFor(tx, analystCombination, "Data Analyst");
      await tx`update public.jobs set seniority = '5-10' where id in (${engineerJob}, ${analystJob})`;
      assert.deepEqual(ids(await feedOf(tx, user)), [engineerJob]);

      const asUser = async (statement: string) =>
        await tx.savepoint(async (sp) => {
          await actAs(sp, { kind: "user", id: user });
          await sp.unsafe(statement);
          await actAsOwner(sp);
        });
      await asUser(`update public.user_search_queries set is_active = false,
                    deactivated_at = now() where id = ${query}`);
      assert.deepEqual(ids(await feedOf(tx, user)), [], "switched off");
      await asUser(`update public.user_search_queries set is_active = true,
                    deactivated_at = null where id = ${query}`);
      assert.deepEqual(ids(await feedOf(tx, user)), [engineerJob], "switched on again");
      await asUser(`update public.user_search_queries set title_keyword = 'data analyst'
                    where id = ${query}`);
      assert.deepEqual(ids(await feedOf(tx, user)), [analystJob], "edited to another title");
      await assertFeedIsFromScratch(tx, user, "an edited search");

      // a newer CV names the job's level: the score and the reason change
      const before = (await feedOf(tx, user))[0];
      assert.doesNotMatch(before.reason, /your level/);
      await parsedCv(tx, user, {
        ...PROFILE,
        job_titles: [{ title: "x", seniority: "5-10", fit: "primary" }],
      });
      const after = (await feedOf(tx, user))[0];
      assert.match(after.reason, /your level/);
      const [item] = await tx<{ s_seniority: number }[]>`
        select s_seniority from public.feed_items where user_id = ${user} and job_id = ${analystJob}`;
      assert.equal(item.s_seniority, 10, "a neighbouring level (5) became the level (10)");
      assert.ok(after.score > before.score);
      await assertFeedIsFromScratch(tx, user, "a newer CV");

      await asUser(`delete from public.user_search_queries where id = ${query}`);
      assert.deepEqual(ids(await feedOf(tx, user)), [], "removed");
    });
  },
);

Deno.test(
  "feed: between sweeps the order and scores are exact; the sweep moves what time changed",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const { user, combination } = await searcher(tx, "sweep@example.com");
      const fiveDays = await insertJobFor(tx, combination, "Data Engineer");
      const twoDays = await insertJobFor(tx, combination, "Data Engineer");
      const ending = await insertJobFor(tx, combination, "Data Engineer");
      await tx`update public.jobs set posted_at = now() - interval '5 days' where id = ${fiveDays}`;
      await tx`update public.jobs set posted_at = now() - interval '2 days'
               where id in (${twoDays}, ${ending})`;
      assert.deepEqual(ids(await feedOf(tx, user, "1, 0")), [twoDays]);
      // as the sweep last left them: the five-day-old job still at "today" (15 instead of 8),
      // and one job whose last sighting became 31 days old since
      await tx`update public.feed_items set recency = 15, recency_until = now() - interval '1 minute'
               where job_id = ${fiveDays}`;
      await tx`update public.jobs set last_seen_at = now() - interval '31 days' where id = ${ending}`;
      await tx`update public.feed_items set live_until = now() - interval '1 minute'
               where job_id = ${ending}`;
      const feed = await feedOf(tx, user);
      assert.deepEqual(ids(feed), [twoDays, fiveDays], "exact order, the ended job left out");
      // the five-day-old job scored at 8 for recency, not at the 15 its item still holds
      await assertFeedIsFromScratch(tx, user, "a recency step the sweep has not moved yet");
      assert.deepEqual(ids(await feedOf(tx, user, "1, 0")), [twoDays], "the first page too");

      const [swept] = await tx<{ ended: number; restepped: number }[]>`
        select * from private.sweep_feed_items()`;
      assert.ok(swept.ended >= 1 && swept.restepped >= 1, JSON.stringify(swept));
      const [item] = await tx`select recency from public.feed_items where job_id = ${fiveDays}`;
      assert.equal(item.recency, 8);
      const [gone] = await tx`select live from public.feed_items where job_id = ${ending}`;
      assert.equal(gone.live, false);
      assert.deepEqual(ids(await feedOf(tx, user)), [twoDays, fiveDays]);
    });
  },
);
