/**
 * `deno task start` as a child process, the way a developer runs it: on a free port, ready when
 * it prints "Ready.", stopped with SIGTERM (its graceful path).
 *
 * @module
 */
import { freePort } from "../../local/free_port.ts";

/** Polls `probe` every 250 ms until it returns a value; throws after `ms`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A running `deno task start`. */
export interface StartedProcess {
  /** e.g. http://127.0.0.1:54400 */
  url: string;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/** Starts local/start.ts with `env` (LOCAL_PORT is chosen here) and waits until it is ready. */
export async function startLocalProcess(env: Record<string, string>): Promise<StartedProcess> {
  const port = freePort();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-all", new URL("../../local/start.ts", import.meta.url).pathname],
    env: { RAPIDAPI_KEY: "", ANTHROPIC_API_KEY: "", ...env, LOCAL_PORT: String(port) },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const output: string[] = [];
  const drain = (stream: ReadableStream<Uint8Array>) =>
    (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) output.push(chunk);
    })();
  const drained = Promise.all([drain(child.stdout), drain(child.stderr)]);
  const exited = child.status.then((status) => status);
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch {
      // already gone
    }
    await exited;
    await drained;
  };
  try {
    await until("deno task start to be ready", async () => {
      const text = output.join("");
      if (text.includes("Ready.")) return true;
      const status = await Promise.race([exited, Promise.resolve(undefined)]);
      if (status) throw new Error(`deno task start exited (${status.code}):\n${text}`);
      return undefined;
    }, 120_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, output: () => output.join(""), stop };
}
