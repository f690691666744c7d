/**
 * A throwaway PostgreSQL 15 cluster for tests that need real Postgres: initdb into a temporary
 * directory, pg_cron preloaded, a free port on 127.0.0.1, trust authentication. `initdb` and
 * `pg_ctl` refuse to run as root, so as root they run as the `postgres` user.
 *
 * @module
 */
import { loadLocalToolsConfig } from "../shared/config.ts";
import { freePort } from "./free_port.ts";

/** A running cluster. */
export interface PgCluster {
  /** Connection URL of the `postgres` database as the `postgres` superuser. */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

/** Options for {@link startPgCluster}. */
export interface PgClusterOptions {
  /** Directory holding initdb and pg_ctl. Default: PG_BIN_DIR or /usr/lib/postgresql/15/bin. */
  binDir?: string;
  /** Libraries for shared_preload_libraries. Default: pg_cron. */
  preload?: string[];
  /** Printed before each step. Default: silent. */
  log?: (line: string) => void;
}

/** Starts a fresh cluster. Throws with the server log when it cannot start. */
export async function startPgCluster(options: PgClusterOptions = {}): Promise<PgCluster> {
  const binDir = options.binDir ?? loadLocalToolsConfig().PG_BIN_DIR;
  const preload = options.preload ?? ["pg_cron"];
  const log = options.log ?? (() => {});
  const asRoot = Deno.uid() === 0;
  const dataDir = await Deno.makeTempDir({ prefix: "jobfeed-pg-" });
  if (asRoot) await run(["chown", "-R", "postgres:postgres", dataDir]);

  const pgUser = (cmd: string[]) => asRoot ? ["runuser", "-u", "postgres", "--", ...cmd] : cmd;
  log(`initdb ${dataDir}`);
  await run(pgUser([
    `${binDir}/initdb`,
    "-D",
    `${dataDir}/data`,
    "-U",
    "postgres",
    "--auth=trust",
    "-E",
    "UTF8",
    "--locale=C.UTF-8",
  ]));

  const port = freePort();
  const settings = [
    `port = ${port}`,
    `listen_addresses = '127.0.0.1'`,
    `unix_socket_directories = '${dataDir}'`,
    `shared_preload_libraries = '${preload.join(",")}'`,
    `cron.database_name = 'postgres'`,
    `max_connections = 100`,
    // A throwaway cluster needs no durability.
    `fsync = off`,
    `synchronous_commit = off`,
    `full_page_writes = off`,
  ];
  await Deno.writeTextFile(`${dataDir}/data/postgresql.conf`, `\n${settings.join("\n")}\n`, {
    append: true,
  });

  log(`pg_ctl start on port ${port}`);
  try {
    await run(
      pgUser([
        `${binDir}/pg_ctl`,
        "-D",
        `${dataDir}/data`,
        "-l",
        `${dataDir}/server.log`,
        "-w",
        "start",
      ]),
    );
  } catch (error) {
    const serverLog = await Deno.readTextFile(`${dataDir}/server.log`).catch(() => "");
    throw new Error(`Cannot start PostgreSQL: ${(error as Error).message}\n${serverLog}`);
  }

  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async stop() {
      await run(pgUser([`${binDir}/pg_ctl`, "-D", `${dataDir}/data`, "-m", "immediate", "stop"]))
        .catch(() => {});
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}

async function run(cmd: string[]): Promise<void> {
  const output = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr) || new TextDecoder().decode(output.stdout);
    throw new Error(`${cmd.join(" ")} exited with ${output.code}: ${text.trim()}`);
  }
}
