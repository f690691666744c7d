/**
 * The paid APIs for a local run: the real ones where their keys are set, the local fakes
 * otherwise — started on free ports with a paid plan (the free tiers, 250 Active Jobs DB jobs a
 * month, would run out mid-demo) and returned as the environment that points the code at them.
 *
 * @module
 */
import type { Config } from "../shared/config.ts";
import { startFakeAnthropic } from "./fakes/anthropic.ts";
import { startProviderFakes } from "./fakes/mod.ts";

/** What was started: environment overrides for loadConfig, and what each API is. */
export interface LocalApis {
  env: Record<string, string>;
  providers: "fakes" | "real";
  claude: "fake" | "real";
  close(): Promise<void>;
}

/** Starts a fake for every API whose key `config` lacks; `key` is what the fakes accept. */
export async function startFakesUnlessKeys(
  config: Config,
  options: {
    key: string;
    requestsPerSecond?: number;
    /** Added to every answer of the Claude fake (a real CV takes Claude several seconds). */
    claudeLatencyMs?: number;
  },
): Promise<LocalApis> {
  const closers: (() => Promise<void>)[] = [];
  const env: Record<string, string> = {};
  if (!config.RAPIDAPI_KEY) {
    const plan = { name: "PRO" as const, monthlyRequests: 100_000, monthlyJobs: 100_000 };
    const fakes = await startProviderFakes({
      jsearch: { plan, keys: [options.key] },
      activeJobsDb: { plan, keys: [options.key] },
    });
    closers.push(() => fakes.close());
    Object.assign(env, {
      RAPIDAPI_KEY: options.key,
      JSEARCH_BASE_URL: fakes.jsearch.url,
      ACTIVE_JOBS_BASE_URL: fakes.activeJobsDb.url,
    });
    if (options.requestsPerSecond) {
      env.JSEARCH_REQUESTS_PER_SECOND = String(options.requestsPerSecond);
      env.ACTIVE_JOBS_REQUESTS_PER_SECOND = String(options.requestsPerSecond);
    }
  }
  if (!config.ANTHROPIC_API_KEY) {
    const claude = await startFakeAnthropic({
      keys: [options.key],
      latencyMs: options.claudeLatencyMs ?? 0,
    });
    closers.push(() => claude.close());
    Object.assign(env, { ANTHROPIC_API_KEY: options.key, ANTHROPIC_BASE_URL: claude.url });
  }
  return {
    env,
    providers: config.RAPIDAPI_KEY ? "real" : "fakes",
    claude: config.ANTHROPIC_API_KEY ? "real" : "fake",
    async close() {
      await Promise.all(closers.map((close) => close()));
    },
  };
}
