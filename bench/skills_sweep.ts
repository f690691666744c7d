/**
 * A CV brings a skill the vocabulary lacks: the skills-sweep's pass over the stored jobs. At
 * 100,000 stored ads (10,000 on PGlite) with the relevance set's descriptions (0.9 kB on
 * average), "Flink" joins the vocabulary (about one ad in sixty names it) and the sweep is called
 * until its pass is done, timed with the WAL it writes. The baseline is the least that any sweep
 * recording its progress on every row costs: one UPDATE of every `job_skills` row. Everything is
 * rolled back.
 *
 * @module
 */
import type { Queryable, TransactionSql } from "../shared/db/postgres.ts";
import { inRolledBackTransaction } from "../local/database.ts";
import { loadRelevanceSet } from "./relevance.ts";
import { type BenchResult, type BenchTarget, result } from "./report.ts";

async function storeAds(tx: TransactionSql, count: number): Promise<void> {
  const ads = loadRelevanceSet().flatMap((c) => c.postings.map((p) => p.description));
  for (let from = 0; from < count; from += 10_000) {
    await tx`
      insert into public.jobs (fingerprint, title, company, description, posted_at)
      select 'bench-sweep-' || g, 'Data Engineer', 'Company ' || (g % 500),
             (${ads}::text[])[1 + g % ${ads.length}] || ' Ref ' || g, now()
      from generate_series(${from}::int, ${Math.min(count, from + 10_000) - 1}::int) g`;
  }
  await tx`analyze public.jobs`;
  await tx`analyze public.job_skills`;
}

/** Milliseconds and WAL bytes `work` takes. */
async function measure(
  tx: TransactionSql,
  work: () => Promise<unknown>,
): Promise<{ ms: number; walBytes: number }> {
  const [before] = await tx<{ lsn: string }[]>`select pg_current_wal_insert_lsn()::text as lsn`;
  const started = performance.now();
  await work();
  const ms = performance.now() - started;
  const [{ bytes }] = await tx<{ bytes: string }[]>`
    select pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ${before.lsn}::pg_lsn) as bytes`;
  return { ms, walBytes: Number(bytes) };
}

/**
 * Calls the skills-sweep until no pass is open and none is due (the vocabulary is not past the
 * last pass). A pass waits for the transactions that had an id before its own: after 10 s
 * without reading this throws.
 */
export async function sweepUntilDone(sql: Queryable): Promise<void> {
  let idleSince = Date.now();
  for (;;) {
    const [{ read }] = await sql<{ read: number }[]>`select private.sweep_job_skills() as read`;
    const [{ pending }] = await sql<{ pending: boolean }[]>`
      select exists (select 1 from private.job_skills_passes where finished_at is null)
        or private.skill_vocabulary_version()
           > (select max(to_version) from private.job_skills_passes) as pending`;
    if (!pending) return;
    if (read > 0) idleSince = Date.now();
    else if (Date.now() - idleSince > 10_000) {
      throw new Error(
        "a skills-sweep pass read nothing for 10 s: a transaction left open holds it back " +
          "(pg_stat_activity, state 'idle in transaction')",
      );
    } else await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The pass against rewriting every row, in time and in WAL. */
export async function benchSkillsSweep(
  target: BenchTarget,
  count = target.embedded ? 10_000 : 100_000,
): Promise<BenchResult[]> {
  return await inRolledBackTransaction(target.sql, async (tx) => {
    await storeAds(tx, count);
    await tx`select private.add_skills(${tx.json([{ label: "Flink", kind: "skill" }] as never)})`;
    const pass = await measure(tx, () => sweepUntilDone(tx));
    const [{ found }] = await tx<{ found: number }[]>`
      select count(*)::int as found from public.job_skills where 'flink' = any(skills)`;
    if (found === 0) throw new Error("the pass found Flink in no ad: the bench measures nothing");
    const rewrite = await measure(
      tx,
      () => tx`update public.job_skills set vocabulary_version = vocabulary_version + 1`,
    );
    const label = `${count / 1000}k`;
    return [
      result(
        `skills-sweep pass at ${label} stored ads, one new skill (vs rewriting every row)`,
        pass.ms,
        "ms",
        rewrite.ms,
      ),
      result(
        `skills-sweep pass's WAL at ${label} stored ads (vs rewriting every row)`,
        pass.walBytes / 1024,
        "kB",
        rewrite.walBytes / 1024,
      ),
    ];
  });
}
