/**
 * `deno task start` in the background, used the way an app would: supabase-js uploads a CV to its
 * Storage endpoint with a user's token, and the queries, the backfill and the feed appear — the
 * trigger, pg_net's worker, cv-ingest, Claude (fake) and the backfill all in between. Runs on
 * real Postgres (test:pg): the test reads the database while the runner holds it.
 * And the runner's schedules: the rows of private.schedules, the same pg_cron gets.
 */
import assert from "node:assert/strict";
import { createClient } from "@supabase/supabase-js";
import { prepareLocalDatabase } from "../local/database.ts";
import { localKeys } from "../local/jwt.ts";
import { cronMatcher, localSchedules, nextCronFiring } from "../local/start.ts";
import { connectPostgres } from "../shared/db/postgres.ts";
import { dbTest, onRealPostgres, testDatabase, withRollback } from "./support/database.ts";

Deno.test(
  "start: the runner's schedules are the rows of private.schedules, which pg_cron has too",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const rows = await tx`
        select name, kind, schedule, command from private.schedules order by name`;
      const runner = await localSchedules(tx);
      assert.deepEqual(runner, rows.map((row) => ({ ...row })));
      assert.deepEqual(runner.map((s) => s.name), [
        "backfill-sweep",
        "cv-ingest-sweep",
        "daily-refresh",
        "daily-refresh-sweep",
        "digest-sweep",
        "feed-sweep",
        "skills-sweep",
      ]);
      // pg_cron (the extension, or the local stand-in's cron.job) has an entry for each row
      const cron = await tx<{ jobname: string; schedule: string; command: string }[]>`
        select jobname, schedule, command from cron.job order by jobname`;
      for (const schedule of runner) {
        const entries = cron.filter((job) =>
          schedule.kind === "cron"
            ? job.jobname === schedule.name
            : new RegExp(`^${schedule.name}-\\d{4}-utc$`).test(job.jobname)
        );
        assert.ok(entries.length > 0, `pg_cron has ${schedule.name}`);
        for (const entry of entries) {
          assert.equal(entry.command, schedule.command, entry.jobname);
          if (schedule.kind === "cron") assert.equal(entry.schedule, schedule.schedule);
        }
      }
      // a row the runner cannot run is refused by name, before anything starts
      await tx`insert into private.schedules (name, kind, schedule, command, description)
               values ('odd', 'cron', '@hourly', 'select 1', 'a test')`;
      await assert.rejects(
        () => localSchedules(tx),
        /Schedule odd has the cron expression "@hourly", which local\/start.ts cannot run/,
      );
    });
  },
);

Deno.test("start: cron expressions fire at the minutes pg_cron fires them (UTC)", () => {
  const next = (expression: string, after: string) =>
    nextCronFiring(cronMatcher(expression), new Date(after)).toISOString();
  assert.equal(next("* * * * *", "2026-11-30T12:03:30Z"), "2026-11-30T12:04:00.000Z");
  assert.equal(next("*/5 * * * *", "2026-11-30T12:03:30Z"), "2026-11-30T12:05:00.000Z");
  assert.equal(next("*/10 * * * *", "2026-11-30T12:10:00Z"), "2026-11-30T12:20:00.000Z");
  assert.equal(next("0 4 * * *", "2026-11-30T04:00:00Z"), "2026-12-01T04:00:00.000Z");
  assert.equal(next("30 6 1,15 * *", "2026-11-30T12:00:00Z"), "2026-12-01T06:30:00.000Z");
  assert.equal(next("0 9 * * 1-5", "2026-12-05T10:00:00Z"), "2026-12-07T09:00:00.000Z");
  assert.equal(next("0 0 * * 7", "2026-12-01T00:00:00Z"), "2026-12-06T00:00:00.000Z");
  assert.equal(next("15-45/15 * * * *", "2026-11-30T12:31:00Z"), "2026-11-30T12:45:00.000Z");
  for (const bad of ["* * * *", "61 * * * *", "*/0 * * * *", "a * * * *"]) {
    assert.throws(() => cronMatcher(bad), /which local\/start.ts cannot run/, bad);
  }
});
import { type StartedProcess, startLocalProcess, until } from "./support/start_process.ts";

