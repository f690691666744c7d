/**
 * The process environment, parsed once with zod. Every environment variable the code reads lives
 * here, so a missing or malformed value fails early with a message that names the variable and
 * the fix. What an operator changes while the system runs is in `public.settings` instead.
 *
 * @module
 */
import { z } from "zod";
import { mailboxAddress } from "./email/resend.ts";

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => /^postgres(ql)?:\/\//.test(value), {
    message: "must be a postgres:// or postgresql:// connection URL",
  })
  .refine((value) => URL.canParse(value), {
    message: "is not a valid URL; percent-encode special characters in the password",
  });

const emptyAsUndefined = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const httpUrl = z.string().trim().refine(
  (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
  { message: "must be an http(s) URL such as https://jsearch.p.rapidapi.com" },
);

/** One public key of a JSON Web Key Set; jose checks the rest of its members when it is used. */
const jsonWebKey = z.looseObject({ kty: z.string() });

/**
 * A JSON Web Key Set read from text: `{"keys": [...]}` or the bare list, each key with a `kty`.
 * The result is always `{keys: [...]}`.
 */
const jsonWebKeySet = z.string().transform((text, ctx) => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({
      code: "custom",
      message: 'is not JSON; it must be {"keys": [...]}, the project\'s public signing keys',
    });
    return z.NEVER;
  }
}).pipe(
  z.union([
    z.object({ keys: z.array(jsonWebKey) }),
    z.array(jsonWebKey).transform((keys) => ({ keys })),
  ], { message: 'must be {"keys": [...]} with a "kty" in every key' }),
);

/** A positive number read from text, with a default. */
function positive(defaultValue: number, example: string) {
  return z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ message: `must be a number such as ${example}` })
      .positive({ message: `must be greater than 0, such as ${example}` })
      .default(defaultValue),
  );
}

/** A whole number ≥ 0 read from text, with a default. */
function count(defaultValue: number, example: string) {
  return z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ message: `must be a whole number such as ${example}` })
      .int({ message: `must be a whole number such as ${example}` })
      .nonnegative({ message: `must be 0 or more, such as ${example}` })
      .default(defaultValue),
  );
}

/** A whole number from `min` to `max` read from text, with a default; `why` explains the max. */
function wholeInRange(min: number, max: number, defaultValue: number, why = "") {
  const message = `must be a whole number from ${min} to ${max}, such as ${defaultValue}`;
  return z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ message }).int({ message }).min(min, { message })
      .max(max, {
        message: why ? `must be a whole number from ${min} to ${max} (${why})` : message,
      })
      .default(defaultValue),
  );
}

