// The project this page talks to. Fill in your project's URL and its anon (publishable) key
// from the dashboard (Settings → API) before deploying the folder to any static host.
// `deno task start` serves its own config.js instead, for the local stand-in.
globalThis.JOB_FEED_CONFIG = {
  supabaseUrl: "",
  anonKey: "",
  // "supabase": Supabase Auth (email + password); "local": the development sign-in of `deno task start`
  signIn: "supabase",
};
