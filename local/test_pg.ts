/**
 * `deno task test:pg`: the whole suite on a real, throwaway PostgreSQL 15.
 *
 *  1. initdb a fresh cluster (pg_cron preloaded, free port);
 *  2. apply the local Supabase platform stand-in and the pgTAP extension;
 *  3. apply `migrations/` with the real Supabase CLI (`supabase db push --db-url`);
 *  4. run `deno test` with DATABASE_URL pointing at it (plus the real-Postgres-only tests);
 *  5. run the pgTAP files under supabase/tests with pg_prove;
 *  6. stop and delete the cluster, whatever happened.
 *
 * Extra arguments are passed to `deno test` (e.g. a file filter).
 *
 * @module
 */
import { connectPostgres } from "../shared/db/postgres.ts";
import { startPgCluster } from "./pg_cluster.ts";
import { applyLocalPlatform } from "./platform.ts";

const root = new URL("../", import.meta.url).pathname;
const step = (text: string) => console.log(`\n=== ${text}`);

function supabaseCliSpecifier(): string {
  const denoJson = JSON.parse(Deno.readTextFileSync(`${root}deno.json`));
  return denoJson.imports.supabase;
}

async function run(
  cmd: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<boolean> {
  const status = await new Deno.Command(cmd, {
    args,
    cwd: root,
    env,
    stdout: "inherit",
    stderr: "inherit",
  }).spawn().status;
  return status.success;
}

async function hasCommand(name: string): Promise<boolean> {
  try {
    return (await new Deno.Command("which", { args: [name], stdout: "null", stderr: "null" })
      .output())
      .success;
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  step("Starting a throwaway PostgreSQL 15 cluster");
  const cluster = await startPgCluster({ log: (line) => console.log(line) });
  const failures: string[] = [];
  try {
    step("Applying the local Supabase platform stand-in");
    const sql = connectPostgres(cluster.url, { max: 1 });
    try {
      await applyLocalPlatform(sql);
      await sql`create extension if not exists pgtap with schema extensions`;
    } finally {
      await sql.end();
    }

    step("Applying migrations with the Supabase CLI (db push --db-url)");
    const dbUrl = `${cluster.url}?sslmode=disable`;
    const cli = supabaseCliSpecifier();
    if (
      !(await run(Deno.execPath(), ["run", "-A", cli, "db", "push", "--db-url", dbUrl, "--yes"]))
    ) {
      failures.push("supabase db push");
      return 1;
    }
    if (!(await run(Deno.execPath(), ["run", "-A", cli, "migration", "list", "--db-url", dbUrl]))) {
      failures.push("supabase migration list");
    }

    step("Running the test suite on real Postgres");
    const testArgs = Deno.args.length > 0 ? Deno.args : ["tests/"];
    if (
      !(await run(Deno.execPath(), ["test", "--allow-all", ...testArgs], {
        DATABASE_URL: cluster.url,
      }))
    ) {
      failures.push("deno test");
    }

    step("Running pgTAP files with pg_prove");
    if (!(await hasCommand("pg_prove"))) {
      console.log("pg_prove is not installed (apt install postgresql-15-pgtap); failing.");
      failures.push("pg_prove missing");
    } else if (
      !(await run("pg_prove", [
        "--host",
        "127.0.0.1",
        "--port",
        String(cluster.port),
        "--username",
        "postgres",
        "--dbname",
        "postgres",
        "--ext",
        ".sql",
        "-r",
        "supabase/tests",
      ]))
    ) {
      failures.push("pg_prove");
    }
  } finally {
    step("Stopping the cluster");
    await cluster.stop();
  }
  if (failures.length > 0) {
    console.error(`\ntest:pg failed: ${failures.join(", ")}`);
    return 1;
  }
  console.log("\ntest:pg passed");
  return 0;
}

if (import.meta.main) Deno.exit(await main());
