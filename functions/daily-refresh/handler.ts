/**
 * HTTP adapter of daily-refresh: checks the secret pg_cron's call carries (Vault
 * `functions_secret` in `x-webhook-secret`), validates the body, starts the run if asked, and
 * drains it — in the background with `waitUntil` where the runtime has it (202), else awaited.
 *
 * @module
 */
import type { RefreshInvocation } from "../../shared/refresh/run.ts";
import { readWebhook } from "../../shared/http/webhook.ts";
import { parseDailyRefreshPayload } from "./payload.ts";

/** What the handler needs. */
export interface DailyRefreshHandlerDeps {
  /** FUNCTIONS_SECRET: what callers must send in `x-webhook-secret`. */
  secret: string | undefined;
  /** Starts the run of `at`'s local date; its id, or null when it exists and is not forced. */
  start(at: Date | null, force: boolean): Promise<number | null>;
  /** The run of `at`'s local date, if any. */
  runOf(at: Date | null): Promise<{ id: number; status: string } | null>;
  refresh(runId: number): Promise<RefreshInvocation | null>;
  waitUntil?: (work: Promise<unknown>) => void;
  log?: (line: string) => void;
}

/** Builds the request handler. */
export function createDailyRefreshHandler(
  deps: DailyRefreshHandlerDeps,
): (req: Request) => Promise<Response> {
  const log = deps.log ?? ((line) => console.log(line));
  return async (req) => {
    const request = await readWebhook(req, deps.secret);
    if ("response" in request) return request.response;
    const payload = parseDailyRefreshPayload(request.body);
    if ("error" in payload) return Response.json({ error: payload.error }, { status: 400 });

    let runId: number;
    if (payload.kind === "drain") {
      runId = payload.runId;
    } else {
      const started = await deps.start(payload.at, payload.force);
      if (started === null) {
        const existing = await deps.runOf(payload.at);
        if (existing && existing.status !== "running") {
          return Response.json({
            run_id: existing.id,
            status: existing.status,
            message: 'This date has its run already; send "force": true to run it again.',
          }, { status: 200 });
        }
        if (!existing) return Response.json({ error: "No run could be started." }, { status: 500 });
        runId = existing.id;
      } else {
        runId = started;
      }
    }
    const work = deps.refresh(runId).then((outcome) => {
      log(`daily-refresh run ${runId}: ${JSON.stringify(outcome)}`);
      return outcome;
    });
    if (deps.waitUntil) {
      deps.waitUntil(work.catch((error) => log(`daily-refresh run ${runId} crashed: ${error}`)));
      return Response.json({ accepted: true, run_id: runId }, { status: 202 });
    }
    try {
      return Response.json(await work ?? { run_id: runId, status: "not running" }, {
        status: 200,
      });
    } catch (error) {
      return Response.json({
        error: `daily-refresh run ${runId} failed: ${(error as Error).message}. Its items' ` +
          "claims expire and the sweep wakes the run again.",
      }, { status: 500 });
    }
  };
}
