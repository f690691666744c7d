/**
 * When the daily refresh fires: pg_cron runs in UTC, so it fires at 04:00 and 05:00 UTC and the
 * database lets exactly one firing per Berlin date through, at 06:00 local time — across the
 * 2026 DST switches (29 March, 25 October) and on ordinary days.
 */
import assert from "node:assert/strict";
import type { TransactionSql } from "../shared/db/postgres.ts";
import { dbTest, withRollback } from "./support/database.ts";

async function fire(tx: TransactionSql, at: string): Promise<number | null> {
  const [{ run }] = await tx`select public.fire_daily_refresh(${at}::timestamptz) as run`;
  return run === null ? null : Number(run);
}

function days(from: string, count: number): string[] {
  const start = new Date(`${from}T00:00:00Z`).getTime();
  return Array.from(
    { length: count },
    (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10),
  );
}

Deno.test(
  "daily refresh: pg_cron's two UTC firings give one run per Berlin date, at 06:00 local",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.runs where kind = 'daily_refresh'`;
      const times = await tx`select private.daily_refresh_utc_times()::text as t`;
      assert.deepEqual(times.map((r) => r.t), ["04:00:00", "05:00:00"]);

      const started = new Map<string, string>();
      const dates = [
        ...days("2026-03-26", 6), // CET → CEST on Sunday 29 March
        ...days("2026-07-14", 2), // an ordinary summer day
        ...days("2026-10-22", 6), // CEST → CET on Sunday 25 October
        ...days("2026-12-01", 2), // an ordinary winter day
      ];
      for (const date of dates) {
        for (const hour of ["04", "05"]) {
          const at = `${date}T${hour}:00:00Z`;
          const run = await fire(tx, at);
          const again = await fire(tx, at);
          assert.equal(again, null, `a second firing at ${at} does nothing`);
          if (run !== null) {
            const [row] = await tx`select run_date::text as d from public.runs where id = ${run}`;
            assert.ok(!started.has(row.d), `one run for ${row.d}`);
            started.set(row.d, at);
          }
        }
      }
      const berlinHour = (at: string) =>
        new Intl.DateTimeFormat("en-GB", {
          timeZone: "Europe/Berlin",
          hour: "2-digit",
          minute: "2-digit",
        }).format(new Date(at));
      assert.deepEqual([...started.keys()], dates, "every date ran once");
      for (const [date, at] of started) {
        assert.equal(berlinHour(at), "06:00", `${date} ran at 06:00 Berlin (${at})`);
      }
      assert.equal(started.get("2026-03-28"), "2026-03-28T05:00:00Z", "last CET morning");
      assert.equal(started.get("2026-03-29"), "2026-03-29T04:00:00Z", "first CEST morning");
      assert.equal(started.get("2026-10-24"), "2026-10-24T04:00:00Z", "last CEST morning");
      assert.equal(started.get("2026-10-25"), "2026-10-25T05:00:00Z", "first CET morning");
    });
  },
);

Deno.test(
  "daily refresh: a row of private.schedules; pg_cron gets its UTC times and follows the settings",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const [row] = await tx`
        select kind, schedule, command from private.schedules where name = 'daily-refresh'`;
      assert.deepEqual({ ...row }, {
        kind: "daily_local_time",
        schedule: null,
        command: "select public.fire_daily_refresh()",
      });
      // cron.job: the extension's, or the local stand-in's where the database cannot have it
      const entries = async () =>
        (await tx`select jobname, schedule, command from cron.job
                  where jobname like 'daily-refresh-%-utc' order by jobname`).map((j) => ({
          ...j,
        }));
      assert.deepEqual(await entries(), [
        {
          jobname: "daily-refresh-0400-utc",
          schedule: "0 4 * * *",
          command: "select public.fire_daily_refresh()",
        },
        {
          jobname: "daily-refresh-0500-utc",
          schedule: "0 5 * * *",
          command: "select public.fire_daily_refresh()",
        },
      ]);
      await tx`update public.settings set daily_refresh_local_time = '07:30'`;
      assert.deepEqual((await entries()).map((j) => j.jobname), [
        "daily-refresh-0530-utc",
        "daily-refresh-0630-utc",
      ]);
    });
  },
);

Deno.test(
  "daily refresh: a firing before 06:00 waits; a late one still runs once",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.runs where kind = 'daily_refresh'`;
      const [{ early }] =
        await tx`select public.daily_refresh_due('2026-11-30T04:59:59Z') as early`;
      assert.equal(early, null, "05:59:59 in Berlin is too early");
      const [{ late }] =
        await tx`select public.daily_refresh_due('2026-11-30T13:00:00Z')::text as late`;
      assert.equal(late, "2026-11-30", "a firing missed at 06:00 runs later that day");
      assert.ok(await fire(tx, "2026-11-30T13:00:00Z"));
      assert.equal(await fire(tx, "2026-11-30T22:59:00Z"), null, "once per date");
      const [{ next }] =
        await tx`select public.daily_refresh_due('2026-11-30T23:00:00Z')::text as next`;
      assert.equal(next, null, "00:00 on 1 December is before 06:00");
    });
  },
);

Deno.test("daily refresh: the next firing instant follows the zone's rules", dbTest, async () => {
  await withRollback(async (tx) => {
    const next = async (after: string) => {
      const [{ at }] = await tx`select public.next_daily_refresh_at(${after}::timestamptz) as at`;
      return (at as Date).toISOString();
    };
    assert.equal(await next("2026-03-28T05:30:00Z"), "2026-03-29T04:00:00.000Z");
    assert.equal(await next("2026-10-24T12:00:00Z"), "2026-10-25T05:00:00.000Z");
    assert.equal(await next("2026-11-29T04:59:00Z"), "2026-11-29T05:00:00.000Z");
    assert.equal(await next("2026-11-29T05:00:00Z"), "2026-11-30T05:00:00.000Z");
  });
});

Deno.test(
  "daily refresh: time and zone are settings; a bad zone is refused by name",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`update public.settings set daily_refresh_local_time = '07:30',
             daily_refresh_time_zone = 'America/New_York'`;
      const times = await tx`select private.daily_refresh_utc_times()::text as t`;
      assert.deepEqual(times.map((r) => r.t), ["11:30:00", "12:30:00"]);
      await assert.rejects(
        () =>
          tx.savepoint((sp) =>
            sp`update public.settings set daily_refresh_time_zone = 'Europe/Berln'`
          ),
        /Unknown time zone "Europe\/Berln": use a name from pg_timezone_names, such as Europe\/Berlin/,
      );
      await assert.rejects(
        () => tx.savepoint((sp) => sp`insert into public.settings default values`),
        /duplicate key/,
        "one row of settings",
      );
    });
  },
);

Deno.test(
  "daily refresh: a forced start restarts the date's run; unforced does nothing",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.runs where kind = 'daily_refresh'`;
      const [{ first }] =
        await tx`select public.start_daily_refresh('2026-11-30T05:00:00Z') as first`;
      await tx`update public.runs set status = 'failed', finished_at = now() where id = ${first}`;
      const [{ again }] =
        await tx`select public.start_daily_refresh('2026-11-30T09:00:00Z') as again`;
      assert.equal(again, null);
      const [{ forced }] = await tx`
      select public.start_daily_refresh('2026-11-30T09:00:00Z', true, 'cli') as forced`;
      assert.equal(forced, first, "the same row: one run per date");
      const [run] =
        await tx`select status, triggered_by, stats from public.runs where id = ${first}`;
      assert.equal(run.status, "running");
      assert.equal(run.triggered_by, "cli");
      assert.ok(run.stats.forced_at);
    });
  },
);
