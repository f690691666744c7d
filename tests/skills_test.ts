/**
 * Skills on both sides of the feed: one normal form and the synonym table, the CV's skills in
 * `public.user_skills`, each job's skills found in its title and description when it is stored
 * (and when they change), the vocabulary growing with a CV and the skills-sweep indexing the
 * jobs already stored, and the feed's skills component, reason and gap.
 */
import assert from "node:assert/strict";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { actAs, actAsOwner, createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertCv, insertJobFor, insertQuery, markBackfilled } from "./support/fixtures.ts";

async function parsedCv(tx: TransactionSql, user: string, profile: Record<string, unknown>) {
  const cv = await insertCv(tx, user, `cv-${crypto.randomUUID()}.pdf`);
  await tx`
    update public.cv_documents set status = 'parsed', parsed_at = now(), profile = ${
    tx.json({ is_cv: true, job_titles: [], ...profile } as never)
  } where id = ${cv}`;
  return cv;
}

async function jobSkills(tx: TransactionSql, jobId: number) {
  const [row] = await tx<{ skills: string[]; vocabulary_version: string }[]>`
    select skills, vocabulary_version from public.job_skills where job_id = ${jobId}`;
  return row;
}

/**
 * Calls the skills-sweep until it reads: a pass reads nothing while a transaction that was in
 * progress when it began is still open (another connection's, briefly).
 */
async function sweepUntilRead(tx: TransactionSql): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [{ read }] = await tx<{ read: number }[]>`select private.sweep_job_skills() as read`;
    if (read > 0) return read;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the skills-sweep read nothing for 5 s: is a transaction left open?");
}

async function describe(tx: TransactionSql, jobId: number, description: string) {
  await tx`update public.jobs set description = ${description} where id = ${jobId}`;
}

Deno.test("skills: one normal form; synonyms map spellings to one skill", dbTest, async () => {
  await withRollback(async (tx) => {
    const keys = await tx<{ input: string; key: string; skill: string | null }[]>`
      select x.input, private.skill_key(x.input) as key, private.canonical_skill(x.input) as skill
      from unnest(${[
      "PostgreSQL",
      "Postgres",
      "JS",
      "JavaScript",
      "k8s",
      "Kubernetes",
      "Node.js",
      "CI/CD",
      "C++",
      ".NET",
      "  Apache   Spark ",
      "Deutsch",
      "Maschinelles Lernen",
      "Golang",
      "Underwater basket weaving",
    ]}::text[]) x(input)`;
    const by = Object.fromEntries(keys.map((k) => [k.input, k]));
    assert.equal(by["PostgreSQL"].skill, "postgresql");
    assert.equal(by["Postgres"].skill, "postgresql");
    assert.equal(by["JS"].skill, by["JavaScript"].skill);
    assert.equal(by["k8s"].skill, "kubernetes");
    assert.equal(by["Kubernetes"].skill, "kubernetes");
    assert.equal(by["Node.js"].key, "node.js", "a dot inside a token stays");
    assert.equal(by["CI/CD"].key, "ci cd");
    assert.equal(by["C++"].key, "c++");
    assert.equal(by[".NET"].key, ".net");
    assert.equal(by["  Apache   Spark "].key, "apache spark");
    assert.equal(by["Deutsch"].skill, "german", "German ads and CVs name languages in German");
    assert.equal(by["Maschinelles Lernen"].skill, "machine learning");
    assert.equal(by["Golang"].skill, "go");
    assert.equal(by["Underwater basket weaving"].skill, null, "not in the vocabulary");

    // the starter list keeps the normal form: every key and term is its own normal form, and no term is
    // also a key (it would be found twice, as two skills)
    const broken = await tx<{ entry: string }[]>`
      select 'skill ' || s.skill as entry from public.skills s
      where s.skill <> private.skill_key(s.skill) or s.skill <> private.skill_key(s.label)
      union all
      select 'synonym ' || y.term from public.skill_synonyms y
      where y.term <> private.skill_key(y.term)
        or exists (select 1 from public.skills s where s.skill = y.term)`;
    assert.deepEqual([...broken], []);
    const [starter] = await tx<{ skills: number; languages: number; synonyms: number }[]>`
      select count(*) filter (where kind = 'skill')::int as skills,
             count(*) filter (where kind = 'language')::int as languages,
             (select count(*) from public.skill_synonyms)::int as synonyms
      from public.skills`;
    assert.ok(
      starter.skills >= 150 && starter.languages >= 10 && starter.synonyms >= 100,
      "the list",
    );
  });
});

