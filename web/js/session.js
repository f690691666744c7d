// Signing in, two ways with one result (a supabase-js client that acts as the user):
//   "local"    the development sign-in of `deno task start`: it mints an access token with the
//              local JWT secret, which supabase-js gets through its `accessToken` option
//   "supabase" Supabase Auth (email and password); supabase-js keeps and refreshes the session
// Each says, in `note`, what a person needs to sign in (no jargon: no tokens, no secrets).

/** What the sign-in form says above it, per way of signing in. */
export const SIGN_IN_NOTES = {
  local: "Local sign-in: enter any email address; no password is needed on this development " +
    "server.",
  supabase: "Sign in with your email address and password, or create an account.",
};

const DEV_SESSION_KEY = "job-feed.dev-session";

function storedDevSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(DEV_SESSION_KEY) ?? "null");
    if (session && session.expires_at * 1000 > Date.now() + 60_000) return session;
  } catch {
    // a broken entry: sign in again
  }
  sessionStorage.removeItem(DEV_SESSION_KEY);
  return null;
}

function devClient(config, session) {
  return {
    client: globalThis.supabase.createClient(config.supabaseUrl, config.anonKey, {
      accessToken: () => Promise.resolve(session.access_token),
    }),
    user: session.user,
    token: () => Promise.resolve(session.access_token),
  };
}

/** The sign-in of `config.signIn`: restore(), signIn(email, password), signUp(...), signOut(). */
export function createAuth(config) {
  if (config.signIn === "local") {
    return {
      mode: "local",
      note: SIGN_IN_NOTES.local,
      restore() {
        const session = storedDevSession();
        return Promise.resolve(session ? devClient(config, session) : null);
      },
      async signIn(email) {
        const response = await fetch(`${config.supabaseUrl}/local/dev-sign-in`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email }),
        });
        const answer = await response.json().catch(() => ({}));
        if (!response.ok) throw new Error(answer.error ?? `Sign-in failed (${response.status})`);
        sessionStorage.setItem(DEV_SESSION_KEY, JSON.stringify(answer));
        return devClient(config, answer);
      },
      signUp(email) {
        return this.signIn(email);
      },
      signOut() {
        sessionStorage.removeItem(DEV_SESSION_KEY);
        return Promise.resolve();
      },
    };
  }
  const client = globalThis.supabase.createClient(config.supabaseUrl, config.anonKey);
  const signedIn = (session) => ({
    client,
    user: { id: session.user.id, email: session.user.email },
    token: async () => (await client.auth.getSession()).data.session?.access_token ?? "",
  });
  return {
    mode: "supabase",
    note: SIGN_IN_NOTES.supabase,
    async restore() {
      const { data } = await client.auth.getSession();
      return data.session ? signedIn(data.session) : null;
    },
    async signIn(email, password) {
      const { data, error } = await client.auth.signInWithPassword({ email, password });
      if (error) throw new Error(error.message);
      return signedIn(data.session);
    },
    async signUp(email, password) {
      const { data, error } = await client.auth.signUp({ email, password });
      if (error) throw new Error(error.message);
      if (!data.session) {
        throw new Error(`Almost there: confirm the link sent to ${email}, then sign in.`);
      }
      return signedIn(data.session);
    },
    async signOut() {
      await client.auth.signOut().catch(() => {});
    },
  };
}
