/**
 * The first page of a user's feed after a year of data. The store is filled with plain SQL, as
 * a bulk import would write it: 200 combinations, jobs posted evenly over 365 days and seen by
 * a provider last an hour to a week after, a third with a validity end, each naming one to five
 * skills in its description; one user with a parsed CV (eight skills, two languages) and 10
 * searches (a twentieth of the jobs). At 10k, 100k and 1M stored jobs (filled up
 * step by step) `public.job_feed(50, 0)` is read under the user's role and timed; the baseline
 * is the same page from the scoring of every candidate the user's searches ever found, which is
 * how the feed was read before `public.feed_items` (with the skills component read from
 * `job_skills`, as it would have been). Everything is rolled back.
 *
 * @module
 */
import type { TransactionSql } from "../shared/db/postgres.ts";
import { inRolledBackTransaction } from "../local/database.ts";
import { type BenchResult, type BenchTarget, percentile, result } from "./report.ts";

const COMBINATIONS = 200;
const TITLES = [
  "data engineer",
  "software engineer",
  "product manager",
  "data scientist",
  "devops engineer",
  "frontend developer",
  "backend developer",
  "ux designer",
  "project manager",
  "qa engineer",
  "sales manager",
  "account executive",
  "nurse",
  "accountant",
  "marketing manager",
  "hr manager",
  "mechanical engineer",
  "electrician",
  "teacher",
  "business analyst",
];
const CITIES = [
  "berlin",
  "munich",
  "hamburg",
  "cologne",
  "frankfurt",
  "stuttgart",
  "leipzig",
  "dresden",
  "vienna",
  "zurich",
];

/**
 * Skills the CV lists (the first eight) and the postings ask for (one to five of them each,
 * named in the description): the feed's skills component reads them from job_skills.
 */
const BENCH_SKILLS = [
  "Python",
  "SQL",
  "Apache Spark",
  "Kafka",
  "Airflow",
  "dbt",
  "Docker",
  "AWS",
  "Kubernetes",
  "Terraform",
  "Java",
  "React",
  "Figma",
  "Jira",
  "SAP",
  "Salesforce",
];

/** Sizes measured, in stored jobs; the embedded PGlite stops at 100k. */
const SIZES = [10_000, 100_000, 1_000_000];
const ROUNDS = { feed: 200, baseline: 15 };

export async function seedUniverse(tx: TransactionSql): Promise<string> {
  await tx`
    insert into public.backfill_tracking (title_keyword, location, state, backfilled_date)
    select t.title, c.city, 'backfilled', now()
    from unnest(${TITLES}::text[]) with ordinality t(title, ti)
    cross join unnest(${CITIES}::text[]) with ordinality c(city, ci)`;
  const [user] = await tx<{ id: string }[]>`
    insert into auth.users (id, email) values (gen_random_uuid(), 'feed-bench@bench.test')
    returning id`;
  const [cv] = await tx<{ id: string }[]>`
    insert into public.cv_documents (user_id, storage_path, file_name, object_version, status,
      parsed_at, profile)
    values (${user.id}, ${user.id + "/cv.pdf"}, 'cv.pdf', 'v1', 'parsed', now(), ${
    tx.json({
      is_cv: true,
      job_titles: [
        { title: "Data Engineer", seniority: "2-5", fit: "primary" },
        { title: "Software Engineer", seniority: "5-10", fit: "secondary" },
      ],
      locations: [{ place: "Berlin", preference: "preferred" }],
      work_arrangements: ["Hybrid", "Remote OK"],
      employment_types: ["FULL_TIME"],
      skills: [...BENCH_SKILLS.slice(0, 8)],
      languages: ["German", "English"],
    })
  })
    returning id`;
  // the user's searches: the first ten combinations (two titles in five cities)
  await tx`
    insert into public.user_search_queries (user_id, cv_document_id, title_keyword, location)
    select ${user.id}, ${cv.id}, bt.title_keyword, bt.location
    from public.backfill_tracking bt
    where bt.title_keyword in ('data engineer', 'software engineer')
      and bt.location in ('berlin', 'munich', 'hamburg', 'cologne', 'frankfurt')`;
  return user.id;
}

