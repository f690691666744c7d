/**
 * Serves a fake API gateway over HTTP on 127.0.0.1 and a free port, in-process, and the
 * {@link FakeServer} handle tests and the demo drive it with.
 *
 * @module
 */
import type { Fault, InjectOptions } from "./faults.ts";
import type { QuotaUpdate, QuotaUsage } from "./quota.ts";
import type {
  FakeRequest,
  RandomFaults,
  RapidApiGateway,
  RapidApiPlan,
} from "./rapidapi_gateway.ts";
import type { JobWorld } from "./world.ts";

/** A running fake provider. */
export interface FakeServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:54321`. */
  url: string;
  /** Every request so far, oldest first (the same array throughout; the key is never stored). */
  requests: FakeRequest[];
  /** Queues a fault for the next matching request(s), consumed in order. */
  inject(fault: Fault, options?: InjectOptions): void;
  /** Sets what is left this month, for one key or every configured key. */
  setQuota(update: QuotaUpdate): void;
  /** What a key (default: the first configured key) has left this month. */
  usage(key?: string): QuotaUsage;
  /** Empties the request log. */
  clearLog(): void;
  /** Releases held requests and stops the server. Idempotent. */
  close(): Promise<void>;
}

/** Options both fake providers take. */
export interface FakeProviderOptions {
  /** The world postings come from (default `createJobWorld()`). */
  world?: JobWorld;
  /** Valid keys (default `["test-key"]`). */
  keys?: string[];
  /** Valid keys not subscribed to the API (they get 403). */
  unsubscribedKeys?: string[];
  plan?: RapidApiPlan;
  /** The fake's clock (default `() => new Date()`). */
  now?: () => Date;
  /** Added to every request (default 0). */
  latencyMs?: number;
  /** Faults drawn at random (seeded) for requests without a scripted fault (default none). */
  randomFaults?: RandomFaults;
}

/** Starts an HTTP server for `gateway` on a free port of 127.0.0.1. */
export function serveGateway(gateway: RapidApiGateway): Promise<FakeServer> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    try {
      return await gateway.handle(request);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return Response.json({ message: `Internal Server Error: ${message}` }, { status: 500 });
    }
  });
  let closed: Promise<void> | undefined;
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}`,
    requests: gateway.requests,
    inject: (fault, options) => gateway.inject(fault, options),
    setQuota: (update) => gateway.setQuota(update),
    usage: (key) => gateway.usage(key),
    clearLog: () => gateway.clearLog(),
    close() {
      if (!closed) {
        gateway.close();
        closed = server.shutdown();
      }
      return closed;
    },
  });
}
