/**
 * The local stand-in for a Supabase project's moving parts, on one database: the Edge Functions
 * (cv-ingest, backfill, daily-refresh, digest, and feed, cvs, searches for the web page) served at
 * `/functions/v1/<name>` with `waitUntil` as the Edge runtime has it, Storage's side of an upload (files + `storage.objects`), and pg_net's
 * worker delivering what the database queued. The demo, `deno task start` and tests build on it.
 *
 * @module
 */
import Anthropic from "@anthropic-ai/sdk";
import { createBackfillHandler } from "../functions/backfill/handler.ts";
import { createCvIngestHandler } from "../functions/cv-ingest/handler.ts";
import { createDailyRefreshHandler } from "../functions/daily-refresh/handler.ts";
import { digestHandlerDeps } from "../functions/digest/deps.ts";
import { createDigestHandler } from "../functions/digest/handler.ts";
import { createCvsHandler } from "../functions/cvs/handler.ts";
import { createFeedHandler } from "../functions/feed/handler.ts";
import { createSearchesHandler } from "../functions/searches/handler.ts";
import { createHealthHandler } from "../functions/health/handler.ts";
import { verifyAccessToken } from "../shared/auth/verify_jwt.ts";
import { deleteCvAs, listCvsAs } from "../shared/cv/my_cvs.ts";
import { readDescriptionAs } from "../shared/feed/description.ts";
import { setHiddenAs } from "../shared/feed/hidden.ts";
import { readFeedAs } from "../shared/feed/job_feed.ts";
import {
  addSearchAs,
  editSearchAs,
  listSearchesAs,
  removeSearchAs,
} from "../shared/searches/my_searches.ts";
import { DEFAULT_LOCAL_JWT_SECRET } from "./jwt.ts";
import { requestBackfill } from "../shared/backfill/claims.ts";
import { backfillDepsFromConfig } from "../shared/backfill/from_config.ts";
import { runBackfill } from "../shared/backfill/run.ts";
import type { Config } from "../shared/config.ts";
import { ingestCv } from "../shared/cv/ingest.ts";
import type { Sql } from "../shared/db/postgres.ts";
import { runOfDate, startRun } from "../shared/refresh/claims.ts";
import { refreshDepsFromConfig } from "../shared/refresh/from_config.ts";
import { runRefresh } from "../shared/refresh/run.ts";
import { digestDepsFromConfig } from "../shared/digest/from_config.ts";
import { type FunctionHandler, type FunctionsServer, serveFunctions } from "./functions_server.ts";
import { deliverQueuedRequests } from "./net_worker.ts";
import type { ObjectFiles } from "./storage/files.ts";
import { removeLikeStorage, setFunctionSecrets, uploadLikeStorage } from "./storage/objects.ts";

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  sql: Sql;
  /** Provider and Claude settings (base URLs and keys: the fakes' or the real ones). */
  config: Config;
  files: ObjectFiles;
  /** Port of the functions (Supabase's local layout uses 54321); 0 = a free one. */
  port?: number;
  /** The shared secret of database → function calls (Vault functions_secret). */
  secret?: string;
  /** The HS256 secret user tokens are signed with (the feed function verifies them). */
  jwtSecret?: string;
  /** Other paths served next to the functions (e.g. Storage's endpoints). */
  other?: (req: Request) => Response | Promise<Response> | undefined;
  log?: (line: string) => void;
}

/** A running stack. */
export interface LocalStack {
  /** Base URL, e.g. http://127.0.0.1:54321 (Vault project_url). */
  url: string;
  secret: string;
  /** Uploads a CV the way Storage does: the file, then its storage.objects row (trigger fires). */
  uploadCv(userId: string, fileName: string, bytes: Uint8Array): Promise<string>;
  /** Delivers queued HTTP calls and waits for the work they start until nothing is left. */
  settle(options?: { timeoutMs?: number }): Promise<void>;
  close(): Promise<void>;
}

