/**
 * A small stand-in for Resend's POST /emails in tests: it records every request, answers the
 * statuses a test scripts per recipient, and honours Idempotency-Key the way Resend does (the
 * same key answers the first send's id and sends nothing again), so `delivered` counts the emails
 * that really went out.
 *
 * @module
 */

/** One request as the server saw it. */
export interface EmailRequest {
  key: string | null;
  authorization: string | null;
  body: {
    from: string;
    to: string;
    subject: string;
    html: string;
    text: string;
    headers?: Record<string, string>;
  };
}

/** A scripted answer: a status, with an optional Retry-After and error name. */
export interface Scripted {
  status: number;
  retryAfter?: string;
  name?: string;
}

/** The running server. */
export interface EmailServer {
  url: string;
  requests: EmailRequest[];
  /** The emails that went out (first successful send per key). */
  delivered: EmailRequest[];
  /** Answers for a recipient, used up in order; afterwards 200. */
  script(to: string, answers: Scripted[]): void;
  close(): Promise<void>;
}

/** Starts the server on a free port. */
export function startEmailServer(): EmailServer {
  const requests: EmailRequest[] = [];
  const delivered: EmailRequest[] = [];
  const scripts = new Map<string, Scripted[]>();
  const ids = new Map<string, string>();
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    const request: EmailRequest = {
      key: req.headers.get("idempotency-key"),
      authorization: req.headers.get("authorization"),
      body: await req.json(),
    };
    requests.push(request);
    if (request.key && ids.has(request.key)) return Response.json({ id: ids.get(request.key) });
    const next = scripts.get(request.body.to)?.shift();
    if (next && next.status !== 200) {
      const headers: Record<string, string> = next.retryAfter
        ? { "retry-after": next.retryAfter }
        : {};
      return Response.json(
        { name: next.name ?? "error", message: `scripted ${next.status}` },
        { status: next.status, headers },
      );
    }
    const id = crypto.randomUUID();
    if (request.key) ids.set(request.key, id);
    delivered.push(request);
    return Response.json({ id });
  });
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    delivered,
    script: (to, answers) => scripts.set(to, [...answers]),
    close: () => server.shutdown(),
  };
}
