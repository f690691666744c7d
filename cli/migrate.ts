/**
 * `deno task jobs migrate [--json]`: the platform stand-in (local databases only) and migrations.
 *
 * @module
 */
import { prepareLocalDatabase } from "../local/database.ts";
import type { CommandContext } from "./context.ts";

/** Runs the command; returns the exit code. */
export async function migrateCommand(context: CommandContext): Promise<number> {
  const { database, json } = context;
  const log = json ? undefined : (line: string) => console.log(line);
  const result = await prepareLocalDatabase(database.sql, { log });
  if (json) {
    console.log(JSON.stringify({ ...result, embedded: database.embedded }));
  } else {
    console.log(
      `${result.applied.length} migration(s) applied, ${result.skipped.length} already present` +
        (database.embedded ? ` (embedded database in ${context.config.PGLITE_DATA_DIR}).` : "."),
    );
  }
  return 0;
}
