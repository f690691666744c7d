/**
 * What stops a provider for the rest of the run, and the sentence that says how to fix it: a
 * spent quota (a 429 for it, or a page that spent the last of it), a refused key, subscription,
 * plan or endpoint, and a spent monthly budget. {@link stopProvider} then pauses the provider
 * for every invocation until the reason can have passed.
 *
 * @module
 */
import { PROVIDER_NAMES } from "../vocabulary.ts";
import type { Answer } from "./answer.ts";
import { type QuotaSnapshot, type Refusal, spentQuota } from "./rapidapi.ts";
import { type ProviderSession, stopProvider, type StopReason } from "./session.ts";

/** " (3 of 200 requests left, resets in 5 h)", or nothing without a quota. */
export function describeQuota(quota: QuotaSnapshot | null): string {
  if (!quota) return "";
  const parts: string[] = [];
  if (quota.requestsRemaining !== null) {
    parts.push(`${quota.requestsRemaining} of ${quota.requestsLimit ?? "?"} requests left`);
  }
  if (quota.jobsRemaining !== null) {
    parts.push(`${quota.jobsRemaining} of ${quota.jobsLimit ?? "?"} jobs left`);
  }
  if (quota.resetSeconds !== null) {
    parts.push(`resets in ${Math.round(quota.resetSeconds / 3600)} h`);
  }
  return parts.length ? ` (${parts.join(", ")})` : "";
}

/** The fix for a refusal that stops the provider; null for a refused request (it does not). */
function refusalFix(
  session: ProviderSession,
  endpoint: string,
  answer: { status: number; refusal: Refusal; message: string },
): string | null {
  const name = PROVIDER_NAMES[session.provider];
  const { status, message } = answer;
  switch (answer.refusal) {
    case "key":
      return `${name} rejected the key (401: ${message}). Check RAPIDAPI_KEY.`;
    case "subscription":
      return `${name} rejected the key (403: ${message}). Subscribe the RAPIDAPI_KEY account to ` +
        `${name} on RapidAPI.`;
    case "plan":
      return `${name} refused ${endpoint} (${status}: ${message}): the RAPIDAPI_KEY account's ` +
        `plan does not include it. Upgrade the ${name} subscription on RapidAPI.`;
    case "endpoint":
      return `${name} has no endpoint ${endpoint} (404: ${message}). ` +
        `Check the base URL ${session.settings.baseUrl}.`;
    case "request":
      return null;
  }
}

/** What an answer stops for the rest of the run, if anything; the provider is then stopped. */
export function stopForAnswer<T>(
  session: ProviderSession,
  endpoint: string,
  answer: Answer<T>,
): void {
  const name = PROVIDER_NAMES[session.provider];
  if (answer.kind === "quota_spent") {
    stopProvider(session, {
      outcome: "quota_exhausted",
      message: `${name} quota is spent: ${answer.message}${describeQuota(answer.quota)}. ` +
        `No more ${name} calls until it resets.`,
    });
  } else if (answer.kind === "refused") {
    const fix = refusalFix(session, endpoint, answer);
    if (fix) stopProvider(session, { outcome: "http_error", message: fix });
  } else if (answer.kind === "page") {
    // a page that spent the last of a quota stops the provider before the next call
    const spent = answer.quota ? spentQuota(answer.quota) : null;
    if (!spent) return;
    stopProvider(session, {
      outcome: "quota_exhausted",
      message: `${name} ${spent} quota is spent${describeQuota(answer.quota)}. ` +
        "No more calls until it resets.",
    });
  }
}

const BUDGET_COLUMNS = {
  jsearch: "jsearch_monthly_credits",
  active_jobs_db: "active_jobs_db_monthly_credits or active_jobs_db_monthly_jobs (a page " +
    "reserves 100 jobs)",
} as const;

/** The stop of a call the monthly budget has no room for. */
export function budgetStop(session: ProviderSession, credits: number, jobs: number): StopReason {
  const name = PROVIDER_NAMES[session.provider];
  return {
    outcome: "budget_exhausted",
    message: `${name}'s monthly budget has no room for a call costing ${credits} credit(s)` +
      (jobs ? ` and up to ${jobs} jobs` : "") + `; ${name} pauses until next month and what it ` +
      `skips is caught up in a later window. To go on now, raise ` +
      `${BUDGET_COLUMNS[session.provider]} in public.settings, then run select ` +
      `public.resume_provider('${session.provider}').`,
  };
}
