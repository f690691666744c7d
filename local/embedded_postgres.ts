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

/** Thrown when another process has the data directory open. */
export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
}

function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Takes the data directory for this process: PGlite has no lock of its own, and two processes
 * writing one directory lose committed data. A lock left by a process that is gone is taken over.
 */
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const lock = `${dataDir}/.job-feed.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await Deno.writeTextFile(lock, String(Deno.pid), { createNew: true });
      return () => Deno.remove(lock).catch(() => {});
    } catch (error) {
      if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      const holder = Number(await Deno.readTextFile(lock).catch(() => "0"));
      if (holder && holder !== Deno.pid && processAlive(holder)) {
        throw new DataDirInUseError(
          `The embedded database in ${dataDir} is in use by process ${holder} (deno task start, ` +
            "or another command). Stop it first, or give this command its own PGLITE_DATA_DIR, " +
            "or set DATABASE_URL to a Postgres that serves many connections.",
        );
      }
      await Deno.remove(lock).catch(() => {});
    }
  }
  throw new DataDirInUseError(`Cannot lock the embedded database in ${dataDir}.`);
}

/** Starts PGlite and its socket server. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions = {},
): Promise<EmbeddedPostgres> {
  let unlock = () => Promise.resolve();
  if (options.dataDir) {
    await Deno.mkdir(options.dataDir, { recursive: true });
    unlock = await lockDataDir(options.dataDir);
  }
  try {
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
        await unlock();
      },
    };
  } catch (error) {
    await unlock();
    throw error;
  }
}
