import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { activeJobsDbId, createJobWorld, jsearchJobId } from "../local/fakes/mod.ts";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { createJobGrouper } from "../shared/jobs/batch_grouping.ts";
import { jobIdentity } from "../shared/jobs/identity.ts";
import { evenChunks, storeJobs } from "../shared/jobs/store.ts";
import { fetchAllProviders } from "../shared/providers/mod.ts";
import { dbTest, withRollback } from "./support/database.ts";
import { markBackfilled } from "./support/fixtures.ts";
import { canonicalJob } from "./support/jobs.ts";
import { lastDays, NOW, startProviderHarness } from "./support/providers.ts";

async function counts(tx: TransactionSql) {
  const [row] = await tx<{ jobs: number; sources: number; links: number }[]>`
    select (select count(*) from public.jobs)::int as jobs,
           (select count(*) from public.job_sources)::int as sources,
           (select count(*) from public.combination_jobs)::int as links`;
  return row;
}

async function jobOf(tx: TransactionSql, provider: string, id: string): Promise<number | null> {
  const [row] = await tx<{ job_id: number }[]>`
    select job_id from public.job_sources where provider = ${provider} and provider_job_id = ${id}`;
  return row?.job_id ?? null;
}

Deno.test("the same posting from both providers is one job with two sources", dbTest, async () => {
  await withRollback(async (tx) => {
    const jsearch = canonicalJob({
      provider: "jsearch",
      providerJobId: "js-1",
      company: "Zalando",
      salary: null,
      applyUrl:
        "http://boards.greenhouse.io/zalando/jobs/123/?utm_campaign=google_jobs_apply&utm_source=google_jobs_apply",
    });
    const active = canonicalJob({
      provider: "active_jobs_db",
      providerJobId: "883909855940",
      company: "Zalando SE",
      validThrough: new Date("2026-12-31T00:00:00Z"),
    });
    const first = await storeJobs(tx, [jsearch]);
    assert.equal(first.newJobs, 1);
    const second = await storeJobs(tx, [active]);
    assert.equal(second.newJobs, 0);
    assert.equal(second.mergedAcrossProviders, 1);
    assert.deepEqual(await counts(tx), { jobs: 1, sources: 2, links: 0 });
    // the second source filled what the first lacked
    const [job] = await tx<
      { salary_min: string; salary_currency: string; valid_through: Date }[]
    >`select salary_min, salary_currency, valid_through from public.jobs`;
    assert.equal(Number(job.salary_min), 70000);
    assert.equal(job.salary_currency, "EUR");
    assert.equal(job.valid_through.toISOString(), "2026-12-31T00:00:00.000Z");
  });
});

Deno.test("seeing postings again moves last_seen_at and adds nothing", dbTest, async () => {
  await withRollback(async (tx) => {
    const jobs = [
      canonicalJob({ providerJobId: "a" }),
      canonicalJob({
        provider: "active_jobs_db",
        providerJobId: "1",
        title: "Product Manager",
        applyUrl: "https://jobs.lever.co/acme/1",
      }),
    ];
    await storeJobs(tx, jobs);
    const before = await counts(tx);
    await tx`update public.jobs set last_seen_at = now() - interval '1 day'`;
    await tx`update public.job_sources set last_seen_at = now() - interval '1 day'`;
    const again = await storeJobs(tx, jobs);
    assert.deepEqual(again, {
      postings: 2,
      jobs: 2,
      newJobs: 0,
      seenAgain: 2,
      mergedWithinProvider: 0,
      mergedAcrossProviders: 0,
      linked: 0,
      retried: 0,
    });
    assert.deepEqual(await counts(tx), before);
    const stale = await tx`
      select 1 from public.jobs where last_seen_at < now() - interval '1 hour'
      union all
      select 1 from public.job_sources where last_seen_at < now() - interval '1 hour'`;
    assert.equal(stale.length, 0, "every row was touched");
  });
});