/** Adds jobs number `from` to `to` - 1, each found by one combination (round robin). */
export async function seedJobs(tx: TransactionSql, from: number, to: number): Promise<void> {
  await tx`
    with combos as (
      select bt.id, bt.title_keyword, bt.location,
             row_number() over (order by bt.id) - 1 as n
      from public.backfill_tracking bt
      where bt.title_keyword = any(${TITLES}::text[])
    ),
    shaped as (
      select g as i, c.id as combination_id, c.title_keyword, c.location,
        -- evenly over the year, in a scrambled order
        now() - interval '365 days' * (((g::bigint * 2654435761) % 1000003) / 1000003.0)
          as posted_at
      from generate_series(${from}::bigint, ${to - 1}::bigint) g
      join combos c on c.n = g % ${COMBINATIONS}
    ),
    stored as (
      insert into public.jobs (fingerprint, title, company, location_city, location_country,
        location_raw, work_arrangement, employment_type, seniority, salary_min, salary_max,
        salary_currency, salary_period, description, apply_url, posted_at, valid_through,
        first_seen_at, last_seen_at)
      select 'bench-feed-' || s.i,
        (array[initcap(s.title_keyword), 'Senior ' || initcap(s.title_keyword),
               initcap(s.title_keyword) || ' (m/w/d)',
               initcap(split_part(s.title_keyword, ' ', 1)) || ' Specialist'])[1 + s.i % 4],
        'Company ' || (s.i % 5000),
        case when s.i % 5 = 0 then 'Potsdam' else initcap(s.location) end, 'DE',
        initcap(s.location) || ', Germany',
        (array['On-site', 'Hybrid', 'Remote OK', null])[1 + s.i % 4]::public.work_arrangement,
        (array['FULL_TIME', 'PART_TIME', null])[1 + s.i % 3]::public.employment_type,
        (array['0-2', '2-5', '5-10', '10+', null])[1 + s.i % 5]::public.seniority_level,
        case when s.i % 3 = 0 then 50000 + s.i % 30000 end,
        case when s.i % 3 = 0 then 80000 + s.i % 30000 end,
        case when s.i % 3 = 0 then 'EUR' end, case when s.i % 3 = 0 then 'YEAR' end,
        'A posting for a ' || s.title_keyword || ' in ' || s.location || '. You know '
          || array_to_string((${BENCH_SKILLS}::text[])[1 + s.i % 16 : 1 + s.i % 16 + s.i % 5], ', ')
          || '. Fluent German.',
        'https://jobs.bench.test/' || s.i, s.posted_at,
        case when s.i % 3 = 1 then s.posted_at + interval '60 days' end,
        s.posted_at + interval '1 hour',
        least(now(), s.posted_at + interval '1 hour' + (s.i % 7) * interval '1 day')
      from shaped s
      returning id, fingerprint, first_seen_at
    )
    insert into public.combination_jobs (combination_id, job_id, first_found_at, last_found_at)
    select c.id, j.id, j.first_seen_at, j.first_seen_at
    from stored j
    join combos c on c.n = substr(j.fingerprint, 12)::bigint % ${COMBINATIONS}`;
  await tx`analyze public.jobs`;
  await tx`analyze public.combination_jobs`;
  await tx`analyze public.feed_items`;
}

