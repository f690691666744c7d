/** The in-process scheduler fires at 06:00 Berlin across DST, once per date, from the database. */
import assert from "node:assert/strict";
import { runScheduler } from "../shared/refresh/scheduler.ts";
import { startRun } from "../shared/refresh/claims.ts";
import { dbTest, withRollback } from "./support/database.ts";

Deno.test(
  "scheduler: sleeps to 06:00 Berlin, before and after the spring switch",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.runs where kind = 'daily_refresh'`;
      let now = new Date("2026-03-28T03:00:00Z"); // 04:00 CET
      const fired: string[] = [];
      const slept: number[] = [];
      const count = await runScheduler({
        sql: tx,
        clock: () => now,
        sleep: (ms) => {
          slept.push(ms);
          now = new Date(now.getTime() + ms);
          return Promise.resolve();
        },
        fire: async (at) => {
          fired.push(at.toISOString());
          await startRun(tx, { at, triggeredBy: "test" });
        },
      }, { maxFirings: 3 });
      assert.equal(count, 3);
      assert.deepEqual(fired, [
        "2026-03-28T05:00:00.000Z", // 06:00 CET
        "2026-03-29T04:00:00.000Z", // 06:00 CEST, the day the clocks go forward
        "2026-03-30T04:00:00.000Z",
      ]);
      assert.ok(slept.every((ms) => ms <= 60_000), "short sleeps");
    });
  },
);

Deno.test(
  "scheduler: a date whose time passed while it was down runs at start, once",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.runs where kind = 'daily_refresh'`;
      let now = new Date("2026-10-25T10:00:00Z"); // 11:00 CET, no run yet today
      const fired: string[] = [];
      await runScheduler({
        sql: tx,
        clock: () => now,
        sleep: (ms) => {
          now = new Date(now.getTime() + ms);
          return Promise.resolve();
        },
        fire: async (at) => {
          fired.push(at.toISOString());
          await startRun(tx, { at, triggeredBy: "test" });
        },
      }, { maxFirings: 2 });
      assert.deepEqual(fired, ["2026-10-25T10:00:00.000Z", "2026-10-26T05:00:00.000Z"]);
    });
  },
);

Deno.test(
  "scheduler: a firing that starts no run (the database's clock behind) waits before the next",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      await tx`delete from public.runs where kind = 'daily_refresh'`;
      let now = new Date("2026-10-26T05:00:00Z"); // 06:00 CET: due by this clock
      const fired: string[] = [];
      const slept: number[] = [];
      await runScheduler({
        sql: tx,
        clock: () => now,
        sleep: (ms) => {
          slept.push(ms);
          now = new Date(now.getTime() + ms);
          return Promise.resolve();
        },
        fire: (at) => {
          fired.push(at.toISOString()); // the database finds it not yet due: nothing starts
          return Promise.resolve();
        },
      }, { maxFirings: 3 });
      assert.deepEqual(fired, [
        "2026-10-26T05:00:00.000Z",
        "2026-10-26T05:01:00.000Z",
        "2026-10-26T05:02:00.000Z",
      ]);
      assert.deepEqual(slept, [60_000, 60_000, 60_000]);
    });
  },
);