/** Whether a URL points at this machine (or the local Supabase stack's internal host). */
function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return [
      "localhost",
      "127.0.0.1",
      "::1",
      "[::1]",
      "api.supabase.internal",
      "kong",
      "host.docker.internal",
    ].includes(host);
  } catch {
    return false;
  }
}

/** Work the functions hand to `waitUntil`, tracked until it settles. */
interface BackgroundWork {
  inFlight: Set<Promise<unknown>>;
  waitUntil: (work: Promise<unknown>) => void;
}

/** A `waitUntil` as the Edge runtime has it: the work runs on; failures go to `log`. */
function backgroundWork(log: (line: string) => void): BackgroundWork {
  const inFlight = new Set<Promise<unknown>>();
  const waitUntil = (work: Promise<unknown>) => {
    const tracked = work.catch((error) => log(`background work failed: ${error}`))
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };
  return { inFlight, waitUntil };
}

/** What the function handlers are built from. */
interface HandlerContext {
  sql: Sql;
  config: Config;
  files: ObjectFiles;
  secret: string;
  jwtSecret: string;
  /** The stack's base URL, once it serves (the digest's unsubscribe links point at it). */
  url: () => string;
  waitUntil: (work: Promise<unknown>) => void;
  log: (line: string) => void;
}

/** Each function's handler by name, wired to `sql`, the files and Claude as in a project. */
function functionHandlers(context: HandlerContext): Record<string, FunctionHandler> {
  const { sql, config, files, secret, waitUntil, log } = context;
  const claude = new Anthropic({
    apiKey: config.ANTHROPIC_API_KEY,
    baseURL: config.ANTHROPIC_BASE_URL,
    maxRetries: config.ANTHROPIC_MAX_RETRIES,
    timeout: config.ANTHROPIC_TIMEOUT_MS,
  });
  const backfillDeps = backfillDepsFromConfig(config, sql, { chain: true, log });
  const refreshDeps = refreshDepsFromConfig(config, sql, { chain: true, log });
  const verify = (token: string) => verifyAccessToken(token, { secret: context.jwtSecret });
  return {
    "cv-ingest": createCvIngestHandler({
      secret,
      waitUntil,
      log,
      ingest: (id) =>
        ingestCv({
          sql,
          storage: files,
          claude,
          model: config.ANTHROPIC_MODEL,
          maxPages: config.CV_MAX_PAGES,
          maxBytes: config.CV_MAX_BYTES,
        }, id),
    }),
    backfill: createBackfillHandler({
      secret,
      waitUntil,
      log,
      requestBackfill: (userId, days) => requestBackfill(sql, userId, days),
      backfill: (opts) => runBackfill(backfillDeps, opts),
    }),
    feed: createFeedHandler({
      verify,
      feed: (user, query) => readFeedAs(sql, user, query),
      setHidden: (user, target, hidden) => setHiddenAs(sql, user, target, hidden),
      description: (user, jobId) => readDescriptionAs(sql, user, jobId),
    }),
    cvs: createCvsHandler({
      verify,
      list: (user, opts) => listCvsAs(sql, user, opts),
      // Storage's delete, in the function's transaction (the stand-in shares the database)
      remove: (user, id) =>
        deleteCvAs(sql, user, id, async (path, tx) => {
          await removeLikeStorage(tx, { actor: { kind: "user", id: user.sub }, name: path });
          await files.remove("cvs", path);
        }),
    }),
    health: createHealthHandler(sql),
    searches: createSearchesHandler({
      verify,
      list: (user) => listSearchesAs(sql, user),
      add: (user, fields) => addSearchAs(sql, user, fields),
      edit: (user, id, patch) => editSearchAs(sql, user, id, patch),
      remove: (user, id) => removeSearchAs(sql, user, id),
    }),
    "daily-refresh": createDailyRefreshHandler({
      secret,
      waitUntil,
      log,
      start: (at, force) => startRun(sql, { at: at ?? undefined, force, triggeredBy: "manual" }),
      runOf: (at) => runOfDate(sql, at ?? new Date()),
      refresh: (runId) => runRefresh(refreshDeps, { runId }),
    }),
    digest: digestHandler(context, verify),
  };
}

