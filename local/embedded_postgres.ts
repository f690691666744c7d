/**
 * The zero-install database: PGlite (Postgres compiled to WebAssembly) served over the Postgres
 * wire protocol by pglite-socket, so that the same driver (postgres.js) talks to it as to a real
 * server. PGlite serves one connection at a time, so clients of it must share one connection.
 *
 * @module
 */
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";

/** A running embedded database. */
export interface EmbeddedPostgres {
  /** postgres:// URL of the socket server on 127.0.0.1. */
  url: string;
  /** The PGlite instance, for direct access in tests. */
  db: PGlite;
  /** Stops the socket server and closes the database (flushing it to disk when persistent). */
  close(): Promise<void>;
}

/** Options for {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Directory to persist into. Default: in memory. */
  dataDir?: string;
  /** Port to listen on. Default: a free one. */
  port?: number;
}

/** Starts PGlite and its socket server. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  if (options.dataDir) await Deno.mkdir(options.dataDir, { recursive: true });
  const db = await PGlite.create(options.dataDir ? { dataDir: options.dataDir } : {});
  const server = new PGLiteSocketServer({ db, host: "127.0.0.1", port: options.port ?? 0 });
  await server.start();
  const url = `postgresql://postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    db,
    async close() {
      await server.stop();
      await db.close();
    },
  };
}
