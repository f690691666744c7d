/**
 * The one Postgres driver of the server side: postgres.js. It runs in Deno, in Supabase Edge
 * Functions and in the CLI. `prepare: false` keeps it compatible with Supabase's transaction
 * pooler (port 6543), which does not support prepared statements.
 *
 * @module
 */
import postgres from "postgres";

/** A postgres.js client. */
export type Sql = postgres.Sql;

/** A postgres.js client inside a transaction. */
export type TransactionSql = postgres.TransactionSql;

/** Options for {@link connectPostgres}. */
export interface ConnectOptions {
  /** Largest number of connections in the pool. Default 10. */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
}

/** Opens a connection pool to `url`. Nothing connects until the first query. */
export function connectPostgres(url: string, options: ConnectOptions = {}): Sql {
  return postgres(url, {
    max: options.max ?? 10,
    prepare: false,
    onnotice: () => {},
    connection: { application_name: options.applicationName ?? "job-feed" },
    // bigint columns (identity ids, counts) come back as JS numbers; they stay far below 2^53.
    types: {
      bigint: {
        to: 20,
        from: [20],
        serialize: (value: number | bigint) => value.toString(),
        parse: (value: string) => Number(value),
      },
    },
  });
}

/**
 * Describes a failure to reach Postgres in words a person can act on, or returns undefined when
 * the error is something else.
 */
export function describeConnectionError(error: unknown, url: string): string | undefined {
  const code = (error as { code?: string })?.code;
  const host = URL.canParse(url) ? new URL(url).host : "the database";
  if (code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "CONNECT_TIMEOUT") {
    return `Cannot reach Postgres at ${host} (${code}). Is it running, and is DATABASE_URL right?`;
  }
  if (code === "28P01" || code === "28000") {
    return `Postgres at ${host} rejected the credentials in DATABASE_URL.`;
  }
  if (code === "3D000") {
    return `The database named in DATABASE_URL does not exist on ${host}.`;
  }
  return undefined;
}

/** Client-side codes of postgres.js and the socket for a database that cannot be reached. */
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EPIPE",
  "ETIMEDOUT",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);

/**
 * True when `error` says the database could not be reached or went away (a connection error,
 * SQLSTATE class 08, or a server shutting down or starting, 57P01–57P03): worth another try.
 */
export function isConnectionError(error: unknown): boolean {
  const code = String((error as { code?: unknown })?.code ?? "");
  return CONNECTION_CODES.has(code) || code.startsWith("08") || /^57P0[123]$/.test(code);
}

/** Anything that runs queries: a pool, or a transaction on it. */
export type Queryable = Sql | TransactionSql;

/**
 * Runs `fn` on `sql`; inside a caller's transaction, in a savepoint, so that a statement that
 * fails (and is then retried or reported) does not abort the caller's transaction.
 */
export function isolated<T>(sql: Queryable, fn: (q: Queryable) => Promise<T>): Promise<T> {
  return isTransaction(sql)
    ? sql.savepoint((sp) => fn(sp as unknown as Queryable)) as Promise<T>
    : fn(sql);
}

/** True for a transaction (which has savepoints), false for a pool. */
export function isTransaction(sql: Queryable): sql is TransactionSql {
  return "savepoint" in sql;
}