/** The feed as it was read before feed_items: every candidate scored on every call. */
async function createBaseline(tx: TransactionSql): Promise<void> {
  await tx`
    create function private.bench_feed_user_skills(p_kind text) returns text[]
    language sql stable security definer set search_path = ''
    as $$ select private.feed_user_skills((select auth.uid()), p_kind) $$`;
  await tx`
    create function private.bench_feed_matches()
    returns table (job_id bigint, title_keyword text, location text, skills text[])
    language sql stable security definer set search_path = ''
    as $$
      select cj.job_id, q.title_keyword, q.location, coalesce(js.skills, '{}')
      from public.user_search_queries q
      join public.backfill_tracking bt on bt.combination_key = q.combination_key
      join public.combination_jobs cj on cj.combination_id = bt.id
      left join public.job_skills js on js.job_id = cj.job_id
      where q.user_id = (select auth.uid()) and q.is_active
    $$`;
  await tx`
    create function private.bench_feed_baseline(p_limit integer, p_offset integer)
    returns table (job_id bigint, score integer)
    language sql stable security invoker set search_path = ''
    as $$
      with profile as (
        select d.profile from public.cv_documents d
        where d.user_id = (select auth.uid()) and d.status = 'parsed' and d.profile is not null
        order by d.created_at desc limit 1
      ),
      -- materialized: inlined, the planner put it inside the candidates' loop (40x slower)
      wants as materialized (
        select
          coalesce((select array_agg(distinct t ->> 'seniority')
                    from profile, jsonb_array_elements(profile -> 'job_titles') t), '{}') as levels,
          coalesce((select array_agg(value) from profile,
                    jsonb_array_elements_text(profile -> 'work_arrangements')), '{}') as arrangements,
          private.bench_feed_user_skills('skill') as skills,
          private.bench_feed_user_skills('language') as languages,
          coalesce((select array_agg(value) from profile,
                    jsonb_array_elements_text(profile -> 'employment_types')), '{}') as employment
      ),
      candidates as (
        select j.*, m.title_keyword, m.location as search_location, m.skills as job_skills
        from public.jobs j
        join private.bench_feed_matches() m on m.job_id = j.id
        where (j.valid_through is null or j.valid_through > now())
          and not exists (select 1 from public.hidden_jobs h
                          where h.user_id = (select auth.uid()) and h.job_id = j.id)
          and not exists (select 1 from public.hidden_companies hc
                          where hc.user_id = (select auth.uid())
                            and hc.company_key = lower(btrim(j.company)))
      ),
      scored as (
        select c.*,
          case when lower(c.title) like '%' || c.title_keyword || '%' then 40
               else (select (30 * count(*)
                             / greatest(cardinality(string_to_array(c.title_keyword, ' ')), 1))::int
                     from unnest(string_to_array(c.title_keyword, ' ')) w
                     where lower(c.title) like '%' || w || '%') end as s_title,
          case when c.search_location like 'remote%' and c.work_arrangement like 'Remote%' then 15
               when lower(coalesce(c.location_city, '')) = c.search_location
                 or lower(coalesce(c.location_raw, '')) like '%' || c.search_location || '%'
               then 15 else 0 end as s_location,
          case when c.posted_at is null then 0
               when c.posted_at > now() - interval '1 day' then 15
               when c.posted_at > now() - interval '3 days' then 12
               when c.posted_at > now() - interval '7 days' then 8
               when c.posted_at > now() - interval '14 days' then 5
               when c.posted_at > now() - interval '30 days' then 2 else 0 end as s_recency,
          case when c.seniority is null then 3
               when c.seniority = any(w.levels) then 10
               when exists (select 1 from unnest(w.levels) l
                            where abs(array_position(array['0-2', '2-5', '5-10', '10+'], l)
                                      - array_position(array['0-2', '2-5', '5-10', '10+'],
                                                       c.seniority::text)) = 1) then 5
               else 0 end as s_seniority,
          case when c.work_arrangement is null then 3
               when c.work_arrangement = any(w.arrangements) then 10 else 0 end as s_arrangement,
          case when c.employment_type is null then 2
               when c.employment_type = any(w.employment) then 5 else 0 end as s_employment,
          case when c.salary_min is not null or c.salary_max is not null then 5 else 0 end
            as s_salary,
          (private.feed_skills(w.skills, w.languages,
                               c.job_skills)).s_skills
        from candidates c cross join wants w
      ),
      best as (
        select distinct on (s.id) s.id, s.posted_at,
          s.s_title + s.s_location + s.s_seniority + s.s_arrangement + s.s_employment
            + s.s_salary + s.s_skills + s.s_recency as total
        from scored s
        order by s.id, (s.s_title + s.s_location) desc
      )
      select b.id, private.feed_percent(b.total::integer) from best b
      order by b.total desc, b.posted_at desc nulls last, b.id
      limit p_limit offset p_offset
    $$`;
  await tx`grant execute on function private.bench_feed_baseline(integer, integer) to authenticated`;
  await tx`grant execute on function private.bench_feed_matches() to authenticated`;

  await tx`grant execute on function private.bench_feed_user_skills(text),
             private.feed_skills(text[], text[], text[]) to authenticated`;
}

