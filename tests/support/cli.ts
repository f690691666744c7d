/**
 * Runs `deno task jobs …` (cli/main.ts) as a child process on the embedded database unless
 * `env` names another (DATABASE_URL is cleared by default), and returns its exit code and output.
 *
 * @module
 */
/** cli/main.ts, for a test that spawns it itself (a long-running command). */
export const cli = new URL("../../cli/main.ts", import.meta.url).pathname;

/** What a run of the CLI printed and how it exited. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `deno task jobs <args>` with `env` added to the environment. */
export async function jobs(args: string[], env: Record<string, string> = {}): Promise<CliRun> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", cli, ...args],
    env: { DATABASE_URL: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
}
