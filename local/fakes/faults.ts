/**
 * Scripted faults for the fake providers: what can go wrong on the wire, queued by a test and
 * consumed in order, one per request, optionally only by requests to one path.
 *
 * @module
 */

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

/** One queued step: what a single request suffers, and the fault's name for the log. */
export interface FaultStep {
  /** `throttle_then_forbidden` is queued as two `status` steps. */
  fault: Exclude<Fault, { kind: "throttle_then_forbidden" }>;
  /** The kind the test injected, e.g. `throttle_then_forbidden`. */
  label: string;
  path?: string;
}

/** The queue of scripted faults of one fake server. */
export interface FaultQueue {
  inject(fault: Fault, options?: InjectOptions): void;
  /** Removes and returns the first step for a request to `path`, if any. */
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

/** An empty fault queue. */
export function createFaultQueue(): FaultQueue {
  const steps: FaultStep[] = [];
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
      return index < 0 ? undefined : steps.splice(index, 1)[0];
    },
    get pending() {
      return steps.length;
    },
  };
}
