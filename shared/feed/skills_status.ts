/**
 * Where the skill vocabulary and its sweep stand, for `deno task jobs stats`: the vocabulary's
 * size by source, the terms not looked for in ads, and the skills-sweep's latest pass
 * (`private.job_skills_passes`): waiting for the transactions open when it began, reading, or
 * done, with what it read and changed.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";

/** The skills-sweep's latest pass. */
export interface SkillsPass {
  id: number;
  fromVersion: number;
  toVersion: number;
  startedAt: string;
  /** Null while it waits for the transactions that were open when it began. */
  readingAt: string | null;
  finishedAt: string | null;
  jobsRead: number;
  /** Jobs whose skills changed. */
  jobsIndexed: number;
  /** Stored jobs after its cursor, up to the newest when it began reading (null before). */
  jobsLeft: number | null;
}

/** The vocabulary and the sweep. */
export interface SkillsStatus {
  starterSkills: number;
  cvSkills: number;
  /** Skills whose key is not looked for in ads (too short, a stop word, unusual characters). */
  notInAds: number;
  synonyms: number;
  version: number;
  lastPass: SkillsPass | null;
}

/** Reads the status (as the database owner: the sweep's table is private). */
export async function skillsStatus(sql: Queryable): Promise<SkillsStatus> {
  const [v] = await sql`
    select count(*) filter (where source = 'starter')::int as starter,
           count(*) filter (where source = 'cv')::int as cv,
           count(*) filter (where not in_text)::int as not_in_ads,
           (select count(*)::int from public.skill_synonyms) as synonyms,
           private.skill_vocabulary_version()::float8 as version
    from public.skills`;
  const [p] = await sql`
    select p.id::float8 as id, p.from_version::float8 as from_version,
           p.to_version::float8 as to_version, p.started_at, p.reading_at, p.finished_at,
           p.jobs_read::float8 as jobs_read, p.jobs_indexed::float8 as jobs_indexed,
           case when p.finished_at is null and p.until_job_id is not null then
             (select count(*)::float8 from public.jobs j
              where j.id > p.next_job_id and j.id <= p.until_job_id) end as jobs_left
    from private.job_skills_passes p order by p.id desc limit 1`;
  const iso = (value: unknown) => value instanceof Date ? value.toISOString() : null;
  return {
    starterSkills: v.starter,
    cvSkills: v.cv,
    notInAds: v.not_in_ads,
    synonyms: v.synonyms,
    version: v.version,
    lastPass: p
      ? {
        id: p.id,
        fromVersion: p.from_version,
        toVersion: p.to_version,
        startedAt: iso(p.started_at)!,
        readingAt: iso(p.reading_at),
        finishedAt: iso(p.finished_at),
        jobsRead: p.jobs_read,
        jobsIndexed: p.jobs_indexed,
        jobsLeft: p.jobs_left,
      }
      : null,
  };
}

const minute = (iso: string) => iso.slice(0, 16).replace("T", " ");

/** The pass in words: what it covers, where it is, what it did. */
export function describePass(pass: SkillsPass): string {
  const covers = pass.toVersion === pass.fromVersion
    ? "the starting point"
    : `versions ${pass.fromVersion + 1}–${pass.toVersion}`;
  const did = `read ${pass.jobsRead} jobs, ${pass.jobsIndexed} changed`;
  if (pass.finishedAt) {
    return `pass #${pass.id} (${covers}) done ${minute(pass.finishedAt)}: ${did}`;
  }
  if (!pass.readingAt) {
    return `pass #${pass.id} (${covers}) waiting since ${minute(pass.startedAt)} for the ` +
      "transactions open when it began (one left open for long: see pg_stat_activity, " +
      "state 'idle in transaction')";
  }
  return `pass #${pass.id} (${covers}) reading since ${minute(pass.readingAt)}: ${did}, ` +
    `${pass.jobsLeft ?? "?"} left`;
}

/** One line for `stats`. */
export function describeSkills(status: SkillsStatus): string {
  return `Skills: ${status.starterSkills} starter and ${status.cvSkills} from CVs ` +
    `(${status.notInAds} not looked for in ads), ${status.synonyms} synonyms, vocabulary ` +
    `version ${status.version}; skills-sweep ` +
    (status.lastPass ? describePass(status.lastPass) : "has no pass yet");
}
