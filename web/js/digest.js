// "Morning email": the switch for the digest of the best new jobs after the 06:00 refresh, and
// how many jobs it holds. Off until the person turns it on; every email can also be unsubscribed
// from with one click, without signing in.
import { callFunction } from "./api.js";
import { byId, h, showError } from "./dom.js";

/** The sizes offered; the server accepts 1 to 50 (functions/digest/payload.ts). */
const SIZES = [3, 5, 10, 20];

function sizeOptions(select, current) {
  const sizes = SIZES.includes(current) ? SIZES : [...SIZES, current].sort((a, b) => a - b);
  select.replaceChildren(
    ...sizes.map((n) => h("option", { value: String(n), selected: n === current }, String(n))),
  );
}

function described(preferences) {
  return preferences.enabled
    ? `Morning email on: up to ${preferences.max_jobs} new jobs after the 06:00 refresh.`
    : "Morning email off.";
}

/** The digest panel: { refresh() }. */
export function digestPanel({ session }) {
  const enabled = byId("digest-enabled");
  const size = byId("digest-max-jobs");
  const status = byId("digest-status");
  const error = byId("digest-error");
  let shown = null;

  function show(preferences) {
    shown = preferences;
    enabled.checked = preferences.enabled;
    sizeOptions(size, preferences.max_jobs);
    size.disabled = !preferences.enabled;
  }

  async function save(change) {
    showError(error, "");
    enabled.disabled = true;
    try {
      const answer = await callFunction(session.client, "digest/preferences", {
        method: "PUT",
        body: change,
      });
      show(answer);
      status.textContent = described(answer);
    } catch (e) {
      if (shown) show(shown); // nothing changed: show what is stored
      showError(error, `Could not change the morning email: ${e.message}`);
    } finally {
      enabled.disabled = false;
    }
  }

  enabled.addEventListener("change", () => save({ enabled: enabled.checked }));
  size.addEventListener("change", () => save({ max_jobs: Number(size.value) }));

  async function refresh() {
    show(await callFunction(session.client, "digest/preferences"));
  }
  return { refresh };
}