Deno.test(
  "stored jobs are found by URL, fingerprint and (unambiguous) loose key",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await storeJobs(tx, [
        canonicalJob({ providerJobId: "base", applyUrl: "https://boards.greenhouse.io/z/jobs/1" }),
        canonicalJob({
          providerJobId: "hh",
          title: "Backend Developer",
          applyUrl: null,
          location: { city: "Hamburg" },
        }),
        canonicalJob({
          providerJobId: "muc",
          title: "Backend Developer",
          applyUrl: null,
          location: { city: "Munich" },
        }),
      ]);
      const base = await jobOf(tx, "jsearch", "base");
      const byUrl = canonicalJob({
        provider: "active_jobs_db",
        providerJobId: "u",
        title: "Data Engineer – Platform",
        applyUrl: "https://www.boards.greenhouse.io/z/jobs/1?gh_src=1",
      });
      const byFingerprint = canonicalJob({
        provider: "active_jobs_db",
        providerJobId: "f",
        company: "ZALANDO",
        applyUrl: "https://zalando.de/jobs/1",
      });
      const byLoose = canonicalJob({
        provider: "active_jobs_db",
        providerJobId: "l",
        applyUrl: null,
        location: { city: null, region: null, country: "DE", raw: "Germany" },
      });
      const ambiguous = canonicalJob({
        provider: "active_jobs_db",
        providerJobId: "amb",
        title: "Backend Developer",
        applyUrl: null,
        location: { city: null, region: null, country: "DE", raw: "Germany" },
      });
      const otherCountry = canonicalJob({
        provider: "active_jobs_db",
        providerJobId: "at",
        applyUrl: null,
        location: { city: null, region: null, country: "AT", raw: "Austria" },
      });
      for (const job of [byUrl, byFingerprint, byLoose, ambiguous, otherCountry]) {
        await storeJobs(tx, [job]);
      }
      assert.equal(await jobOf(tx, "active_jobs_db", "u"), base);
      assert.equal(await jobOf(tx, "active_jobs_db", "f"), base);
      assert.equal(await jobOf(tx, "active_jobs_db", "l"), base);
      const amb = await jobOf(tx, "active_jobs_db", "amb");
      assert.notEqual(amb, await jobOf(tx, "jsearch", "hh"), "Hamburg or Munich: neither");
      assert.notEqual(amb, await jobOf(tx, "jsearch", "muc"));
      assert.notEqual(await jobOf(tx, "active_jobs_db", "at"), base, "Austria is not Germany");
      const [empty] = await tx`select * from public.upsert_jobs('[]', '[]')`;
      assert.deepEqual({ ...empty }, {
        postings: 0,
        jobs: 0,
        new_jobs: 0,
        seen_again: 0,
        merged_within: 0,
        merged_across: 0,
        linked: 0,
      }, "an empty batch is a no-op");
    });
  },
);

Deno.test("a coarse job that learns its city stops matching other cities", dbTest, async () => {
  await withRollback(async (tx) => {
    await storeJobs(tx, [canonicalJob({
      providerJobId: "coarse",
      applyUrl: null,
      location: { city: null, region: null, country: "DE", raw: "Germany" },
    })]);
    await storeJobs(tx, [canonicalJob({ provider: "active_jobs_db", providerJobId: "berlin" })]);
    const job = await jobOf(tx, "jsearch", "coarse");
    assert.equal(await jobOf(tx, "active_jobs_db", "berlin"), job);
    const [row] = await tx<{ location_city: string; location_is_coarse: boolean }[]>`
      select location_city, location_is_coarse from public.jobs where id = ${job}`;
    assert.deepEqual(row, { location_city: "Berlin", location_is_coarse: false });
    await storeJobs(tx, [canonicalJob({
      provider: "active_jobs_db",
      providerJobId: "hamburg",
      applyUrl: "https://boards.greenhouse.io/zalando/jobs/hh",
      location: { city: "Hamburg" },
    })]);
    assert.notEqual(await jobOf(tx, "active_jobs_db", "hamburg"), job);
  });
});

