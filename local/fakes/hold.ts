/**
 * A cancellable wait: the fakes hold replies (latency, timeouts) without leaking timers when the
 * client disconnects or the server closes.
 *
 * @module
 */

/**
 * Waits `ms` milliseconds or until any of `signals` aborts, whichever comes first; clears its
 * timer and listeners either way. Resolves true when the time elapsed, false when aborted.
 */
export function hold(ms: number, signals: readonly AbortSignal[]): Promise<boolean> {
  if (signals.some((signal) => signal.aborted)) return Promise.resolve(false);
  return new Promise((resolve) => {
    function finish(elapsed: boolean): void {
      clearTimeout(timer);
      for (const signal of signals) signal.removeEventListener("abort", onAbort);
      resolve(elapsed);
    }
    function onAbort(): void {
      finish(false);
    }
    const timer = setTimeout(() => finish(true), Math.max(0, ms));
    for (const signal of signals) signal.addEventListener("abort", onAbort, { once: true });
  });
}
