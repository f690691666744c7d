/**
 * `deno task bench [--json]`: every benchmark, each measured side by side with its baseline in
 * one run. Database: DATABASE_URL when set; otherwise a throwaway PostgreSQL 15 when its binaries
 * are installed (the numbers that matter); otherwise the embedded PGlite.
 *
 * @module
 */
import { loadConfig, loadLocalToolsConfig } from "../shared/config.ts";
import { connectPostgres } from "../shared/db/postgres.ts";
import { openLocalDatabase, prepareLocalDatabase } from "../local/database.ts";
import { startPgCluster } from "../local/pg_cluster.ts";
import { type BenchResult, type BenchTarget, formatJsonLines, formatTable } from "./report.ts";
import { benchUnbackedJoin } from "./unbacked_join.ts";
import { benchJobUpsert } from "./job_upsert.ts";
import { benchBackfillQuota } from "./backfill_quota.ts";
import { benchDailyRefresh } from "./daily_refresh.ts";
import { benchFeed } from "./feed.ts";
import { benchRelevance } from "./relevance.ts";
import { benchSkillsSweep } from "./skills_sweep.ts";

/** Every benchmark, in print order. */
const benchmarks: ((target: BenchTarget) => Promise<BenchResult[]>)[] = [
  ({ sql }) => benchUnbackedJoin(sql),
  benchJobUpsert,
  benchBackfillQuota,
  benchDailyRefresh,
  benchFeed,
  benchSkillsSweep,
  benchRelevance,
];

async function pgBinariesInstalled(): Promise<boolean> {
  const binDir = loadLocalToolsConfig().PG_BIN_DIR;
  return await Deno.stat(`${binDir}/initdb`).then(() => true, () => false);
}

async function withDatabase<T>(
  fn: (target: BenchTarget, name: string) => Promise<T>,
): Promise<T> {
  const config = loadConfig();
  if (!config.DATABASE_URL && await pgBinariesInstalled()) {
    const cluster = await startPgCluster();
    const sql = connectPostgres(cluster.url, { max: 4 });
    try {
      await prepareLocalDatabase(sql);
      return await fn({ sql, url: cluster.url, embedded: false }, "throwaway PostgreSQL 15");
    } finally {
      await sql.end();
      await cluster.stop();
    }
  }
  const database = await openLocalDatabase(config, { max: 4 });
  try {
    await prepareLocalDatabase(database.sql);
    return await fn(
      database,
      database.embedded ? "embedded PGlite" : "DATABASE_URL",
    );
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  const json = Deno.args.includes("--json");
  await withDatabase(async (target, name) => {
    if (!json) console.log(`Benchmarks on ${name}\n`);
    const results: BenchResult[] = [];
    for (const bench of benchmarks) {
      // Each benchmark starts on a settled database: what the previous one left dead (the
      // unbacked-join rows are rolled back: 100,000 dead tuples) is vacuumed now, not by an
      // autovacuum worker in the middle of the next one's rounds.
      await target.sql`vacuum analyze`;
      results.push(...await bench(target));
    }
    console.log(json ? formatJsonLines(results) : formatTable(results));
  });
}

if (import.meta.main) await main();
