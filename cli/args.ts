/**
 * The CLI's flags: `--name value`, `--name=value` and boolean `--name`, checked against what a
 * command accepts.
 *
 * @module
 */

/** What a command accepts: flag name → takes a value (true) or is a switch (false). */
export type FlagSpec = Record<string, boolean>;

/** Parsed flags, or the message to print with the usage. */
export function parseFlags(
  args: string[],
  spec: FlagSpec,
): { flags: Record<string, string | true> } | { error: string } {
  const flags: Record<string, string | true> = {};
  for (let i = 0; i < args.length; i++) {
    const match = /^--([\w-]+)(?:=(.*))?$/.exec(args[i]);
    if (!match || !(match[1] in spec)) return { error: `Unknown option ${args[i]}` };
    const [, name, inline] = match;
    if (!spec[name]) {
      if (inline !== undefined) return { error: `--${name} takes no value` };
      flags[name] = true;
      continue;
    }
    const value = inline ?? args[++i];
    if (value === undefined || value.startsWith("--")) return { error: `--${name} needs a value` };
    flags[name] = value;
  }
  return { flags };
}