/**
 * The digest function, its unsubscribe links signed with the stack's functions secret and
 * pointing at this stack (SUPABASE_URL where set).
 */
function digestHandler(
  context: HandlerContext,
  verify: (token: string) => ReturnType<typeof verifyAccessToken>,
): FunctionHandler {
  const { sql, secret, waitUntil, log } = context;
  const deps = () =>
    digestDepsFromConfig(
      {
        ...context.config,
        FUNCTIONS_SECRET: secret,
        SUPABASE_URL: context.config.SUPABASE_URL ?? context.url(),
      },
      sql,
      { chain: true, log },
    );
  return createDigestHandler(
    digestHandlerDeps({ sql, secret, verify, runDeps: deps, waitUntil, log }),
  );
}

/** Vault's `project_url` and `functions_secret` (either may be missing). */
interface VaultSecrets {
  url: string | null;
  secret: string | null;
}

/**
 * Points Vault at `server` and returns the values it held. Refuses (closing `server`) a database
 * whose `project_url` is not on this machine.
 */
async function takeOverVault(
  sql: Sql,
  server: FunctionsServer,
  secret: string,
): Promise<VaultSecrets | undefined> {
  // the database calls these functions through Vault's project_url: never take over a database
  // that calls a real project's functions, and give the previous values back on close
  const [previous] = await sql<VaultSecrets[]>`
    select (select decrypted_secret from vault.decrypted_secrets where name = 'project_url'
            order by created_at desc limit 1) as url,
           (select decrypted_secret from vault.decrypted_secrets where name = 'functions_secret'
            order by created_at desc limit 1) as secret`;
  if (previous?.url && !isLocalUrl(previous.url)) {
    await server.close();
    throw new Error(
      `This database's Vault project_url is ${previous.url}: it belongs to a Supabase project, ` +
        "whose calls the local stand-in would take over. Run local tools against a local " +
        "database only.",
    );
  }
  await setFunctionSecrets(sql, server.url, secret);
  return previous;
}

/** Delivers queued HTTP calls and waits for the work they start until nothing is left. */
async function settleStack(
  sql: Sql,
  inFlight: Set<Promise<unknown>>,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const delivered = await deliverQueuedRequests(sql);
    if (inFlight.size > 0) await Promise.all([...inFlight]);
    if (delivered.length === 0 && inFlight.size === 0) {
      const [{ queued }] = await sql`select count(*)::int as queued from net.http_request_queue`;
      if (queued === 0) return;
    }
    if (Date.now() > deadline) {
      throw new Error(`The local stack did not settle in ${timeoutMs} ms.`);
    }
  }
}

/** Starts the functions and sets the Vault secrets the database calls them with. */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { sql, config, files } = options;
  const log = options.log ?? (() => {});
  const secret = options.secret ?? crypto.randomUUID();
  const { inFlight, waitUntil } = backgroundWork(log);
  const jwtSecret = options.jwtSecret ?? DEFAULT_LOCAL_JWT_SECRET;
  let url = "";
  const handlers = functionHandlers({
    sql,
    config,
    files,
    secret,
    jwtSecret,
    url: () => url,
    waitUntil,
    log,
  });
  const server = serveFunctions(handlers, { port: options.port ?? 0, other: options.other });
  url = server.url;
  const previous = await takeOverVault(sql, server, secret);

  return {
    url: server.url,
    secret,
    async uploadCv(userId, fileName, bytes) {
      const name = `${userId}/${fileName}`;
      await files.put("cvs", name, bytes);
      await sql.begin((tx) => uploadLikeStorage(tx, { userId, name, size: bytes.length }));
      return name;
    },
    async settle({ timeoutMs = 120_000 } = {}) {
      await settleStack(sql, inFlight, timeoutMs);
    },
    async close() {
      await Promise.allSettled([...inFlight]);
      await server.close();
      if (previous?.url && previous?.secret) {
        await setFunctionSecrets(sql, previous.url, previous.secret).catch(() => {});
      }
    },
  };
}
