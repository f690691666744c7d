/**
 * The skills line of `deno task jobs stats`: the vocabulary by source and the skills-sweep's
 * latest pass, waiting, reading or done, as read from the database and said in words.
 */
import assert from "node:assert/strict";
import { sweepUntilDone } from "../bench/skills_sweep.ts";
import { describePass, describeSkills, skillsStatus } from "../shared/feed/skills_status.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { insertJobFor, markBackfilled } from "./support/fixtures.ts";

const pass = {
  id: 7,
  fromVersion: 480,
  toVersion: 482,
  startedAt: "2026-12-07T14:29:15.823Z",
  readingAt: null,
  finishedAt: null,
  jobsRead: 0,
  jobsIndexed: 0,
  jobsLeft: null,
};

Deno.test("skills status: a pass waiting, reading and done, in words", () => {
  assert.match(
    describePass(pass),
    /^pass #7 \(versions 481–482\) waiting since 2026-12-07 14:29 for the transactions open when it began \(.*idle in transaction/,
  );
  assert.equal(
    describePass({ ...pass, readingAt: "2026-12-07T14:30:00Z", jobsRead: 2000, jobsLeft: 98000 }),
    "pass #7 (versions 481–482) reading since 2026-12-07 14:30: read 2000 jobs, 0 changed, " +
      "98000 left",
  );
  assert.equal(
    describePass({
      ...pass,
      readingAt: "2026-12-07T14:30:00Z",
      finishedAt: "2026-12-07T14:31:00Z",
      jobsRead: 100000,
      jobsIndexed: 1680,
    }),
    "pass #7 (versions 481–482) done 2026-12-07 14:31: read 100000 jobs, 1680 changed",
  );
});

Deno.test(
  "skills status: the vocabulary and the latest pass as the database has them",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const combination = await markBackfilled(tx, {
        title_keyword: "status engineer",
        location: "berlin",
      });
      await insertJobFor(tx, combination, "Status Engineer");
      const before = await skillsStatus(tx);
      assert.ok(before.starterSkills > 200);
      assert.ok(before.synonyms > 200);
      await tx`select private.add_skills(${
        tx.json([
          { label: "Statusflow", kind: "skill" },
          { label: "IT", kind: "skill" },
        ] as never)
      })`;
      const grown = await skillsStatus(tx);
      assert.equal(grown.cvSkills, before.cvSkills + 2);
      assert.equal(grown.notInAds, before.notInAds + 1, "'IT' is too short to look for");
      assert.ok(grown.version > before.version);
      await sweepUntilDone(tx);
      const swept = await skillsStatus(tx);
      assert.equal(swept.lastPass?.toVersion, grown.version);
      assert.ok(swept.lastPass?.finishedAt, "one job: read in one batch");
      assert.ok(swept.lastPass!.jobsRead >= 1);
      assert.match(
        describeSkills(swept),
        /^Skills: \d+ starter and \d+ from CVs \(\d+ not looked for in ads\), \d+ synonyms, vocabulary version \d+; skills-sweep pass #\d+ \(versions \d+–\d+\) done /,
      );
    });
  },
);
