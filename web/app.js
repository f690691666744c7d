// The page: sign in, then the panels (CV, searches, morning email, feed). Everything it reads and writes
// goes through Storage and Edge Functions, which exist both under `deno task start` and on a
// Supabase project, so there is one code path.
import { whenUnauthorized } from "./js/api.js";
import { cvPanel } from "./js/cvs.js";
import { digestPanel } from "./js/digest.js";
import { byId, showError } from "./js/dom.js";
import { feedPanel } from "./js/feed.js";
import { searchesPanel } from "./js/searches.js";
import { createAuth } from "./js/session.js";

const config = globalThis.JOB_FEED_CONFIG;

function fatal(message) {
  const element = byId("fatal");
  element.textContent = message;
  element.hidden = false;
}

function showSignIn(auth, why = "") {
  const section = byId("sign-in");
  const form = byId("sign-in-form");
  const error = byId("sign-in-error");
  showError(error, why);
  section.hidden = false;
  byId("app").hidden = true;
  byId("who").hidden = true;
  const local = auth.mode === "local";
  byId("password-field").hidden = local;
  byId("sign-up-button").hidden = local;
  form.elements.password.required = !local;
  byId("sign-in-note").textContent = auth.note;
  const go = (how) => async (event) => {
    event.preventDefault();
    showError(error, "");
    if (!form.reportValidity()) return;
    try {
      const session = await auth[how](form.elements.email.value, form.elements.password.value);
      form.reset();
      showApp(auth, session);
    } catch (e) {
      showError(error, e.message);
    }
  };
  form.onsubmit = go("signIn");
  byId("sign-up-button").onclick = go("signUp");
}

let started = false;

function showApp(auth, session) {
  // signed in again after a session ended: start afresh rather than wire the panels twice
  if (started) return location.reload();
  started = true;
  byId("sign-in").hidden = true;
  byId("app").hidden = false;
  byId("who").hidden = false;
  byId("who-email").textContent = session.user.email;
  byId("sign-out").onclick = async () => {
    await auth.signOut();
    location.reload();
  };
  whenUnauthorized(async () => {
    await auth.signOut();
    showSignIn(auth, "Your session has ended. Sign in again.");
  });
  const feed = feedPanel({ session });
  const searches = searchesPanel({ session, onChanged: () => feed.refresh() });
  const cvs = cvPanel({
    session,
    config,
    onParsed: () => {
      searches.refresh().catch((e) => showError(byId("search-error"), e.message));
      feed.refresh();
    },
  });
  cvs.refresh().catch((e) => showError(byId("upload-error"), e.message));
  digestPanel({ session }).refresh().catch((e) => showError(byId("digest-error"), e.message));
  searches.refresh().catch((e) => showError(byId("search-error"), e.message));
  feed.refresh();
}

async function main() {
  if (!globalThis.supabase?.createClient) {
    return fatal(
      "supabase-js did not load: neither vendor/supabase.js nor the CDN answered. Reload the " +
        "page; to host it without the CDN, build the folder with deno task jobs web export.",
    );
  }
  if (!config?.supabaseUrl || !config?.anonKey) {
    return fatal(
      "This page is not configured: set supabaseUrl and anonKey in config.js to your " +
        "project's URL and anon key (dashboard → Settings → API).",
    );
  }
  const auth = createAuth(config);
  const session = await auth.restore();
  if (session) showApp(auth, session);
  else showSignIn(auth);
}

main().catch((e) => fatal(`Something went wrong: ${e.message}`));
