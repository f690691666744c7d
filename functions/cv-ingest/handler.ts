/**
 * HTTP adapter of cv-ingest: checks the webhook secret, validates the body, answers at once and
 * leaves the slow part (download, Claude, storing) to `waitUntil` where the runtime has it
 * (Supabase's EdgeRuntime), so the webhook's short pg_net timeout never cuts the work.
 *
 * @module
 */
import type { IngestOutcome } from "../../shared/cv/ingest.ts";
import { readWebhook } from "../../shared/http/webhook.ts";
import { parseCvIngestPayload } from "./payload.ts";

/** What the handler needs. */
export interface CvIngestHandlerDeps {
  /** FUNCTIONS_SECRET: what callers must send in `x-webhook-secret`. */
  secret: string | undefined;
  ingest(cvDocumentId: string): Promise<IngestOutcome>;
  /** `EdgeRuntime.waitUntil` on Supabase; absent locally, where the work is awaited. */
  waitUntil?: (work: Promise<unknown>) => void;
  log?: (line: string) => void;
}

/** Builds the request handler. */
export function createCvIngestHandler(
  deps: CvIngestHandlerDeps,
): (req: Request) => Promise<Response> {
  const log = deps.log ?? ((line) => console.log(line));
  return async (req) => {
    const request = await readWebhook(req, deps.secret);
    if ("response" in request) return request.response;
    const payload = parseCvIngestPayload(request.body);
    if ("error" in payload) return Response.json({ error: payload.error }, { status: 400 });
    const work = deps.ingest(payload.id).then((outcome) => {
      log(`cv-ingest ${payload.id}: ${JSON.stringify(outcome)}`);
      return outcome;
    });
    if (deps.waitUntil) {
      deps.waitUntil(work.catch((error) => log(`cv-ingest ${payload.id} crashed: ${error}`)));
      return Response.json({ accepted: true, cv_document_id: payload.id }, { status: 202 });
    }
    try {
      return Response.json(await work, { status: 200 });
    } catch (error) {
      return Response.json({
        error: `cv-ingest ${payload.id} failed: ${(error as Error).message}. The sweep will retry.`,
      }, { status: 500 });
    }
  };
}