Deno.test("jobs are linked to the combination that found them, once", dbTest, async () => {
  await withRollback(async (tx) => {
    const combinationId = await markBackfilled(tx, {
      title_keyword: "data engineer",
      location: "berlin",
    });
    const jobs = [
      canonicalJob({ providerJobId: "a" }),
      canonicalJob({ provider: "active_jobs_db", providerJobId: "b" }),
      canonicalJob({ providerJobId: "c", title: "Analytics Engineer", applyUrl: null }),
    ];
    const stats = await storeJobs(tx, jobs, { combinationId });
    assert.equal(stats.linked, 2);
    await storeJobs(tx, jobs, { combinationId });
    const links =
      await tx`select * from public.combination_jobs where combination_id = ${combinationId}`;
    assert.equal(links.length, 2);
  });
});

Deno.test(
  "a job's keys are md5 of kind:value, computed inline, not one call per key",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const job = canonicalJob({ providerJobId: "keys-1" });
      await storeJobs(tx, [job]);
      const identity = jobIdentity(job);
      const uuid = (text: string) =>
        createHash("md5").update(text).digest("hex").replace(
          /^(.{8})(.{4})(.{4})(.{4})(.{12})$/,
          "$1-$2-$3-$4-$5",
        );
      const keys = await tx<{ key: string }[]>`select key::text from public.job_keys order by 1`;
      assert.deepEqual(
        keys.map((row) => row.key),
        [uuid(`u:${identity.canonicalUrl}`), uuid(`f:${identity.fingerprint}`)].sort(),
      );
      // private.job_key is inlined into the statement that uses it: a SET clause would make it a
      // function call per key (twice per posting)
      const plan = await tx<{ "QUERY PLAN": string }[]>`
      explain (verbose) select private.job_key('u', v) from pg_catalog.generate_series(1, 2) as i,
        lateral (select i::text) as t(v)`;
      const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
      assert.match(text, /md5/);
      assert.doesNotMatch(text, /job_key/);
    });
  },
);

Deno.test("within one provider, two ids for one posting are merged", dbTest, async () => {
  await withRollback(async (tx) => {
    const linkedIn = canonicalJob({ providerJobId: "via-linkedin" });
    const indeed = canonicalJob({
      providerJobId: "via-indeed",
      applyUrl: "https://de.indeed.com/viewjob?jk=1",
    });
    const stats = await storeJobs(tx, [linkedIn]);
    assert.equal(stats.newJobs, 1);
    const second = await storeJobs(tx, [indeed]);
    assert.equal(second.mergedWithinProvider, 1);
    assert.deepEqual(await counts(tx), { jobs: 1, sources: 2, links: 0 });
    // in one batch, too
    const batch = await storeJobs(tx, [
      canonicalJob({ providerJobId: "x1", title: "QA Engineer", applyUrl: null }),
      canonicalJob({ providerJobId: "x2", title: "QA Engineer", applyUrl: null }),
    ]);
    assert.equal(batch.newJobs, 1);
    assert.equal(batch.mergedWithinProvider, 1);
  });
});

Deno.test("end to end: both providers' copies of a posting become one job", dbTest, async () => {
  const world = createJobWorld({ postingsPerDay: 4 });
  const h = await startProviderHarness({
    world,
    jsearch: { plan: { name: "PRO", monthlyRequests: 10_000 } },
    activeJobsDb: { plan: { name: "ULTRA", monthlyRequests: 10_000, monthlyJobs: 20_000 } },
  });
  try {
    await withRollback(async (tx) => {
      const search = { titleKeyword: "data engineer", location: "berlin" };
      const fetched = await fetchAllProviders(h.sessions, search, lastDays(7));
      assert.ok(fetched.every((f) => f.status === "ok"));
      const postings = fetched.flatMap((f) => f.jobs);
      const stored = await storeJobs(tx, postings);
      assert.equal(stored.postings, postings.length);

      // every world posting both providers returned is one job with both sources
      const shared = world.postings({ title: "data engineer", location: "berlin" }, {
        from: new Date(NOW.getTime() - 6.5 * 24 * 3600 * 1000),
        to: new Date(NOW.getTime() - 2 * 3600 * 1000),
      }).filter((p) => p.visibility === "both");
      const styles = new Set(shared.map((p) => p.overlapStyle));
      assert.ok(styles.size >= 2, `overlap styles covered: ${[...styles]}`);
      for (const posting of shared) {
        const a = await jobOf(tx, "jsearch", jsearchJobId(`${posting.uid}|jsearch`));
        const b = await jobOf(tx, "active_jobs_db", activeJobsDbId(posting.uid));
        assert.ok(a !== null && b !== null, `both copies of ${posting.uid} were fetched`);
        assert.equal(a, b, `${posting.overlapStyle}: ${posting.title} at ${posting.company.name}`);
      }
      assert.ok(stored.mergedAcrossProviders >= shared.length);

      // fetching and storing again adds nothing
      const before = await counts(tx);
      const again = await fetchAllProviders(h.sessions, search, lastDays(7));
      const restored = await storeJobs(tx, again.flatMap((f) => f.jobs));
      assert.equal(restored.newJobs, 0);
      assert.equal(restored.seenAgain, restored.postings);
      assert.deepEqual(await counts(tx), before);
    });
  } finally {
    await h.close();
  }
});

