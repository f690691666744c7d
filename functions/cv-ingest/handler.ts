/**
 * HTTP adapter of cv-ingest: checks the webhook secret, validates the body, answers at once and
 * leaves the slow part (download, Claude, storing) to `waitUntil` where the runtime has it
 * (Supabase's EdgeRuntime), so the webhook's short pg_net timeout never cuts the work.
 *
 * @module
 */
import type { IngestOutcome } from "../../shared/cv/ingest.ts";
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

/** Compares two strings in time independent of where they differ. */
function sameSecret(given: string, expected: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(expected);
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** Builds the request handler. */
export function createCvIngestHandler(
  deps: CvIngestHandlerDeps,
): (req: Request) => Promise<Response> {
  const log = deps.log ?? ((line) => console.log(line));
  return async (req) => {
    if (req.method !== "POST") {
      return Response.json({ error: `Method ${req.method} not allowed; use POST.` }, {
        status: 405,
        headers: { allow: "POST" },
      });
    }
    if (!deps.secret) {
      return Response.json({
        error: "FUNCTIONS_SECRET is not set; set it to the Vault secret functions_secret.",
      }, { status: 500 });
    }
    if (!sameSecret(req.headers.get("x-webhook-secret") ?? "", deps.secret)) {
      return Response.json({ error: "Missing or wrong x-webhook-secret header." }, { status: 401 });
    }
    let body: unknown;
    try {
      body = await req.json();
    } catch {
      return Response.json({ error: "The body is not JSON." }, { status: 400 });
    }
    const payload = parseCvIngestPayload(body);
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
