// Looking again while something is in flight (a CV being read, a search's jobs being fetched):
// soon at first, then less and less often (up to every 30 s), and not while the tab is hidden.

/**
 * A poller of `task`. The panel calls again() after a refresh that found work in flight, stop()
 * when nothing is left, and reset() when the user starts something new.
 */
export function poller(task, { first = 1000, max = 30_000 } = {}) {
  let delay = first;
  let timer = null;
  let missed = false;
  const run = () => {
    if (document.hidden) {
      missed = true;
      return;
    }
    task();
  };
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden && missed) {
      missed = false;
      task();
    }
  });
  return {
    again() {
      clearTimeout(timer);
      timer = setTimeout(run, delay);
      delay = Math.min(max, Math.round(delay * 1.5));
    },
    stop() {
      clearTimeout(timer);
      missed = false;
      delay = first;
    },
    reset() {
      delay = first;
    },
  };
}
