/**
 * Edge Functions served locally the way the Supabase gateway routes them: one HTTP server on a
 * free port, `/functions/v1/<name>` and the paths below it to each function's handler. The database reaches it through
 * the Vault secret `project_url`, as it reaches a project.
 *
 * @module
 */

/** A function's request handler (what `Deno.serve` would get in the function). */
export type FunctionHandler = (req: Request) => Response | Promise<Response>;

/** A running server. */
export interface FunctionsServer {
  /** e.g. `http://127.0.0.1:54321`: what Vault `project_url` is set to. */
  url: string;
  close(): Promise<void>;
}

/** Serves the handlers by name on `hostname:port` (port 0: a free one). */
export function serveFunctions(
  handlers: Record<string, FunctionHandler>,
  options: {
    hostname?: string;
    port?: number;
    /** Serves other paths (e.g. Storage's); undefined = not its path. */
    other?: (req: Request) => Response | Promise<Response> | undefined;
  } = {},
): FunctionsServer {
  const server = Deno.serve({
    hostname: options.hostname ?? "127.0.0.1",
    port: options.port ?? 0,
    onListen() {},
  }, (req) => {
    const other = options.other?.(req);
    if (other) return other;
    const match = new URL(req.url).pathname.match(/^\/functions\/v1\/([^/]+)(?:\/.*)?$/);
    const handler = match ? handlers[match[1]] : undefined;
    if (!handler) {
      return Response.json({ error: `No function at ${new URL(req.url).pathname}.` }, {
        status: 404,
      });
    }
    return handler(req);
  });
  return {
    url: `http://${server.addr.hostname}:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}
