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
  /** `--json`: one JSON document on stdout instead of text. */
  json: boolean;
}
