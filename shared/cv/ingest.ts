/**
 * The cv-ingest flow for one CV: claim it (a redelivered webhook finds nothing to do), download
 * it, check it, read it with Claude, turn the profile into normalised search combinations, and
 * store them with a durable backfill request — or fail it with a reason the user can act on,
 * keeping the file and writing no partial queries.
 *
 * @module
 */
import type Anthropic from "@anthropic-ai/sdk";
import type { Queryable } from "../db/postgres.ts";
import { postgresJson } from "../db/json.ts";
import { CvParseError, extractProfile, type TokenUsage } from "./extract.ts";
import { checkCvPdf, CvFileError } from "./pdf_checks.ts";
import { searchCombinations } from "./search_queries.ts";

/** Where CV files are read from (Supabase Storage in production). */
export interface CvStorage {
  /** The object's bytes; throws when it cannot be read. */
  download(bucket: string, path: string): Promise<Uint8Array>;
}

/** What the flow needs. */
export interface IngestDeps {
  sql: Queryable;
  storage: CvStorage;
  claude: Anthropic;
  model: string;
  /** Pages sent to Claude; longer CVs are cut. */
  maxPages: number;
  /** Largest accepted file, in bytes. */
  maxBytes: number;
}

/** How one call ended. */
export type IngestOutcome =
  | { status: "parsed"; cvDocumentId: string; queries: number }
  | { status: "failed"; cvDocumentId: string; error: string; retryable: boolean }
  | { status: "skipped"; cvDocumentId: string; reason: string };

interface ClaimedCv {
  id: string;
  storage_bucket: string;
  storage_path: string;
  file_name: string;
  object_version: string | null;
}

async function fail(
  deps: IngestDeps,
  cv: ClaimedCv,
  error: string,
  retryable: boolean,
  usage: TokenUsage | null = null,
  model: string | null = null,
): Promise<IngestOutcome> {
  await deps.sql`
    select public.fail_cv_parse(${cv.id}, ${error}, ${model}, ${usage?.input ?? null},
      ${usage?.output ?? null}, ${retryable})`;
  return { status: "failed", cvDocumentId: cv.id, error, retryable };
}

/** Runs the flow for one cv_documents row. Never throws for a bad file or a Claude failure. */
export async function ingestCv(deps: IngestDeps, cvDocumentId: string): Promise<IngestOutcome> {
  const [cv] = await deps.sql<ClaimedCv[]>`
    select id, storage_bucket, storage_path, file_name, object_version
    from public.begin_cv_parse(${cvDocumentId})`;
  if (!cv) {
    return {
      status: "skipped",
      cvDocumentId,
      reason: "already parsing, parsed or failed (a failed CV needs retry_cv_parse)",
    };
  }
  try {
    return await parseClaimed(deps, cv);
  } catch (error) {
    // anything unexpected (a database error, pdf-lib throwing): the CV goes back in line with a
    // reason, and fails for good after its last attempt, instead of staying 'parsing'
    return await fail(
      deps,
      cv,
      `${cv.file_name} could not be processed (${(error as Error).message}). It will be tried ` +
        "again; if it keeps failing, upload it again.",
      true,
    );
  }
}

/** The claimed CV's bytes, checked as a PDF; or the outcome of failing it. */
async function readClaimedPdf(
  deps: IngestDeps,
  cv: ClaimedCv,
): Promise<{ pdf: Uint8Array } | { failed: IngestOutcome }> {
  // the path may hold a newer upload by now: never read v2's bytes for v1's row
  const [current] = await deps.sql<{ version: string | null }[]>`
    select version from storage.objects
    where bucket_id = ${cv.storage_bucket} and name = ${cv.storage_path}`;
  if (!current || current.version !== cv.object_version) {
    const error = `${cv.file_name} was replaced or deleted before it was read; the newer ` +
      "upload is read instead.";
    return { failed: await fail(deps, cv, error, false) };
  }
  let bytes: Uint8Array;
  try {
    bytes = await deps.storage.download(cv.storage_bucket, cv.storage_path);
  } catch (error) {
    const why = `${cv.file_name} could not be downloaded (${(error as Error).message}). It ` +
      "will be tried again.";
    return { failed: await fail(deps, cv, why, true) };
  }
  try {
    const limits = { maxBytes: deps.maxBytes, maxPages: deps.maxPages };
    return { pdf: (await checkCvPdf(bytes, cv.file_name, limits)).bytes };
  } catch (error) {
    if (error instanceof CvFileError) return { failed: await fail(deps, cv, error.message, false) };
    throw error;
  }
}

async function parseClaimed(deps: IngestDeps, cv: ClaimedCv): Promise<IngestOutcome> {
  const read = await readClaimedPdf(deps, cv);
  if ("failed" in read) return read.failed;
  let extracted;
  try {
    extracted = await extractProfile(read.pdf, cv.file_name, {
      client: deps.claude,
      model: deps.model,
    });
  } catch (error) {
    if (error instanceof CvParseError) {
      return await fail(deps, cv, error.message, error.retryable, error.usage, deps.model);
    }
    throw error;
  }
  const { profile, model, usage } = extracted;
  const combinations = searchCombinations(profile);
  if (combinations.length === 0) {
    return await fail(
      deps,
      cv,
      `No job search could be built from ${cv.file_name}: the titles or places it names are ` +
        "empty after cleaning. Add your role and city to the CV.",
      false,
      usage,
      model,
    );
  }
  const [{ written }] = await deps.sql<{ written: number | null }[]>`
    select public.finish_cv_parse(${cv.id}, ${postgresJson(combinations)}::text::jsonb,
      ${model}, ${usage.input}, ${usage.output}, ${postgresJson(profile)}::text::jsonb)
      as written`;
  return { status: "parsed", cvDocumentId: cv.id, queries: written ?? 0 };
}
