/**
 * The job providers as one unit: sessions for a run built from the environment and the paging
 * settings, and fetching a combination from both providers at once. A provider that fails, or is
 * stopped for the run, never stops the other.
 *
 * @module
 */
import type { Config } from "../config.ts";
import { type Provider, PROVIDERS } from "../vocabulary.ts";
import { ACTIVE_JOBS_HOST, fetchActiveJobsDb } from "./active_jobs_db/client.ts";
import { fetchJSearch, JSEARCH_HOST } from "./jsearch/client.ts";
import type { UsageLedger } from "./ledger.ts";
import { DEFAULT_PAGING_SETTINGS, type PagingSettings } from "./paging_settings.ts";
import { createProviderSession, type ProviderSession, type SessionOptions } from "./session.ts";
import type { CallContext, FetchWindow, JobSearch, ProviderFetch } from "./types.ts";

/** Both providers' sessions for one run. */
export interface ProviderSessions {
  jsearch: ProviderSession;
  active_jobs_db: ProviderSession;
  /** JSearch `country` for locations that name none. */
  defaultCountry: string;
  /** JSearch `num_pages` per call. */
  jsearchPagesPerCall: number;
}

/** Thrown when providers are needed but RAPIDAPI_KEY is not set. */
export class MissingApiKeyError extends Error {
  override name = "MissingApiKeyError";
}

/** What {@link createProviderSessions} takes besides the environment. */
export type ProviderSessionsOptions = { ledger: UsageLedger } & Omit<SessionOptions, "ledger"> & {
  /** The paging settings; each one missing is the column default of `public.settings`. */
  paging?: Partial<PagingSettings>;
};

/**
 * Builds both sessions from the environment and `options.paging` (for a database:
 * `databaseBackedSessions`, which reads `public.settings`).
 */
export function createProviderSessions(
  config: Config,
  options: ProviderSessionsOptions,
): ProviderSessions {
  if (!config.RAPIDAPI_KEY) {
    throw new MissingApiKeyError(
      "RAPIDAPI_KEY is not set. Set it to your RapidAPI key (subscribed to JSearch and Active " +
        "Jobs DB), or point JSEARCH_BASE_URL and ACTIVE_JOBS_BASE_URL at the local fakes.",
    );
  }
  const retry = {
    maxRetries: config.PROVIDER_MAX_RETRIES,
    baseDelayMs: config.PROVIDER_RETRY_BASE_MS,
    maxDelayMs: config.PROVIDER_RETRY_MAX_MS,
  };
  const common = { apiKey: config.RAPIDAPI_KEY, timeoutMs: config.PROVIDER_TIMEOUT_MS, retry };
  const { paging, ...sessionOptions } = options;
  const settings: PagingSettings = { ...DEFAULT_PAGING_SETTINGS, ...paging };
  return {
    jsearch: createProviderSession("jsearch", {
      ...common,
      baseUrl: config.JSEARCH_BASE_URL,
      host: JSEARCH_HOST,
      requestsPerSecond: config.JSEARCH_REQUESTS_PER_SECOND,
      maxConcurrency: config.JSEARCH_MAX_CONCURRENCY,
      maxPages: settings.jsearchMaxPages,
    }, sessionOptions),
    active_jobs_db: createProviderSession("active_jobs_db", {
      ...common,
      baseUrl: config.ACTIVE_JOBS_BASE_URL,
      host: ACTIVE_JOBS_HOST,
      requestsPerSecond: config.ACTIVE_JOBS_REQUESTS_PER_SECOND,
      maxConcurrency: config.ACTIVE_JOBS_MAX_CONCURRENCY,
      maxPages: settings.activeJobsDbMaxPages,
    }, sessionOptions),
    defaultCountry: settings.jsearchDefaultCountry.toLowerCase(),
    jsearchPagesPerCall: settings.jsearchPagesPerCall,
  };
}

/** Fetches one combination from one provider. */
export function fetchFrom(
  provider: Provider,
  sessions: ProviderSessions,
  search: JobSearch,
  window: FetchWindow,
  context: CallContext = {},
): Promise<ProviderFetch> {
  return provider === "jsearch"
    ? fetchJSearch(sessions.jsearch, search, window, {
      context,
      defaultCountry: sessions.defaultCountry,
      pagesPerCall: sessions.jsearchPagesPerCall,
    })
    : fetchActiveJobsDb(sessions.active_jobs_db, search, window, { context });
}

/** Fetches one combination from both providers in parallel. */
export async function fetchAllProviders(
  sessions: ProviderSessions,
  search: JobSearch,
  window: FetchWindow,
  context: CallContext = {},
): Promise<ProviderFetch[]> {
  return await Promise.all(
    PROVIDERS.map((provider) => fetchFrom(provider, sessions, search, window, context)),
  );
}

export type { CallContext, FetchWindow, JobSearch, ProviderFetch } from "./types.ts";
export type { UsageLedger } from "./ledger.ts";
export { memoryUsageLedger, sqlUsageLedger } from "./ledger.ts";
export type { PagingSettings } from "./paging_settings.ts";
export { DEFAULT_PAGING_SETTINGS, readPagingSettings } from "./paging_settings.ts";
