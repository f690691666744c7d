/**
 * A per-provider limiter: at most `maxConcurrency` calls in flight, and call starts spaced to at
 * most `requestsPerSecond`. It lives as long as one run in one process (an Edge invocation, the
 * CLI); the provider's own per-second limit still catches several processes together.
 *
 * @module
 */

/** Options for {@link createLimiter}. */
export interface LimiterOptions {
  requestsPerSecond: number;
  maxConcurrency: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** Runs functions under the limits. */
export interface Limiter {
  run<T>(fn: () => Promise<T>): Promise<T>;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Creates a limiter. */
export function createLimiter(options: LimiterOptions): Limiter {
  const pause = options.sleep ?? sleep;
  const now = options.now ?? (() => performance.now());
  const interval = options.requestsPerSecond > 0 ? 1000 / options.requestsPerSecond : 0;
  const max = Math.max(1, Math.floor(options.maxConcurrency));
  let active = 0;
  let nextStart = 0;
  const waiting: (() => void)[] = [];

  async function acquire(): Promise<void> {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    const start = Math.max(now(), nextStart);
    nextStart = start + interval;
    const wait = start - now();
    if (wait > 0) await pause(wait);
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else active--;
  }

  return {
    async run<T>(fn: () => Promise<T>): Promise<T> {
      await acquire();
      try {
        return await fn();
      } finally {
        release();
      }
    },
  };
}