Deno.test({
  name: "start: supabase-js uploads a CV to the local Storage; queries, backfill and feed appear",
  ...dbTest,
  ignore: !onRealPostgres(),
  fn: async () => {
    const { url } = await testDatabase();
    const admin = connectPostgres(url, { max: 1 });
    const name = `start_${crypto.randomUUID().slice(0, 8)}`;
    await admin.unsafe(`create database ${name}`);
    const scratchUrl = url.replace(/\/([^/?]+)(\?|$)/, `/${name}$2`);
    const sql = connectPostgres(scratchUrl, { max: 2 });
    let runner: StartedProcess | undefined;
    try {
      await prepareLocalDatabase(sql);
      runner = await startLocalProcess({ DATABASE_URL: scratchUrl });
      const apiUrl = runner.url;
      // it runs the rows of private.schedules (the scratch database has no pg_cron)
      const names = await sql<{ name: string }[]>`select name from private.schedules order by name`;
      const banner = /Schedules: +(.*) \(private\.schedules; run here\)/.exec(runner.output());
      assert.ok(banner, runner.output());
      assert.deepEqual(
        banner[1].split(/, (?=[a-z])/).map((s) => s.replace(/ \(.*\)$/, "")),
        names.map((row) => row.name),
      );
      const { anonKey } = await localKeys();
      // sign up through the local Auth, as an app does
      const client = createClient(apiUrl, anonKey, {
        auth: { persistSession: false, autoRefreshToken: false },
      });
      const signUp = await client.auth.signUp({ email: "ada@example.com", password: "s3cret-pw" });
      assert.equal(signUp.error, null, signUp.error?.message);
      const user = signUp.data.user!.id;
      const wrong = await client.auth.signInWithPassword({
        email: "ada@example.com",
        password: "nope-nope",
      });
      assert.match(wrong.error?.message ?? "", /Invalid login credentials/);
      const signIn = await client.auth.signInWithPassword({
        email: "ada@example.com",
        password: "s3cret-pw",
      });
      assert.equal(signIn.data.user?.id, user);
      const pdf = await Deno.readFile(
        new URL("../local/samples/senior-data-engineer-berlin.pdf", import.meta.url),
      );
      const blob = new Blob([pdf], { type: "application/pdf" });

      const refused = await client.storage.from("cvs").upload(
        `${crypto.randomUUID()}/cv.pdf`,
        blob,
      );
      assert.ok(refused.error, "another user's folder is refused by RLS");
      assert.match(refused.error.message, /row-level security/, JSON.stringify(refused.error));
      // Storage answers 400 with the real status in the body
      assert.equal((refused.error as unknown as { statusCode: string }).statusCode, "403");
      const notPdf = await client.storage.from("cvs").upload(
        `${user}/notes.txt`,
        new Blob(["hello"], { type: "text/plain" }),
      );
      assert.match(notPdf.error?.message ?? "", /mime type text\/plain is not supported/);

      const { data, error } = await client.storage.from("cvs").upload(`${user}/cv.pdf`, blob);
      assert.equal(error, null, error?.message);
      assert.equal(data?.fullPath, `cvs/${user}/cv.pdf`);

      const queries = await until("the queries", async () => {
        const rows = await sql`select title_keyword, location from public.user_search_queries
                               where user_id = ${user} and is_active`;
        return rows.length > 0 ? rows : undefined;
      });
      assert.ok(queries.length >= 2);
      await until("the backfill", async () => {
        const [row] = await sql`select state from public.backfill_requests where user_id = ${user}`;
        return row?.state === "done" ? true : undefined;
      });
      const [{ jobs }] = await sql`
        select count(distinct cj.job_id)::int as jobs
        from public.user_search_queries q
        join public.backfill_tracking bt on bt.combination_key = q.combination_key
        join public.combination_jobs cj on cj.combination_id = bt.id
        where q.user_id = ${user} and q.is_active`;
      assert.ok(jobs > 0, "the user's feed has jobs");
      // the file can be read back through Storage by its owner
      const download = await client.storage.from("cvs").download(`${user}/cv.pdf`);
      assert.equal(download.error, null);
      assert.equal((await download.data!.arrayBuffer()).byteLength, pdf.length);
    } finally {
      await runner?.stop();
      await sql.end();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  },
});