/** The schema of the environment variables this project reads. */
export const envSchema = z.object({
  /** Postgres to run against. Unset: an embedded PGlite database. */
  DATABASE_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
  /** Set by Supabase inside Edge Functions; used when DATABASE_URL is unset. */
  SUPABASE_DB_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
  /** Where the embedded database keeps its files. Unset: in memory. */
  PGLITE_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),

  /** The RapidAPI key for JSearch and Active Jobs DB. Unset: providers cannot be called. */
  RAPIDAPI_KEY: z.preprocess(emptyAsUndefined, z.string().trim().optional()),
  /** JSearch base URL (a local fake in tests and the demo). */
  JSEARCH_BASE_URL: z.preprocess(
    emptyAsUndefined,
    httpUrl.default("https://jsearch.p.rapidapi.com"),
  ),
  /** Active Jobs DB base URL (a local fake in tests and the demo). */
  ACTIVE_JOBS_BASE_URL: z.preprocess(
    emptyAsUndefined,
    httpUrl.default("https://active-jobs-db.p.rapidapi.com"),
  ),
  /** Per-call timeout for provider calls, in milliseconds. */
  PROVIDER_TIMEOUT_MS: positive(20_000, "20000"),
  /** Retries after a failed provider call (429, 5xx, network). */
  PROVIDER_MAX_RETRIES: count(4, "4"),
  /** First retry delay in ms; it doubles per retry, with jitter. */
  PROVIDER_RETRY_BASE_MS: positive(1_000, "1000"),
  /** Longest single wait between retries (a longer Retry-After ends the retries), in ms. */
  PROVIDER_RETRY_MAX_MS: positive(30_000, "30000"),
  /** JSearch call starts per second, and calls in flight, per process. */
  JSEARCH_REQUESTS_PER_SECOND: positive(4, "4"),
  JSEARCH_MAX_CONCURRENCY: positive(2, "2"),
  /** Active Jobs DB call starts per second, and calls in flight, per process. */
  ACTIVE_JOBS_REQUESTS_PER_SECOND: positive(4, "4"),
  ACTIVE_JOBS_MAX_CONCURRENCY: positive(2, "2"),
  /** The shared secret the database sends to Edge Functions (Vault `functions_secret`). */
  FUNCTIONS_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** Set by Supabase inside Edge Functions: the project's API URL. */
  SUPABASE_URL: z.preprocess(emptyAsUndefined, httpUrl.optional()),
  /** Legacy service-role key (Supabase still injects it); SUPABASE_SECRET_KEYS is preferred. */
  SUPABASE_SERVICE_ROLE_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** Set by Supabase: JSON object of secret keys by name, e.g. {"default": "sb_secret_..."}. */
  SUPABASE_SECRET_KEYS: z.preprocess(emptyAsUndefined, z.string().optional()),
  /**
   * Set by Supabase inside Edge Functions: the project's public JWT signing keys (ES256, RS256).
   * Unset: the user-facing functions fetch them from SUPABASE_URL's JWKS endpoint.
   */
  SUPABASE_JWKS: z.preprocess(emptyAsUndefined, jsonWebKeySet.optional()),
  /**
   * The project's legacy HS256 JWT secret, for tokens a project still signs with it (set it with
   * `supabase secrets set`: names starting with SUPABASE_ are reserved). Unset: HS256 is refused.
   */
  LEGACY_JWT_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** The legacy HS256 JWT secret under the platform's name; LEGACY_JWT_SECRET wins. */
  SUPABASE_JWT_SECRET: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** Resend API key for the morning digest. Unset: no digest email is sent. */
  RESEND_API_KEY: z.preprocess(emptyAsUndefined, z.string().trim().optional()),
  /** Resend base URL (a local fake in tests and the demo). */
  RESEND_BASE_URL: z.preprocess(emptyAsUndefined, httpUrl.default("https://api.resend.com")),
  /** The digest's sender, `Name <address>` or an address on a domain verified in Resend. */
  DIGEST_FROM: z.preprocess(
    emptyAsUndefined,
    z.string().trim().refine((value) => mailboxAddress(value) !== null, {
      message: 'must be an address such as digest@example.com or "Job feed <digest@example.com>"',
    }).optional(),
  ),
  /** Anthropic API key. Unset: CVs cannot be read (tests and the demo use the local fake). */
  ANTHROPIC_API_KEY: z.preprocess(emptyAsUndefined, z.string().optional()),
  /** Anthropic base URL, without /v1 (a local fake in tests and the demo). */
  ANTHROPIC_BASE_URL: z.preprocess(emptyAsUndefined, httpUrl.default("https://api.anthropic.com")),
  /** The Claude model that reads CVs. */
  ANTHROPIC_MODEL: z.preprocess(emptyAsUndefined, z.string().trim().default("claude-sonnet-5-5")),
  /** Retries the Anthropic SDK makes on 429/5xx/529 before a CV is marked failed. */
  ANTHROPIC_MAX_RETRIES: count(2, "2"),
  /**
   * Per-request timeout for Claude, in ms. With the retries, 40 s keeps a whole parse inside the
   * Edge wall clock (150 s): 3 attempts × 40 s plus backoff.
   */
  ANTHROPIC_TIMEOUT_MS: positive(40_000, "40000"),
  /** Pages of a CV sent to Claude; longer CVs are cut, not refused. */
  CV_MAX_PAGES: wholeInRange(1, 100, 10, "Claude reads at most 100 PDF pages"),
  /** Largest CV accepted, in bytes (the cvs bucket allows 10 MiB). */
  CV_MAX_BYTES: positive(10 * 1024 * 1024, "10485760"),
  /**
   * Wall-clock time one backfill invocation starts new combinations in, in ms. A combination
   * started late still finishes, so this stays well under the Edge limit of 150 s.
   */
  BACKFILL_TIME_BUDGET_MS: positive(90_000, "90000"),
  /**
   * No provider call runs past this many ms after an invocation starts (backfill, daily refresh):
   * the hard stop inside Supabase's 150 s wall clock. What is cut off is fetched later.
   */
  FUNCTION_DEADLINE_MS: positive(140_000, "140000"),
  /** Most combinations one invocation backfills (Edge CPU: 2 s per invocation). */
  BACKFILL_MAX_COMBINATIONS: wholeInRange(1, 1000, 10),
  /** Most daily-refresh items (combinations) one invocation takes. */
  REFRESH_MAX_ITEMS: wholeInRange(1, 10_000, 40),
  /** Daily-refresh items in flight at once in one invocation (the rate limits pace the calls). */
  REFRESH_CONCURRENCY: wholeInRange(1, 64, 4),
  /** Wall-clock time one daily-refresh invocation starts new items in, in ms. */
  REFRESH_TIME_BUDGET_MS: positive(100_000, "100000"),
});

