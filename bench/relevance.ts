/**
 * The feed's quality on a hand-judged relevance set (`tests/fixtures/relevance/`): for each CV
 * profile, its searches and 39–40 postings they found, each judged good, possible or poor before
 * any score was looked at. The postings are stored as the store would store them and linked to
 * the searches' combinations; the user's feed items are then read in the feed's order, with the
 * skills component and without it (the same items ordered by their score less `s_skills`), and
 * NDCG@10 is measured for each (gains 2^grade − 1: good 3, possible 1, poor 0), averaged over
 * the profiles. Subsets, each ranked on its own: the postings written in German, those written
 * in English, and the title false friends' lists (every posting whose title contains its
 * search's title, so that a "Data Engineer" in hardware testing competes with the real ones).
 * Everything is rolled back.
 *
 * @module
 */
import { z } from "zod";
import { join } from "node:path";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { inRolledBackTransaction } from "../local/database.ts";
import { type BenchResult, type BenchTarget, result } from "./report.ts";

const FIXTURES = new URL("../tests/fixtures/relevance/", import.meta.url).pathname;
const GRADE = { good: 2, possible: 1, poor: 0 } as const;
/** The set's countries as the store keeps them (ISO 3166-1 alpha-2). */
const COUNTRY_CODES: Record<string, string> = { Germany: "DE", "United Kingdom": "GB" };

const Posting = z.object({
  key: z.string().min(1),
  search: z.number().int().min(0),
  title: z.string().min(1),
  company: z.string().min(1),
  location_city: z.string().nullable(),
  location_country: z.enum(Object.keys(COUNTRY_CODES) as [string, ...string[]]).nullable(),
  work_arrangement: z.enum(["On-site", "Hybrid", "Remote OK", "Remote Solely"]).nullable(),
  employment_type: z.string().nullable(),
  seniority: z.enum(["0-2", "2-5", "5-10", "10+"]).nullable(),
  salary_min: z.number().nullable(),
  salary_max: z.number().nullable(),
  salary_currency: z.string().nullable(),
  salary_period: z.string().nullable(),
  posted_days_ago: z.number().int().min(0),
  language: z.enum(["de", "en"]),
  description: z.string().min(1),
  judgement: z.enum(["good", "possible", "poor"]),
  reason: z.string().min(1),
});

const RelevanceCase = z.object({
  id: z.string().min(1),
  profile: z.record(z.string(), z.unknown()),
  searches: z.array(z.object({ title: z.string().min(1), location: z.string().min(1) })).min(1),
  postings: z.array(Posting).min(30),
});

/** One CV profile of the set with its searches and judged postings. */
export type RelevanceCase = z.infer<typeof RelevanceCase>;
type Judged = z.infer<typeof Posting>;

/** Every case of the set, in file name order. */
export function loadRelevanceSet(dir = FIXTURES): RelevanceCase[] {
  return [...Deno.readDirSync(dir)]
    .filter((e) => e.isFile && e.name.endsWith(".json"))
    .map((e) => e.name)
    .sort()
    .map((name) => {
      const parsed = RelevanceCase.safeParse(JSON.parse(Deno.readTextFileSync(join(dir, name))));
      if (!parsed.success) {
        throw new Error(`${name} is not a relevance case: ${z.prettifyError(parsed.error)}`);
      }
      return parsed.data;
    });
}

/** NDCG at k of `grades` in ranked order (gains 2^grade − 1, log2 discounts). */
export function ndcgAt(k: number, grades: number[]): number {
  const dcg = (list: number[]) =>
    list.slice(0, k).reduce((sum, g, i) => sum + (2 ** g - 1) / Math.log2(i + 2), 0);
  const ideal = dcg([...grades].sort((a, b) => b - a));
  return ideal === 0 ? 0 : dcg(grades) / ideal;
}

/** Stores a case as a user with its CV, searches, combinations and postings. */
async function seedCase(
  tx: TransactionSql,
  c: RelevanceCase,
): Promise<{ userId: string; byJob: Map<number, Judged> }> {
  const [user] = await tx<{ id: string }[]>`
    insert into auth.users (id, email) values (gen_random_uuid(), ${`${c.id}@relevance.test`})
    returning id`;
  const [cv] = await tx<{ id: string }[]>`
    insert into public.cv_documents (user_id, storage_path, file_name, object_version, status,
      parsed_at, profile)
    values (${user.id}, ${`${user.id}/cv.pdf`}, 'cv.pdf', 'v1', 'parsed', now(),
      ${tx.json(c.profile as never)})
    returning id`;
  const combinations: number[] = [];
  for (const s of c.searches) {
    const [q] = await tx<{ title_keyword: string; location: string }[]>`
      insert into public.user_search_queries (user_id, cv_document_id, title_keyword, location,
        title_label, location_label)
      values (${user.id}, ${cv.id}, ${s.title}, ${s.location}, ${s.title}, ${s.location})
      returning title_keyword, location`;
    const [bt] = await tx<{ id: number }[]>`
      select id from public.mark_combination_backfilled(${q.title_keyword}, ${q.location},
        null, null, null, null, 0, 0)`;
    combinations.push(bt.id);
  }
  // stored in an order unrelated to the file's (ties in the feed fall to the job id)
  const ordered = [...c.postings].sort((a, b) => hash(c.id + a.key) - hash(c.id + b.key));
  const byJob = new Map<number, Judged>();
  for (const p of ordered) byJob.set(await storePosting(tx, c.id, p, combinations[p.search]), p);
  return { userId: user.id, byJob };
}