/** Starter labels with capitals after the first word that are not acronyms: names as written. */
const NAMES_WITH_CAPITALS = new Set([
  "Spring Boot",
  "Ruby on Rails",
  "Tailwind CSS",
  "React Native",
  "Microsoft SQL Server",
  "Oracle Database",
  "Apache Spark",
  "Apache Kafka",
  "Apache Airflow",
  "Power BI",
  "Google Cloud",
  "Microsoft Azure",
  "GitHub Actions",
  "Adobe Photoshop",
  "Six Sigma",
  "Microsoft Excel",
  "Microsoft Office",
  "Microsoft PowerPoint",
  "SAP SuccessFactors",
  "Google Analytics",
  "Google Ads",
  "PTC Creo",
  "TIA Portal",
]);

Deno.test(
  "skills: starter labels are in sentence case but for names and acronyms",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const rows = await tx<{ label: string }[]>`
      select label from public.skills where source = 'starter' order by skill`;
      assert.ok(rows.length > 200);
      const acronym = /^[A-Z0-9/&.+#-]+$/;
      const offending = rows.map((r) => r.label).filter((label) =>
        label.split(" ").slice(1).some((word) => /^[A-Z]/.test(word) && !acronym.test(word)) &&
        !NAMES_WITH_CAPITALS.has(label)
      );
      assert.deepEqual(offending, [], "write a skill in sentence case, or add a name to the list");
    });
  },
);

Deno.test("skills: a job's skills are found in its title and description", dbTest, async () => {
  await withRollback(async (tx) => {
    const found = async (text: string) =>
      (await tx<{ s: string[] }[]>`select private.find_skills(${text}) as s`)[0].s;
    assert.deepEqual(
      await found("You know Postgres and Python. Bonus: K8s, CI/CD, Node.js and C++."),
      ["postgresql", "python", "kubernetes", "ci cd", "node.js", "c++"],
      "every spelling, in the order first named; a full stop ends a token",
    );
    assert.deepEqual(
      await found("Sehr gute Deutsch- und Englischkenntnisse, Erfahrung mit Apache Spark."),
      ["german", "english", "apache spark"],
      "German ads",
    );
    assert.deepEqual(
      await found("Ready to go live? We excel at shipping. Golang preferred."),
      ["go"],
      "words ads use otherwise are not skills; their unambiguous spellings are",
    );
    assert.deepEqual(
      await found("Sparkling water and a javascriptless office."),
      [],
      "whole tokens",
    );

    // stored: indexed at insert, against the vocabulary's current version
    const combination = await markBackfilled(tx, {
      title_keyword: "data engineer",
      location: "berlin",
    });
    const job = await insertJobFor(tx, combination, "Data Engineer (Kafka)");
    const [{ v }] = await tx<{ v: string }[]>`select private.skill_vocabulary_version() as v`;
    assert.deepEqual(await jobSkills(tx, job), { skills: ["apache kafka"], vocabulary_version: v });
    // a new description: indexed again
    await describe(tx, job, "Airflow, dbt and Snowflake.");
    assert.deepEqual((await jobSkills(tx, job)).skills, [
      "apache kafka",
      "apache airflow",
      "dbt",
      "snowflake",
    ]);
    // a batch store indexes every job of it (after the statement)
    await tx`
      insert into public.jobs (fingerprint, title, description)
      select 'skills-batch-' || g, 'Backend Developer', 'Java and Spring Boot, ' || g || ' years'
      from generate_series(1, 50) g`;
    const [{ n }] = await tx<{ n: number }[]>`
      select count(*)::int as n from public.jobs j
      join public.job_skills js on js.job_id = j.id
      where j.fingerprint like 'skills-batch-%' and js.skills = '{java,spring boot}'`;
    assert.equal(n, 50);
  });
});

