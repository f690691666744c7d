/**
 * JSearch's real API against the product's own client: one `/search` request (one page, one
 * request credit) built by `planJSearch`, sent through the product's session, read by its zod
 * schemas and mapper. Ignored without RAPIDAPI_KEY, and in CI (see README.md here).
 *
 * @module
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../shared/config.ts";
import { canonicalJobSchema } from "../../shared/jobs/canonical_job.ts";
import { callProvider } from "../../shared/providers/call.ts";
import { parseJSearchPage, planJSearch } from "../../shared/providers/jsearch/client.ts";
import { createProviderSessions, memoryUsageLedger } from "../../shared/providers/mod.ts";

const KEY = Deno.env.get("RAPIDAPI_KEY");

Deno.test({
  name: "contract: JSearch /search parses with the product's schema and maps to canonical jobs",
  ignore: !KEY || Deno.env.has("CI"),
  async fn() {
    // the real base URL whatever JSEARCH_BASE_URL says; no retry, so exactly one request
    const config = loadConfig({ RAPIDAPI_KEY: KEY, PROVIDER_MAX_RETRIES: "0" });
    const session = createProviderSessions(config, { ledger: memoryUsageLedger() }).jsearch;
    assert.equal(session.settings.baseUrl, "https://jsearch.p.rapidapi.com");
    const sent: Response[] = [];
    const fetchOnce = session.fetch;
    session.fetch = async (input, init) => {
      const response = await fetchOnce(input, init);
      sent.push(response);
      return response;
    };
    const now = new Date();
    const search = { titleKeyword: "software engineer", location: "berlin" };
    const plan = planJSearch(search, {
      since: new Date(now.getTime() - 7 * 86_400_000),
      until: now,
    });
    const result = await callProvider(session, {
      endpoint: plan.endpoint,
      params: { ...plan.params, page: "1", num_pages: "1" },
      credits: 1,
      parse: parseJSearchPage,
      context: {},
    });

    assert.equal(sent.length, 1, "one request");
    assert.ok(result.ok, `the call failed: ${!result.ok && result.error}`);
    const page = result.value;
    assert.ok(page.records > 0, "a week of software engineers in Berlin has postings");
    assert.deepEqual(page.rejected, {}, "every record passes jsearchJobSchema and maps");
    for (const job of page.jobs) canonicalJobSchema.parse(job);
    // the quota headers readQuota() takes the remaining requests and their reset from
    for (const header of ["x-ratelimit-requests-limit", "x-ratelimit-requests-remaining"]) {
      assert.ok(sent[0].headers.has(header), `${header} is missing`);
    }
    assert.ok(result.quota.requestsRemaining !== null && result.quota.requestsLimit !== null);
  },
});