async function storePosting(
  tx: TransactionSql,
  caseId: string,
  p: Judged,
  combination: number,
): Promise<number> {
  const [job] = await tx<{ id: number }[]>`
    insert into public.jobs (fingerprint, title, company, location_city, location_country,
      location_raw, work_arrangement, employment_type, seniority, salary_min, salary_max,
      salary_currency, salary_period, description, posted_at)
    values (${`relevance-${caseId}-${p.key}`}, ${p.title}, ${p.company}, ${p.location_city},
      ${p.location_country && COUNTRY_CODES[p.location_country]},
      ${[p.location_city, p.location_country].filter(Boolean).join(", ") || null},
      ${p.work_arrangement}::public.work_arrangement,
      ${p.employment_type}::public.employment_type, ${p.seniority}::public.seniority_level,
      ${p.salary_min}, ${p.salary_max}, ${p.salary_currency}, ${p.salary_period},
      ${p.description}, now() - ${`${p.posted_days_ago} days`}::interval - interval '1 hour')
    returning id`;
  await tx`
    insert into public.combination_jobs (combination_id, job_id) values (${combination}, ${job.id})`;
  return job.id;
}

function hash(text: string): number {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** The case's NDCG@10 per subset, with and without the skills component. */
interface CaseScores {
  [subset: string]: { withSkills: number; withoutSkills: number };
}

const SUBSETS: Record<string, (p: Judged, c: RelevanceCase) => boolean> = {
  "all postings": () => true,
  "postings in German": (p) => p.language === "de",
  "postings in English": (p) => p.language === "en",
  "title false friends' lists": (p, c) =>
    p.title.toLowerCase().includes(c.searches[p.search].title.toLowerCase()),
};

async function measureCase(tx: TransactionSql, c: RelevanceCase): Promise<CaseScores> {
  const { userId, byJob } = await seedCase(tx, c);
  const items = await tx<{ job_id: number; rank: number; s_skills: number; posted: number }[]>`
    select e.job_id, e.rank, e.s_skills, coalesce(extract(epoch from e.posted_at), 0) as posted
    from public.feed_items e where e.user_id = ${userId} and e.live`;
  const order = (points: (i: typeof items[number]) => number) =>
    [...items].sort((a, b) =>
      points(b) - points(a) || Number(b.posted) - Number(a.posted) ||
      Number(a.job_id) - Number(b.job_id)
    ).map((i) => byJob.get(Number(i.job_id))!);
  const withSkills = order((i) => i.rank);
  const withoutSkills = order((i) => i.rank - i.s_skills);
  const scores: CaseScores = {};
  for (const [name, keep] of Object.entries(SUBSETS)) {
    const grades = (list: Judged[]) =>
      list.filter((p) => keep(p, c)).map((p) => GRADE[p.judgement]);
    scores[name] = {
      withSkills: ndcgAt(10, grades(withSkills)),
      withoutSkills: ndcgAt(10, grades(withoutSkills)),
    };
  }
  return scores;
}

/** NDCG@10 of the feed's order with the skills component, against the order without it. */
export async function measureRelevance(
  tx: TransactionSql,
  cases = loadRelevanceSet(),
): Promise<BenchResult[]> {
  const perCase: CaseScores[] = [];
  for (const c of cases) perCase.push(await measureCase(tx, c));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return Object.keys(SUBSETS).map((name) =>
    result(
      `relevance NDCG@10, ${name}, ${cases.length} CVs (with skills vs without)`,
      mean(perCase.map((s) => s[name].withSkills)),
      "NDCG@10",
      mean(perCase.map((s) => s[name].withoutSkills)),
    )
  );
}

/** The bench's rows: the relevance set measured in a rolled-back transaction. */
export async function benchRelevance(target: BenchTarget): Promise<BenchResult[]> {
  return await inRolledBackTransaction(target.sql, (tx) => measureRelevance(tx));
}
