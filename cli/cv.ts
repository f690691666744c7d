/**
 * `deno task jobs cv upload --user <id> <file.pdf> [--no-wait] [--json]`: uploads a CV through
 * the Storage path production uses — the file, then Storage's insert into storage.objects, whose
 * trigger queues the cv-ingest call — and, unless --no-wait, runs the local functions and pg_net
 * worker in this process until the CV is parsed and its backfill is done. Local databases only.
 *
 * @module
 */
import { hasLocalPlatform } from "../local/platform.ts";
import { startLocalStack } from "../local/stack.ts";
import { diskObjectFiles } from "../local/storage/files.ts";
import { type CommandContext, isUuid, requireUser, UsageError } from "./context.ts";

/** What is wrong with the flags; null when nothing is. */
export function checkCvUploadFlags(
  flags: Record<string, string | true>,
  positionals: string[],
): string | null {
  if (!isUuid(flags.user)) return "cv upload needs --user <id> (a uuid).";
  if (positionals.length !== 1 || !positionals[0].toLowerCase().endsWith(".pdf")) {
    return "cv upload needs one PDF file: deno task jobs cv upload --user <id> <file.pdf>";
  }
  return null;
}

/** Where the local Storage stand-in keeps files next to the embedded database. */
export function storageDir(dataDir: string | undefined): string {
  return `${dataDir ?? ".data/pglite"}/../storage`;
}

/** The CV's bytes, once this database and the keys can take it; else a UsageError says why. */
async function readyToUpload(context: CommandContext, path: string): Promise<Uint8Array> {
  const { config, database } = context;
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new UsageError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  if (!(await hasLocalPlatform(database.sql))) {
    throw new UsageError(
      "cv upload works on local databases; on a Supabase project upload to bucket cvs with " +
        "supabase-js or the dashboard (the trigger and the functions do the rest).",
    );
  }
  await requireUser(context, context.flags.user as string);
  if (context.flags["no-wait"] !== true) {
    const missing = [
      config.ANTHROPIC_API_KEY ? null : "ANTHROPIC_API_KEY (Claude reads the CV)",
      config.RAPIDAPI_KEY ? null : "RAPIDAPI_KEY (the backfill calls the job APIs)",
    ].filter(Boolean);
    if (missing.length > 0) {
      throw new UsageError(
        `cv upload needs ${missing.join(" and ")}; for the local fakes set ANTHROPIC_BASE_URL, ` +
          "JSEARCH_BASE_URL and ACTIVE_JOBS_BASE_URL too, or run deno task demo.",
      );
    }
  }
  return bytes;
}

/** Prints where the uploaded CV (`name` in bucket cvs) stands; returns the exit code. */
async function reportUpload(context: CommandContext, name: string): Promise<number> {
  const { database, json } = context;
  const [cv] = await database.sql`
    select id, status, error, model, input_tokens, output_tokens from public.cv_documents
    where storage_path = ${name} order by created_at desc limit 1`;
  const queries = await database.sql`
    select title_keyword, location, ai_work_arrangement, ai_employment_type
    from public.user_search_queries where cv_document_id = ${cv.id} and is_active
    order by title_keyword, location`;
  const [request] = await database.sql`
    select r.state, r.last_error, u.stats from public.backfill_requests r
    left join public.runs u on u.id = r.run_id where r.cv_document_id = ${cv.id}`;
  if (json) {
    console.log(JSON.stringify({
      cv_document_id: cv.id,
      path: `cvs/${name}`,
      status: cv.status,
      error: cv.error,
      queries,
      backfill: request ? { state: request.state, stats: request.stats } : null,
    }));
  } else {
    console.log(`cvs/${name}: ${cv.status}${cv.error ? ` — ${cv.error}` : ""}`);
    for (const q of queries) console.log(`  query: ${q.title_keyword} in ${q.location}`);
    if (request) {
      console.log(
        `  backfill: ${request.state}${request.last_error ? ` — ${request.last_error}` : ""}`,
      );
    }
  }
  if (context.flags["no-wait"] === true) return 0;
  return cv.status === "parsed" && request?.state === "done" ? 0 : 1;
}

/** Runs the command; returns the exit code. */
export async function cvUploadCommand(context: CommandContext): Promise<number> {
  const { config, database, json } = context;
  const path = context.positionals[0];
  const bytes = await readyToUpload(context, path);
  const stack = await startLocalStack({
    sql: database.sql,
    config,
    files: diskObjectFiles(storageDir(config.PGLITE_DATA_DIR)),
    log: json ? undefined : (line) => console.error(line),
  });
  try {
    const name = await stack.uploadCv(context.flags.user as string, path.split("/").at(-1)!, bytes);
    if (context.flags["no-wait"] !== true) await stack.settle();
    return await reportUpload(context, name);
  } finally {
    await stack.close();
  }
}