/** The parsed environment. */
export type Config = z.infer<typeof envSchema>;

/** Thrown when the environment is invalid; the message lists every bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/**
 * Parses the environment. Throws a {@link ConfigError} whose message names each invalid variable
 * and what it must look like.
 */
export function loadConfig(env: Record<string, string | undefined> = Deno.env.toObject()): Config {
  return parseEnvironment(envSchema, env);
}

function parseEnvironment<T extends z.ZodType>(
  schema: T,
  env: Record<string, unknown>,
): z.infer<T> {
  const parsed = schema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join(".") || "environment";
    return `${name} ${issue.message}`;
  });
  throw new ConfigError(`Invalid environment: ${problems.join("; ")}`);
}

/**
 * The knobs of the local tools only (`deno task start`, `test:pg`, `bench`): never read by a
 * deployed function.
 */
export const localToolsEnvSchema = z.object({
  /** The port `deno task start` serves on (0: any free port). */
  LOCAL_PORT: wholeInRange(0, 65_535, 54_321, "a TCP port; 0 takes any free one"),
  /** The local stand-in's HS256 secret. Unset: the Supabase CLI's default local secret. */
  LOCAL_JWT_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().min(32, { message: "must be at least 32 characters long, as HS256 wants" })
      .optional(),
  ),
  /** How the local web page signs in: the development sign-in, or Auth's password sign-in. */
  WEB_SIGN_IN: z.preprocess(
    emptyAsUndefined,
    z.enum(["local", "supabase"], { message: "must be local or supabase" }).default("local"),
  ),
  /** Milliseconds the Claude fake takes per answer, to see a CV being read at a real pace. */
  FAKE_CLAUDE_LATENCY_MS: count(0, "3000"),
  /** Where initdb and pg_ctl are, for the throwaway PostgreSQL of `test:pg` and `bench`. */
  PG_BIN_DIR: z.preprocess(
    emptyAsUndefined,
    z.string().trim().default("/usr/lib/postgresql/15/bin"),
  ),
});

/** The parsed knobs of the local tools. */
export type LocalToolsConfig = z.infer<typeof localToolsEnvSchema>;

/** Parses the local tools' knobs; throws a {@link ConfigError} naming each invalid one. */
export function loadLocalToolsConfig(
  env: Record<string, string | undefined> = Deno.env.toObject(),
): LocalToolsConfig {
  return parseEnvironment(localToolsEnvSchema, env);
}

/** The Postgres URL to use, if any: DATABASE_URL first, then Supabase's SUPABASE_DB_URL. */
export function databaseUrl(config: Config): string | undefined {
  return config.DATABASE_URL ?? config.SUPABASE_DB_URL;
}

/** The service key for Storage and the Data API: the first of SUPABASE_SECRET_KEYS, else the
 * legacy SUPABASE_SERVICE_ROLE_KEY. */
export function serviceKey(config: Config): string | undefined {
  if (config.SUPABASE_SECRET_KEYS) {
    try {
      const keys = JSON.parse(config.SUPABASE_SECRET_KEYS) as Record<string, string>;
      const first = keys.default ?? Object.values(keys)[0];
      if (first) return first;
    } catch {
      // not JSON: fall back to the legacy key
    }
  }
  return config.SUPABASE_SERVICE_ROLE_KEY;
}
