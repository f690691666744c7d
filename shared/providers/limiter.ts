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
  /** Waits for a slot and a start; the slot is held until the returned function is called. */
  acquire(): Promise<() => void>;
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Slack added to the one-second window, for the network and timers between us and the gateway. */
const WINDOW_MARGIN_MS = 30;

/**
 * Creates a limiter. Starts are decided one at a time from the starts that really happened: at
 * least 1/rate apart, and never more than `requestsPerSecond` in any second (plus a small
 * margin) — the rule RapidAPI's gateway applies. A timer that fires late therefore never lets
 * the next start come early, which spacing by schedule alone would (and the gateway answers 429).
 */
export function createLimiter(options: LimiterOptions): Limiter {
  const pause = options.sleep ?? sleep;
  const now = options.now ?? (() => performance.now());
  const rate = options.requestsPerSecond;
  const interval = rate > 0 ? 1000 / rate : 0;
  // a fractional rate (2.5/s) allows the next whole number in a second; the spacing keeps the
  // average at the rate
  const perWindow = rate > 0 ? Math.max(1, Math.ceil(rate)) : Infinity;
  const max = Math.max(1, Math.floor(options.maxConcurrency));
  let active = 0;
  const waiting: (() => void)[] = [];
  const starts: number[] = [];
  let turn: Promise<void> = Promise.resolve();

  async function nextStart(): Promise<void> {
    if (rate <= 0) return;
    for (let round = 0; round < 1000; round++) {
      const t = now();
      const last = starts.at(-1) ?? -Infinity;
      const windowStart = starts.length >= perWindow
        ? starts[starts.length - perWindow]
        : -Infinity;
      const wait = Math.max(last + interval - t, windowStart + 1000 + WINDOW_MARGIN_MS - t);
      if (wait <= 0) break;
      await pause(wait);
    }
    starts.push(now());
    if (starts.length > perWindow) starts.splice(0, starts.length - perWindow);
  }

  async function acquire(): Promise<void> {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    else active++;
    const mine = turn.then(nextStart);
    turn = mine;
    await mine;
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else active--;
  }

  async function hold(): Promise<() => void> {
    await acquire();
    let held = true;
    return () => {
      if (held) release();
      held = false;
    };
  }

  return { acquire: hold, run: (fn) => holding(hold, fn) };
}

/** Runs `fn` while holding a slot. */
async function holding<T>(hold: () => Promise<() => void>, fn: () => Promise<T>): Promise<T> {
  const done = await hold();
  try {
    return await fn();
  } finally {
    done();
  }
}
