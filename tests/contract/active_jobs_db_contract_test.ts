/**
 * Active Jobs DB's real API against the product's own client: one `/active-ats-7d` request built
 * by `planActiveJobsDb` with `limit=10` (one request credit, at most ten job credits), sent
 * through the product's session, read by its zod schemas and mapper. Ignored without
 * RAPIDAPI_KEY, and in CI (see README.md here).
 *
 * @module
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../shared/config.ts";
import { canonicalJobSchema } from "../../shared/jobs/canonical_job.ts";
import {
  parseActiveJobsPage,
  planActiveJobsDb,
} from "../../shared/providers/active_jobs_db/client.ts";
import { callProvider } from "../../shared/providers/call.ts";
import { createProviderSessions, memoryUsageLedger } from "../../shared/providers/mod.ts";

const KEY = Deno.env.get("RAPIDAPI_KEY");

Deno.test({
  name: "contract: Active Jobs DB parses with the product's schema and maps to canonical jobs",
  ignore: !KEY || Deno.env.has("CI"),
  async fn() {
    // the real base URL whatever ACTIVE_JOBS_BASE_URL says; no retry, so exactly one request
    const config = loadConfig({ RAPIDAPI_KEY: KEY, PROVIDER_MAX_RETRIES: "0" });
    const session = createProviderSessions(config, { ledger: memoryUsageLedger() })
      .active_jobs_db;
    assert.equal(session.settings.baseUrl, "https://active-jobs-db.p.rapidapi.com");
    const sent: Response[] = [];
    const fetchOnce = session.fetch;
    session.fetch = async (input, init) => {
      const response = await fetchOnce(input, init);
      sent.push(response);
      return response;
    };
    const now = new Date();
    const search = { titleKeyword: "software engineer", location: "germany" };
    const plan = planActiveJobsDb(search, {
      since: new Date(now.getTime() - 7 * 86_400_000),
      until: now,
    });
    assert.equal(plan.endpoint, "/active-ats-7d");
    const result = await callProvider(session, {
      endpoint: plan.endpoint,
      params: { ...plan.params, limit: "10", offset: "0" },
      credits: 1,
      records: 10,
      parse: parseActiveJobsPage,
      context: {},
    });

    assert.equal(sent.length, 1, "one request");
    assert.ok(result.ok, `the call failed: ${!result.ok && result.error}`);
    const page = result.value;
    assert.ok(page.records > 0, "a week of software engineers in Germany has postings");
    assert.deepEqual(page.rejected, {}, "every record passes activeJobSchema and maps");
    for (const job of page.jobs) canonicalJobSchema.parse(job);
    assert.ok(page.jobs.some((job) => job.description), "description_type=text is honoured");
    // both quota dimensions readQuota() takes: requests, and the job credits records spend
    for (
      const header of [
        "x-ratelimit-requests-limit",
        "x-ratelimit-requests-remaining",
        "x-ratelimit-jobs-limit",
        "x-ratelimit-jobs-remaining",
      ]
    ) {
      assert.ok(sent[0].headers.has(header), `${header} is missing`);
    }
    assert.ok(result.quota.requestsRemaining !== null && result.quota.jobsRemaining !== null);
  },
});
