/**
 * What can go wrong on the wire, for the fake providers: scripted faults queued by a test and
 * consumed in order, one per request, optionally only by requests to one path; faults drawn at
 * random (seeded) for the requests no scripted fault applies to; and the broken records of the
 * `malformed_records` fault.
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
export type RandomFaultKind = "throttle" | "server_error" | "malformed_json" | "timeout";

/**
 * Faults drawn at random: each request that no scripted fault applies to suffers one with
 * probability `rate`, of a kind drawn evenly from `kinds`: `throttle` (429 with a `retry-after`
 * of 0 or 1 s), `server_error` (500, 502 or 503), `malformed_json`, `timeout` (held for
 * `timeoutMs`, default 30000). Seeded: the same requests in the same order suffer the same
 * faults. Logged as `random:<kind>`.
 */
export interface RandomFaults {
  /** Share of requests that suffer a fault, 0 to 1. */
  rate: number;
  /** Seed of the draws (default 1). */
  seed?: number;
  /** Kinds drawn from, equally likely (default all four). */
  kinds?: readonly RandomFaultKind[];
  timeoutMs?: number;
}

/** One queued step: what a single request suffers, and the fault's name for the log. */
export interface FaultStep {
  fault: Exclude<Fault, { kind: "throttle_then_forbidden" }>;
  /** The kind the test injected, e.g. `throttle_then_forbidden`, or `random:<kind>`. */
  label: string;
  path?: string;
}

/** Gateway error texts (docs.rapidapi.com), by status. */
export const GATEWAY_MESSAGES: Readonly<Record<number, string>> = {
  401: "Invalid API key. Go to https://docs.rapidapi.com/docs/keys for more info.",
  403: "You are not subscribed to this API.",
  429: "Too many requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "The request to the API has timed out. Please try again later, or if the issue " +
    "persists, please contact the API provider",
};

function createRandomFaults(options: RandomFaults): () => FaultStep | undefined {
  const { rate } = options;
  const kinds = options.kinds ?? ["throttle", "server_error", "malformed_json", "timeout"];
  if (!(rate >= 0 && rate <= 1)) throw new Error(`randomFaults: rate must be 0 to 1, got ${rate}`);
  if (kinds.length === 0) throw new Error("randomFaults: kinds must name at least one kind");
  const random = createRandom(`random faults ${options.seed ?? 1}`);
  const faults: Record<RandomFaultKind, () => FaultStep["fault"]> = {
    throttle: () => ({ kind: "status", status: 429, retryAfter: random.int(0, 1) }),
    server_error: () => ({ kind: "status", status: random.pick([500, 502, 503]) }),
    malformed_json: () => ({ kind: "malformed_json" }),
    timeout: () => ({ kind: "timeout", ms: options.timeoutMs }),
  };
  return () => {
    if (rate === 0 || !random.chance(rate)) return undefined;
    const kind = random.pick(kinds);
    return { fault: faults[kind](), label: `random:${kind}` };
  };
}

/**
 * The scripted faults of one fake server, queued: `take(path)` removes the first step for a
 * request to `path`; without one, requests may draw a random fault (with `random`).
 */
export function createFaultQueue(random?: RandomFaults) {
  const steps: FaultStep[] = [];
  const draw = random ? createRandomFaults(random) : () => undefined;
  return {
    inject(fault: Fault, options: InjectOptions = {}) {
      const times = options.times ?? 1;
      if (!Number.isInteger(times) || times < 1) {
        throw new Error(`inject: times must be a positive integer, got ${times}`);
      }
      const path = options.path && !options.path.startsWith("/")
        ? `/${options.path}`
        : options.path;
      const label = fault.kind;
      for (let i = 0; i < times; i++) {
        if (fault.kind === "throttle_then_forbidden") {
          steps.push({ fault: { kind: "status", status: 429 }, label, path });
          steps.push({ fault: { kind: "status", status: 403 }, label, path });
        } else {
          steps.push({ fault, label, path });
        }
      }
    },
    take(path: string): FaultStep | undefined {
      const index = steps.findIndex((step) => step.path === undefined || step.path === path);
      return index < 0 ? draw() : steps.splice(index, 1)[0];
    },
  };
}

/** The field names of one provider's records that the `malformed_records` defects touch. */
export interface RecordFields {
  id: string;
  title: string;
  /** Date fields that get a value which is not a date. */
  dates: readonly string[];
}

/**
 * `count` copies of the page's records (a stub when it has none), each with one defect in turn:
 * no id, no title, or dates that are not dates. Copies that keep an id get `newId(index)`.
 */
export function brokenRecords(
  records: readonly Record<string, unknown>[],
  count: number,
  fields: RecordFields & { newId: (index: number) => string },
): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => {
    const copy = records.length > 0
      ? structuredClone(records[i % records.length])
      : { [fields.title]: "Broken record" };
    copy[fields.id] = fields.newId(i);
    if (i % 3 === 0) delete copy[fields.id];
    else if (i % 3 === 1) delete copy[fields.title];
    else for (const field of fields.dates) copy[field] = "31/02/2026 25:61";
    return copy;
  });
}