Deno.test(
  "records that pass the schema but could break Postgres are stored or rejected alone",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const good = canonicalJob({ providerJobId: "good", title: "Controller", applyUrl: null });
      const odd = canonicalJob({
        providerJobId: "odd",
        title: "Buchhalter\u0000 (m/w/d)",
        description: "Lone \ud800 surrogate and a NUL \u0000 here",
        raw: { note: "nul \u0000", broken: "\udfff" },
        applyUrl: null,
      });
      const stats = await storeJobs(tx, [good, odd]);
      assert.equal(stats.newJobs, 2);
      const [row] = await tx<{ description: string; raw: { note: string; broken: string } }[]>`
      select j.description, s.raw from public.jobs j
      join public.job_sources s on s.job_id = j.id where s.provider_job_id = 'odd'`;
      assert.equal(row.description, "Lone \ufffd surrogate and a NUL  here");
      assert.deepEqual(row.raw, { note: "nul ", broken: "\ufffd" });
    });
  },
);

Deno.test("the mappers drop what Postgres cannot take and reject what cannot be a job", async () => {
  const { parseJSearchPage } = await import("../shared/providers/jsearch/client.ts");
  const base = {
    job_id: "a",
    job_title: "Controller",
    employer_name: "Acme GmbH",
    job_city: "Berlin",
    job_country: "DE",
  };
  const { value } = parseJSearchPage({
    status: "OK",
    data: [
      { ...base, job_posted_at_timestamp: 1795651200000 }, // milliseconds
      { ...base, job_id: "b", job_posted_at_datetime_utc: "0000-01-01T00:00:00Z" },
      { ...base, job_id: "c", job_title: "x".repeat(3000) },
      { ...base, job_id: "d".repeat(400) },
      { ...base, job_id: "e", job_apply_link: `https://acme.de/jobs/1?q=${"x".repeat(2100)}` },
    ],
  });
  const byId = new Map(value.jobs.map((job) => [job.providerJobId, job]));
  assert.equal(byId.get("a")?.postedAt?.toISOString(), "2026-11-26T00:00:00.000Z");
  assert.equal(byId.get("b")?.postedAt, null, "year 0 is no date");
  assert.equal(byId.size, 2);
  assert.deepEqual(Object.keys(value.rejected).sort(), [
    "mapped applyUrl: is longer than 2048 characters",
    "mapped providerJobId: is longer than 300 characters",
    "mapped title: is longer than 500 characters",
  ]);
});

Deno.test("chunks are even, at most the size, and fill the last round of connections", () => {
  const items = Array.from({ length: 25_886 }, (_, i) => i);
  const sizes = (n: number, size: number, width: number) =>
    evenChunks(items.slice(0, n), size, width).map((chunk) => chunk.length);
  assert.deepEqual(sizes(25_886, 2000, 2), Array(14).fill(1849));
  assert.deepEqual(sizes(2500, 2000, 2), [1250, 1250]);
  assert.deepEqual(sizes(1500, 2000, 2), [1500]);
  assert.deepEqual(sizes(0, 2000, 2), []);
  assert.deepEqual(sizes(4001, 2000, 1), [1334, 1334, 1333]);
  assert.deepEqual(evenChunks(items.slice(0, 5), 2, 2).flat(), [0, 1, 2, 3, 4]);
});

