/**
 * Scripted faults for the fake providers: what can go wrong on the wire, queued by a test and
 * consumed in order, one per request, optionally only by requests to one path; and, optionally,
 * faults drawn at random (seeded) for the requests no scripted fault applies to.
 *
 * @module
 */
import { createRandom } from "./random.ts";

/** A fault the next matching request suffers. */
export type Fault =
  /** Reply with this status and `{"message": message}`; `retry-after` when given. */
  | { kind: "status"; status: number; message?: string; retryAfter?: number }
  /** A 429 `Too many requests`, then a 403 `You are not subscribed to this API.` on the next. */
  | { kind: "throttle_then_forbidden" }
  /** Hold the reply for `ms` (default 30000) or until the client goes away, then 504. */
  | { kind: "timeout"; ms?: number }
  /** 200 with a JSON body cut off half way; billed like the whole page it cut. */
  | { kind: "malformed_json" }
  /** A normal 200 page with `count` extra broken records appended. */
  | { kind: "malformed_records"; count: number }
  /** Delay the reply by `ms`, then serve it normally. */
  | { kind: "latency"; ms: number };

/** Options of `inject`. */
export interface InjectOptions {
  /** How many requests suffer it (default 1; for `throttle_then_forbidden`, pairs). */
  times?: number;
  /** Only requests to this path (e.g. `/search`); default any path. */
  path?: string;
}

/** A kind of fault {@link RandomFaults} draws. */
export type RandomFaultKind =
  /** 429 `Too many requests` (the per-second limit), with a short `retry-after`. */
  | "throttle"
  /** 500, 502 or 503. */
  | "server_error"
  /** The `malformed_json` fault: 200 with the JSON cut off half way. */
  | "malformed_json"
  /** The `timeout` fault: no answer for `timeoutMs`, then 504. */
  | "timeout";

/** Every {@link RandomFaultKind}. */
export const RANDOM_FAULT_KINDS: readonly RandomFaultKind[] = [
  "throttle",
  "server_error",
  "malformed_json",
  "timeout",
];

/**
 * Faults drawn at random: each request that no scripted fault applies to suffers one with
 * probability `rate`, of a kind drawn evenly from `kinds`. The draws are seeded, so the same
 * requests in the same order suffer the same faults. Logged as `random:<kind>`.
 */
export interface RandomFaults {
  /** Share of requests that suffer a fault, 0 to 1. */
  rate: number;
  /** Seed of the draws (default 1). */
  seed?: number;
  /** Kinds drawn from, equally likely (default {@link RANDOM_FAULT_KINDS}). */
  kinds?: readonly RandomFaultKind[];
  /** How long a `timeout` holds the reply, in ms (default 30000, as a scripted one). */
  timeoutMs?: number;
  /** The `retry-after` of a `throttle`, in seconds (default 0 or 1, drawn). */
  retryAfterSeconds?: number;
}

/** One queued step: what a single request suffers, and the fault's name for the log. */
export interface FaultStep {
  /** `throttle_then_forbidden` is queued as two `status` steps. */
  fault: Exclude<Fault, { kind: "throttle_then_forbidden" }>;
  /** The kind the test injected, e.g. `throttle_then_forbidden`, or `random:<kind>`. */
  label: string;
  path?: string;
}

/** The scripted faults of one fake server, queued, and its random ones, if any. */
export interface FaultQueue {
  inject(fault: Fault, options?: InjectOptions): void;
  /**
   * Removes and returns the first step for a request to `path`; without one, a random fault's
   * step when one is drawn.
   */
  take(path: string): FaultStep | undefined;
  /** Steps not consumed yet. */
  readonly pending: number;
}

/** The default `message` of a status fault. */
export function defaultFaultMessage(status: number): string {
  const messages: Record<number, string> = {
    400: "Bad Request",
    401: "Invalid API key. Go to https://docs.rapidapi.com/docs/keys for more info.",
    403: "You are not subscribed to this API.",
    404: "Not Found",
    429: "Too many requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "The request to the API has timed out. Please try again later, or if the issue " +
      "persists, please contact the API provider",
  };
  return messages[status] ?? `HTTP ${status}`;
}

function normalizePath(path: string | undefined): string | undefined {
  if (path === undefined) return undefined;
  return path.startsWith("/") ? path : `/${path}`;
}

/** Draws the fault of each request: a step with probability `options.rate`, else undefined. */
export function createRandomFaults(options: RandomFaults): () => FaultStep | undefined {
  const { rate } = options;
  const kinds = options.kinds ?? RANDOM_FAULT_KINDS;
  if (!(rate >= 0 && rate <= 1)) throw new Error(`randomFaults: rate must be 0 to 1, got ${rate}`);
  if (kinds.length === 0) throw new Error("randomFaults: kinds must not be empty");
  const random = createRandom(`random faults ${options.seed ?? 1}`);
  function fault(kind: RandomFaultKind): FaultStep["fault"] {
    switch (kind) {
      case "throttle":
        return {
          kind: "status",
          status: 429,
          message: "Too many requests",
          retryAfter: options.retryAfterSeconds ?? random.int(0, 1),
        };
      case "server_error":
        return { kind: "status", status: random.pick([500, 502, 503]) };
      case "malformed_json":
        return { kind: "malformed_json" };
      case "timeout":
        return { kind: "timeout", ms: options.timeoutMs };
    }
  }
  return () => {
    if (rate === 0 || !random.chance(rate)) return undefined;
    const kind = random.pick(kinds);
    return { fault: fault(kind), label: `random:${kind}` };
  };
}

/** An empty fault queue; with `random`, requests without a scripted fault may draw one. */
export function createFaultQueue(random?: RandomFaults): FaultQueue {
  const steps: FaultStep[] = [];
  const draw = random ? createRandomFaults(random) : () => undefined;
  return {
    inject(fault, options = {}) {
      const times = options.times ?? 1;
      if (!Number.isInteger(times) || times < 1) {
        throw new Error(`inject: times must be a positive integer, got ${times}`);
      }
      const path = normalizePath(options.path);
      for (let i = 0; i < times; i++) {
        if (fault.kind === "throttle_then_forbidden") {
          const label = fault.kind;
          steps.push({
            fault: { kind: "status", status: 429, message: "Too many requests" },
            label,
            path,
          });
          steps.push({
            fault: { kind: "status", status: 403, message: "You are not subscribed to this API." },
            label,
            path,
          });
        } else {
          steps.push({ fault, label: fault.kind, path });
        }
      }
    },
    take(path) {
      const index = steps.findIndex((step) => step.path === undefined || step.path === path);
      return index < 0 ? draw() : steps.splice(index, 1)[0];
    },
    get pending() {
      return steps.length;
    },
  };
}