Deno.test(
  "skills: the CV's skills and languages become the user's, in the CV's order",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const user = await createUser(tx, "skills@example.com");
      const other = await createUser(tx, "other@example.com");
      await parsedCv(tx, other, { skills: ["Excel"] });
      await parsedCv(tx, user, {
        skills: ["Postgres", "Python", "PostgreSQL", "K8s", "Zig"],
        languages: ["Deutsch", "English"],
      });
      const skills = async () => [
        ...await tx<{ skill: string; kind: string; as_written: string }[]>`
          select skill, kind, as_written from public.user_skills where user_id = ${user}
          order by ordinal`,
      ];
      assert.deepEqual(await skills(), [
        { skill: "postgresql", kind: "skill", as_written: "Postgres" },
        { skill: "python", kind: "skill", as_written: "Python" },
        { skill: "kubernetes", kind: "skill", as_written: "K8s" },
        { skill: "zig", kind: "skill", as_written: "Zig" },
        { skill: "german", kind: "language", as_written: "Deutsch" },
        { skill: "english", kind: "language", as_written: "English" },
      ], "one row a skill (PostgreSQL written twice), synonyms resolved");
      const [zig] = await tx`select label, source from public.skills where skill = 'zig'`;
      assert.deepEqual({ ...zig }, { label: "Zig", source: "cv" }, "a skill the vocabulary lacked");

      // a newer CV replaces them; removing it brings the older one back
      const newer = await parsedCv(tx, user, { skills: ["Rust"], languages: [] });
      await tx`update public.cv_documents set created_at = now() + interval '1 minute'
             where id = ${newer}`;
      assert.deepEqual((await skills()).map((s) => s.skill), ["rust"]);
      await tx`delete from public.cv_documents where id = ${newer}`;
      assert.deepEqual((await skills()).map((s) => s.skill), [
        "postgresql",
        "python",
        "kubernetes",
        "zig",
        "german",
        "english",
      ]);

      // a CV that talks Claude into too much: 60 skills, one of 300 characters, two letters
      const hostile = await createUser(tx, "hostile@example.com");
      await parsedCv(tx, hostile, {
        skills: [
          "x".repeat(300),
          "IT",
          "Teamwork",
          "and!!! visit example.com",
          ...Array.from({ length: 56 }, (_, i) => `Madeup ${i}`),
        ],
        languages: Array.from({ length: 20 }, (_, i) => `Tongue ${i}`),
      });
      const [grown] = await tx<{ skills: number; languages: number; in_text: string[] }[]>`
      select count(*) filter (where kind = 'skill' and skill like 'madeup %')::int as skills,
             count(*) filter (where kind = 'language' and skill like 'tongue %')::int as languages,
             array_agg(skill order by skill) filter (where in_text and skill not like 'madeup %'
                                                       and skill not like 'tongue %') as in_text
      from public.skills where source = 'cv' and skill not in ('zig', 'excel')`;
      assert.deepEqual(
        { ...grown },
        { skills: 26, languages: 10, in_text: null },
        "two letters, a stop word, and a label others should not see are not looked for in ads",
      );
      const [{ kept }] = await tx<{ kept: number }[]>`
      select count(*)::int as kept from public.user_skills where user_id = ${hostile}`;
      assert.equal(kept, 39, "30 skills less the long one, 10 languages");

      // read as the user: their own rows only
      const seen = await tx.savepoint(async (sp) => {
        await actAs(sp, { kind: "user", id: user });
        const rows = await sp<{ user_id: string }[]>`select user_id from public.user_skills`;
        await actAsOwner(sp);
        return rows;
      });
      assert.ok(seen.length === 6 && seen.every((r) => r.user_id === user));
    });
  },
);