Deno.test(
  "a stored posting's changed link or title still finds its job for a new copy",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      // the link changed since the posting was stored; the other provider's copy has only the new
      // link in common with it (its title differs)
      const before = canonicalJob({ providerJobId: "k", applyUrl: "https://a.example.com/jobs/1" });
      await storeJobs(tx, [before]);
      const after = { ...before, applyUrl: "https://b.example.com/jobs/2" };
      const copy = canonicalJob({
        provider: "active_jobs_db",
        providerJobId: "n",
        title: "Data Platform Engineer",
        applyUrl: "https://b.example.com/jobs/2?utm_source=x",
      });
      const stats = await storeJobs(tx, [after, copy]);
      assert.equal(await jobOf(tx, "active_jobs_db", "n"), await jobOf(tx, "jsearch", "k"));
      assert.equal(stats.newJobs, 0);
      assert.equal(stats.mergedAcrossProviders, 1);
      // its stored record follows the link
      const [source] = await tx<{ canonical_url: string }[]>`
      select canonical_url from public.job_sources where provider_job_id = 'k'`;
      assert.equal(source.canonical_url, "https://b.example.com/jobs/2");

      // the title changed; the new copy shares only the new fingerprint
      const titled = canonicalJob({
        providerJobId: "t",
        title: "Data Engineer",
        company: "Celonis SE",
        applyUrl: null,
      });
      await storeJobs(tx, [titled]);
      const retitled = { ...titled, title: "Senior Data Engineer" };
      const twin = canonicalJob({
        provider: "active_jobs_db",
        providerJobId: "t2",
        title: "Sr. Data Engineer",
        company: "Celonis",
        applyUrl: null,
      });
      await storeJobs(tx, [retitled, twin]);
      assert.equal(await jobOf(tx, "active_jobs_db", "t2"), await jobOf(tx, "jsearch", "t"));
    });
  },
);

Deno.test(
  "stored cities seen again keep a new coarse posting from joining one city",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const berlin = canonicalJob({
        providerJobId: "ber",
        applyUrl: null,
        location: { city: "Berlin" },
      });
      const hamburg = canonicalJob({
        providerJobId: "hh",
        applyUrl: null,
        location: { city: "Hamburg" },
      });
      await storeJobs(tx, [berlin, hamburg]);
      const munich = canonicalJob({
        provider: "active_jobs_db",
        providerJobId: "muc",
        applyUrl: null,
        location: { city: "Munich" },
      });
      const germany = canonicalJob({
        provider: "active_jobs_db",
        providerJobId: "de",
        applyUrl: null,
        location: { city: null, region: null, country: "DE", raw: "Germany" },
      });
      // the batch sees Berlin and Hamburg again: "Germany" could be any of three cities
      await storeJobs(tx, [berlin, hamburg, munich, germany]);
      const ids = await Promise.all(
        [["jsearch", "ber"], ["jsearch", "hh"], ["active_jobs_db", "muc"], ["active_jobs_db", "de"]]
          .map(([provider, id]) => jobOf(tx, provider, id)),
      );
      assert.equal(new Set(ids).size, 4, "four jobs: the coarse posting joined none");
    });
  },
);

Deno.test("groups come out the same whatever order the postings were added in", () => {
  const postings = [
    canonicalJob({ providerJobId: "a", salary: null }),
    canonicalJob({ provider: "active_jobs_db", providerJobId: "b", salary: null }),
    canonicalJob({ providerJobId: "c", title: "Analytics Engineer", applyUrl: null }),
  ].map((job, index) => ({ job, identity: jobIdentity(job), index }));
  const shape = (order: number[]) => {
    const grouper = createJobGrouper();
    grouper.add(order.map((i) => postings[i]));
    return grouper.groups().map((g) => g.members.map((m) => m.job.providerJobId));
  };
  assert.deepEqual(shape([0, 1, 2]), [["a", "b"], ["c"]]);
  assert.deepEqual(shape([2, 1, 0]), [["a", "b"], ["c"]]);
  assert.deepEqual(shape([1, 2, 0]), [["a", "b"], ["c"]]);
});
