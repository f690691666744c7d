/**
 * The CLI's flags: `--name value`, `--name=value` and boolean `--name`, checked against what a
 * command accepts.
 *
 * @module
 */

/** What a command accepts: flag name → takes a value (true) or is a switch (false). */
export type FlagSpec = Record<string, boolean>;

/** Parsed flags and positional arguments, or the message to print with the usage. */
export function parseFlags(
  args: string[],
  spec: FlagSpec,
  positionals = 0,
): { flags: Record<string, string | true>; positionals: string[] } | { error: string } {
  const flags: Record<string, string | true> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (!args[i].startsWith("--")) {
      if (rest.length >= positionals) return { error: `Unexpected argument ${args[i]}` };
      rest.push(args[i]);
      continue;
    }
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
  return { flags, positionals: rest };
}
