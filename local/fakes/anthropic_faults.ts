/**
 * Scripted faults of the fake Messages API, queued by a test and consumed in order, one per
 * authenticated request: error statuses in the API's error shape, timeouts, latency, cut-off
 * bodies, structured output that breaks its schema, and refusals.
 *
 * @module
 */

/** A fault the next authenticated request suffers. */
export type AnthropicFault =
  /**
   * Reply `status` in the error shape (`errorType` and `message` default to the documented ones,
   * e.g. 529 `overloaded_error` "Overloaded"); `retry-after` and `x-should-retry` when given.
   */
  | {
    kind: "status";
    status: number;
    errorType?: string;
    message?: string;
    retryAfter?: number;
    shouldRetry?: boolean;
  }
  /**
   * Hold the reply for `ms` (default 600000, the SDK's timeout) or until the client or the
   * server goes away, then 504 `timeout_error`.
   */
  | { kind: "timeout"; ms?: number }
  /** 200 with the normal body cut off half way. */
  | { kind: "malformed_json" }
  /** 200 whose output (text JSON or tool input) does not match the requested schema. */
  | { kind: "invalid_output" }
  /** 200 with `stop_reason: "refusal"` and a short text (`text: ""` gives no content block). */
  | { kind: "refusal"; text?: string }
  /** Delay the reply by `ms`, then serve it normally. */
  | { kind: "latency"; ms: number };

/** Options of `inject`. */
export interface AnthropicInjectOptions {
  /** How many consecutive requests suffer it (default 1). */
  times?: number;
}

/** The queue of scripted faults of one fake. */
export interface AnthropicFaultQueue {
  inject(fault: AnthropicFault, options?: AnthropicInjectOptions): void;
  /** Removes and returns the next fault, if any. */
  take(): AnthropicFault | undefined;
  /** Faults not consumed yet. */
  readonly pending: number;
}

/** An empty fault queue. */
export function createAnthropicFaultQueue(): AnthropicFaultQueue {
  const steps: AnthropicFault[] = [];
  return {
    inject(fault, options = {}) {
      const times = options.times ?? 1;
      if (!Number.isInteger(times) || times < 1) {
        throw new Error(`inject: times must be a positive integer, got ${times}`);
      }
      for (let i = 0; i < times; i++) steps.push(fault);
    },
    take: () => steps.shift(),
    get pending() {
      return steps.length;
    },
  };
}
