/**
 * The paid APIs for a local run: the real ones where their keys are set, the local fakes
 * otherwise — started on free ports with a paid plan (the free tiers, 250 Active Jobs DB jobs a
 * month, would run out mid-demo) and returned as the environment that points the code at them.
 * Resend too: without RESEND_API_KEY the digest's emails go to the fake, whose `sent` log
 * `deno task start` shows at /local/inbox.
 *
 * @module
 */
import type { Config } from "../shared/config.ts";
import { mailboxAddress } from "../shared/email/resend.ts";
import { startFakeAnthropic } from "./fakes/anthropic.ts";
import { startProviderFakes } from "./fakes/mod.ts";
import { type FakeResend, startFakeResend } from "./fakes/resend.ts";

/**
 * The digest's sender on a local run without DIGEST_FROM: example.com (RFC 2606), the domain the
 * Resend fake has verified.
 */
export const LOCAL_DIGEST_FROM = "Job feed <digest@example.com>";

/** What was started: environment overrides for loadConfig, and what each API is. */
export interface LocalApis {
  env: Record<string, string>;
  providers: "fakes" | "real";
  claude: "fake" | "real";
  email: "fake" | "real";
  /** The Resend fake (its `sent` log is the local inbox); undefined with RESEND_API_KEY. */
  resend?: FakeResend;
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
  const resend = config.RESEND_API_KEY ? undefined : await startResend(config, options.key, env);
  if (resend) closers.push(() => resend.close());
  return {
    env,
    providers: config.RAPIDAPI_KEY ? "real" : "fakes",
    claude: config.ANTHROPIC_API_KEY ? "real" : "fake",
    email: resend ? "fake" : "real",
    resend,
    async close() {
      await Promise.all(closers.map((close) => close()));
    },
  };
}

/**
 * The Resend fake: `key` accepted, the sender's domain verified (DIGEST_FROM's, else
 * {@link LOCAL_DIGEST_FROM}'s), a rate and quota no local run reaches; its environment goes to
 * `env`.
 */
async function startResend(
  config: Config,
  key: string,
  env: Record<string, string>,
): Promise<FakeResend> {
  const from = config.DIGEST_FROM ?? LOCAL_DIGEST_FROM;
  const domain = mailboxAddress(from)?.split("@").pop()?.toLowerCase() ?? "example.com";
  const resend = await startFakeResend({
    keys: [key],
    verifiedDomains: [domain],
    requestsPerSecond: 100,
    dailyQuota: 100_000,
  });
  Object.assign(env, { RESEND_API_KEY: key, RESEND_BASE_URL: resend.url, DIGEST_FROM: from });
  return resend;
}
