/**
 * Contract with the real Anthropic Messages API, opt-in: ONE paid request through the product's
 * own call (`shared/cv/extract.ts`) with a sample CV. It runs only where `ANTHROPIC_API_KEY` is set
 * and `CI` is not; the model, base URL, retries and timeout come from the product's config.
 *
 * ```sh
 * ANTHROPIC_API_KEY=sk-ant-... deno test -A tests/contract/anthropic_contract_test.ts
 * ```
 *
 * @module
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { loadConfig } from "../../shared/config.ts";
import { extractProfile } from "../../shared/cv/extract.ts";
import { cvProfileSchema } from "../../shared/cv/profile.ts";

const SAMPLE = "senior-data-engineer-berlin.pdf";

Deno.test({
  name: "contract: Claude reads a sample CV into a profile the product's schema accepts",
  ignore: !Deno.env.get("ANTHROPIC_API_KEY") || Deno.env.has("CI"),
  async fn() {
    const config = loadConfig();
    const client = new Anthropic({
      apiKey: config.ANTHROPIC_API_KEY,
      baseURL: config.ANTHROPIC_BASE_URL,
      maxRetries: config.ANTHROPIC_MAX_RETRIES,
      timeout: config.ANTHROPIC_TIMEOUT_MS,
    });
    const pdf = await Deno.readFile(new URL(`../../local/samples/${SAMPLE}`, import.meta.url));
    const read = await extractProfile(pdf, SAMPLE, { client, model: config.ANTHROPIC_MODEL });
    cvProfileSchema.parse(read.profile);
    assert.equal(read.profile.is_cv, true);
    assert.ok(read.profile.job_titles.some((t) => /data engineer/i.test(t.title)));
    assert.ok(read.profile.locations.some((l) => /berlin/i.test(l.place)));
    // one page and the instructions: about 2,000–4,000 input tokens; the profile a few hundred
    assert.ok(read.usage.input > 0 && read.usage.output > 0, JSON.stringify(read.usage));
    console.log(
      `${read.model}: ${read.usage.input} input and ${read.usage.output} output tokens; ` +
        `the fake's recording of ${SAMPLE} is in local/samples/profiles.json`,
    );
  },
});