Deno.test(
  "skills: a CV's new skill is indexed in the jobs already stored, and the feed follows",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const user = await createUser(tx, "zig@example.com");
      const cv = await parsedCv(tx, user, { skills: ["Python"] });
      await insertQuery(tx, user, { title_keyword: "systems engineer", location: "berlin" }, cv);
      const combination = await markBackfilled(tx, {
        title_keyword: "systems engineer",
        location: "berlin",
      });
      const job = await insertJobFor(tx, combination, "Systems Engineer");
      await describe(tx, job, "We write Zig and Python, some Nim.js (not nimbly), and Zig++.");
      assert.deepEqual((await jobSkills(tx, job)).skills, ["python"], "Zig is no skill yet");
      const untouched = await insertJobFor(tx, combination, "Systems Engineer");
      await describe(tx, untouched, "Python only.");
      // skills it does not have: a job whose text names no new term is not read again
      await tx`update public.job_skills set skills = '{stale}' where job_id = ${untouched}`;
      const before = await jobSkills(tx, untouched);

      // a newer CV names Zig: the vocabulary grows, the stored jobs are behind it
      const newer = await parsedCv(tx, user, { skills: ["Python", "Zig", "Nim.js", "Zig++"] });
      await tx`update public.cv_documents set created_at = now() + interval '1 minute'
               where id = ${newer}`;
      const [{ pending }] = await tx<{ pending: number }[]>`
        select count(*)::int as pending from public.job_skills
        where job_id in (${job}, ${untouched})
          and vocabulary_version < private.skill_vocabulary_version()`;
      assert.equal(pending, 2);
      const item = async () =>
        (await tx<{ s_skills: number; matched_skills: string[]; missing_skills: string[] }[]>`
          select s_skills, matched_skills, missing_skills from public.feed_items
          where user_id = ${user} and job_id = ${job}`)[0];
      assert.deepEqual({ ...await item() }, {
        s_skills: 10,
        matched_skills: ["python"],
        missing_skills: [],
      });

      // the sweep reads them in a pass, leaves a run row, and the feed item is scored again
      const read = await sweepUntilRead(tx);
      assert.ok(read >= 2);
      assert.deepEqual((await jobSkills(tx, job)).skills, ["zig", "python", "nim.js", "zig++"]);
      const after = await jobSkills(tx, untouched);
      assert.deepEqual(after.skills, ["stale"], "a job without a new term is not read again");
      assert.equal(after.vocabulary_version, before.vocabulary_version, "nor written");
      assert.deepEqual({ ...await item() }, {
        s_skills: 40,
        matched_skills: ["python", "zig", "nim.js", "zig++"],
        missing_skills: [],
      });
      const [run] = await tx`
        select kind, status, triggered_by, progress_done, progress_total, stats
        from public.runs where kind = 'sweep' and stats ->> 'sweep' = 'job_skills'
        order by id desc limit 1`;
      assert.equal(run.status, "succeeded");
      assert.equal(run.progress_done, run.progress_total);
      assert.equal(run.stats.jobs_read, read);
      const [pass] = await tx`
        select from_version, to_version, jobs_read, jobs_indexed, finished_at
        from private.job_skills_passes where id = ${run.stats.pass}`;
      assert.equal(Number(pass.jobs_read), read);
      assert.ok(Number(pass.jobs_indexed) >= 1, "the job that names Zig");
      assert.ok(pass.finished_at);
      const [{ v }] = await tx<{ v: string }[]>`select private.skill_vocabulary_version() as v`;
      assert.equal(String(pass.to_version), String(v));
      const [{ again }] = await tx<{ again: number }[]>`
        select private.sweep_job_skills() as again`;
      assert.equal(again, 0, "nothing left: no run row either");
      const [schedule] = await tx`
        select command from private.schedules where name = 'skills-sweep'`;
      assert.equal(schedule.command, "select private.sweep_job_skills()");
    });
  },
);

