/**
 * The process environment, parsed once with zod. Every setting the code reads lives here, so a
 * missing or malformed value fails early with a message that names the variable and the fix.
 *
 * @module
 */
import { z } from "zod";

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

/** The schema of the environment variables this project reads. */
export const envSchema = z.object({
  /** Postgres to run against. Unset: an embedded PGlite database. */
  DATABASE_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
  /** Set by Supabase inside Edge Functions; used when DATABASE_URL is unset. */
  SUPABASE_DB_URL: z.preprocess(emptyAsUndefined, postgresUrl.optional()),
  /** Where the embedded database keeps its files. Unset: in memory. */
  PGLITE_DATA_DIR: z.preprocess(emptyAsUndefined, z.string().optional()),
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
  const parsed = envSchema.safeParse(env);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path.join(".") || "environment";
    return `${name} ${issue.message}`;
  });
  throw new ConfigError(`Invalid environment: ${problems.join("; ")}`);
}

/** The Postgres URL to use, if any: DATABASE_URL first, then Supabase's SUPABASE_DB_URL. */
export function databaseUrl(config: Config): string | undefined {
  return config.DATABASE_URL ?? config.SUPABASE_DB_URL;
}
