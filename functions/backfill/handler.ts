/**
 * HTTP adapter of the backfill: checks the webhook secret, validates the body, answers at once
 * (202) and does the work with `waitUntil` where the runtime has it, so pg_net's short timeout
 * never cuts it. Without `waitUntil` (local runs, tests) it answers with the outcome.
 *
 * @module
 */
import type { BackfillInvocation, BackfillOptions } from "../../shared/backfill/run.ts";
import { readWebhook } from "../../shared/http/webhook.ts";
import { parseBackfillPayload } from "./payload.ts";

/** What the handler needs. */
export interface BackfillHandlerDeps {
  /** FUNCTIONS_SECRET: what callers must send in `x-webhook-secret`. */
  secret: string | undefined;
  /** Records a request made by hand (public.request_backfill); returns its id. */
  requestBackfill(userId: string, days: number | null): Promise<number>;
  backfill(options: BackfillOptions): Promise<BackfillInvocation>;
  waitUntil?: (work: Promise<unknown>) => void;
  log?: (line: string) => void;
}

/** Builds the request handler. */
export function createBackfillHandler(
  deps: BackfillHandlerDeps,
): (req: Request) => Promise<Response> {
  const log = deps.log ?? ((line) => console.log(line));
  return async (req) => {
    const request = await readWebhook(req, deps.secret);
    if ("response" in request) return request.response;
    const payload = parseBackfillPayload(request.body);
    if ("error" in payload) return Response.json({ error: payload.error }, { status: 400 });

    let requestId: number | null = null;
    if (payload.kind === "request") requestId = payload.requestId;
    if (payload.kind === "user") {
      try {
        requestId = await deps.requestBackfill(payload.userId, payload.days);
      } catch (error) {
        // request_backfill's own message says what to fix (no queries, bad period)
        return Response.json({ error: (error as Error).message }, { status: 422 });
      }
    }
    const work = deps.backfill({ requestId }).then((outcome) => {
      log(`backfill: ${JSON.stringify(outcome)}`);
      return outcome;
    });
    if (deps.waitUntil) {
      deps.waitUntil(work.catch((error) => log(`backfill crashed: ${error}`)));
      return Response.json({ accepted: true, request_id: requestId }, { status: 202 });
    }
    try {
      const outcome = await work;
      const idle = requestId !== null && outcome.requests.length === 0;
      return Response.json(
        idle
          ? {
            ...outcome,
            message: `Request ${requestId} is being worked on by another invocation or is not ` +
              "due yet; see backfill_requests.not_before and last_error.",
          }
          : outcome,
        { status: 200 },
      );
    } catch (error) {
      return Response.json({
        error: `backfill failed: ${(error as Error).message}. Its claims expire and the sweep ` +
          "takes the request again.",
      }, { status: 500 });
    }
  };
}