Deno.test(
  "skills: a synonym added to a known skill is looked for in the jobs already stored",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const combination = await markBackfilled(tx, {
        title_keyword: "synonym engineer",
        location: "berlin",
      });
      const job = await insertJobFor(tx, combination, "Synonym Engineer");
      await describe(tx, job, "Our pipelines run on Sparkzilla and Python.");
      assert.deepEqual((await jobSkills(tx, job)).skills, ["python"]);
      await tx`insert into public.skill_synonyms (term, skill) values ('sparkzilla', 'apache spark')`;
      await sweepUntilRead(tx);
      assert.deepEqual((await jobSkills(tx, job)).skills, ["apache spark", "python"]);
    });
  },
);

Deno.test(
  "skills: a term looked for in ads from now on, or no longer, changes the stored jobs",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const combination = await markBackfilled(tx, {
        title_keyword: "mobile engineer",
        location: "berlin",
      });
      const job = await insertJobFor(tx, combination, "Mobile Engineer");
      await describe(tx, job, "We write Swift and provision with Terraform.");
      assert.deepEqual((await jobSkills(tx, job)).skills, ["terraform"], "swift: not in_text");
      await tx`update public.skills set in_text = true where skill = 'swift'`;
      await tx`update public.skills set in_text = false where skill = 'terraform'`;
      await sweepUntilRead(tx);
      assert.deepEqual((await jobSkills(tx, job)).skills, ["swift"]);
    });
  },
);

Deno.test("skills: the feed ranks by them, names them and shows the gap", dbTest, async () => {
  await withRollback(async (tx) => {
    const user = await createUser(tx, "gap@example.com");
    const cv = await parsedCv(tx, user, {
      // "Xq": two letters, never looked for in ads, so not counted in the share
      skills: ["Python", "Apache Spark", "SQL", "Airflow", "Xq"],
      languages: ["German"],
    });
    await insertQuery(tx, user, { title_keyword: "data engineer", location: "berlin" }, cv);
    const combination = await markBackfilled(tx, {
      title_keyword: "data engineer",
      location: "berlin",
    });
    const fit = await insertJobFor(tx, combination, "Data Engineer");
    await describe(
      tx,
      fit,
      "Python, Spark and SQL on Kubernetes with Terraform. Sehr gute Deutschkenntnisse.",
    );
    // a title false friend: same title, a test bench's skills
    const falseFriend = await insertJobFor(tx, combination, "Data Engineer");
    await describe(tx, falseFriend, "LabVIEW, CAN bus and oscilloscopes on our test benches.");
    const feed = await tx.savepoint(async (sp) => {
      await actAs(sp, { kind: "user", id: user });
      const rows = await sp<
        {
          job_id: string;
          score: number;
          reason: string;
          matched_skills: string[];
          missing_skills: string[];
        }[]
      >`select job_id, score, reason, matched_skills, missing_skills from public.job_feed()`;
      await actAsOwner(sp);
      return rows;
    });
    assert.deepEqual(feed.map((r) => Number(r.job_id)), [fit, falseFriend]);
    assert.equal(
      feed[0].reason,
      "matches Data Engineer · Berlin · Python, Apache Spark, SQL +1",
      "the first three matches, and how many more",
    );
    assert.deepEqual(feed[0].matched_skills, ["Python", "Apache Spark", "SQL", "German"]);
    assert.deepEqual(feed[0].missing_skills, ["Kubernetes", "Terraform"], "labels, the ad's order");
    const [item] = await tx<{ s_skills: number }[]>`
      select s_skills from public.feed_items where user_id = ${user} and job_id = ${fit}`;
    assert.equal(item.s_skills, 30, "3 of the 4 skills an ad can name: 30 of 40 points");
    assert.ok(feed[0].score - feed[1].score >= 20);
    assert.doesNotMatch(feed[1].reason, /Python/);
    assert.deepEqual(feed[1].matched_skills, []);
  });
});