/** Times `read` as the user, `rounds` times after two warm-up calls; returns the durations. */
async function timeAsUser(
  tx: TransactionSql,
  userId: string,
  rounds: number,
  read: (sp: TransactionSql) => Promise<unknown>,
): Promise<number[]> {
  return await tx.savepoint(async (sp) => {
    await sp.unsafe("set local role authenticated");
    await sp`select set_config('request.jwt.claims', ${
      JSON.stringify({ sub: userId, role: "authenticated" })
    }, true)`;
    for (let i = 0; i < 2; i++) await read(sp);
    const times: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const start = performance.now();
      await read(sp);
      times.push(performance.now() - start);
    }
    await sp.unsafe("reset role");
    return times;
  });
}

/** The page from feed_items and from the baseline must be the same jobs with the same scores. */
async function assertSamePage(tx: TransactionSql, userId: string): Promise<void> {
  const [page, baseline] = await tx.savepoint(async (sp) => {
    await sp.unsafe("set local role authenticated");
    await sp`select set_config('request.jwt.claims', ${
      JSON.stringify({ sub: userId, role: "authenticated" })
    }, true)`;
    const a = await sp<{ score: number }[]>`select score from public.job_feed(50, 0)`;
    const b = await sp<{ score: number }[]>`
      select b.score from private.bench_feed_baseline(10000000, 0) b
      join public.jobs j on j.id = b.job_id
      where j.last_seen_at > now() - interval '30 days'
      order by b.score desc limit 50`;
    await sp.unsafe("reset role");
    return [a.map((r) => r.score), b.map((r) => r.score)];
  });
  if (JSON.stringify(page) !== JSON.stringify(baseline)) {
    throw new Error(`feed_items and the baseline rank differently:\n${page}\n${baseline}`);
  }
}

/** Runs the benchmark; leaves nothing behind. */
export async function benchFeed(target: BenchTarget): Promise<BenchResult[]> {
  const sizes = target.embedded ? SIZES.slice(0, 2) : SIZES;
  return await inRolledBackTransaction(target.sql, async (tx) => {
    const userId = await seedUniverse(tx);
    await createBaseline(tx);
    const results: BenchResult[] = [];
    let stored = 0;
    const p95s: number[] = [];
    for (const size of sizes) {
      await seedJobs(tx, stored, size);
      stored = size;
      await assertSamePage(tx, userId);
      const feed = await timeAsUser(
        tx,
        userId,
        ROUNDS.feed,
        (sp) => sp`select * from public.job_feed(50, 0)`,
      );
      const baseline = await timeAsUser(
        tx,
        userId,
        ROUNDS.baseline,
        (sp) => sp`select * from private.bench_feed_baseline(50, 0)`,
      );
      const label = size >= 1_000_000 ? `${size / 1_000_000}M` : `${size / 1000}k`;
      for (const p of [50, 95]) {
        results.push(result(
          `feed first page at ${label} jobs, p${p} (feed_items vs scoring every candidate)`,
          percentile(feed, p / 100),
          "ms",
          percentile(baseline, p / 100),
        ));
      }
      p95s.push(percentile(feed, 0.95));
    }
    results.push(result(
      `feed first page p95 growth, ${sizes.at(-1)! / 1000}k vs 10k jobs (goal < 2)`,
      p95s.at(-1)! / p95s[0],
      "x",
      1,
    ));
    return results;
  });
}
