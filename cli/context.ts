/**
 * What every CLI command gets: the configuration, the open database and its flags.
 *
 * @module
 */
import type { Config } from "../shared/config.ts";
import type { LocalDatabase } from "../local/database.ts";

/** A command's inputs. */
export interface CommandContext {
  config: Config;
  database: LocalDatabase;
  flags: Record<string, string | true>;
  /** Arguments that are not flags (e.g. the file of `cv upload`). */
  positionals: string[];
  /** `--json`: one JSON document on stdout instead of text. */
  json: boolean;
}

/** Thrown by a command for a bad argument the database revealed (exit 2, message as is). */
export class UsageError extends Error {
  override name = "UsageError";
}

export { isUuid } from "../shared/identifiers.ts";

/** An instant as the commands print it: ISO 8601 in UTC, to the second. */
export function toSecond(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Fails with a clear message unless `--user` names an existing user. */
export async function requireUser(context: CommandContext, id: string): Promise<void> {
  const [row] = await context.database.sql`select email from auth.users where id = ${id}`;
  if (!row) {
    throw new UsageError(
      `User ${id} does not exist. Create one with: deno task jobs user add --email <address>`,
    );
  }
}
