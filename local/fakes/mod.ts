/**
 * Local fakes of the two paid job APIs (JSearch and Active Jobs DB on RapidAPI), drawing from one
 * deterministic job world, for tests, the bench and the demo.
 *
 * ```ts
 * const fakes = await startProviderFakes();
 * const res = await fetch(`${fakes.jsearch.url}/search?query=data+engineer+in+berlin&country=de`, {
 *   headers: { "x-rapidapi-key": "test-key", "x-rapidapi-host": "jsearch.p.rapidapi.com" },
 * });
 * console.log((await res.json()).data.length);
 * await fakes.close();
 * ```
 *
 * @module
 */
import { type FakeActiveJobsDbOptions, startFakeActiveJobsDb } from "./active_jobs_db.ts";
import { type FakeJSearchOptions, startFakeJSearch } from "./jsearch.ts";
import type { FakeServer } from "./rapidapi_gateway.ts";
import { createJobWorld, type JobWorld } from "./world.ts";

export * from "./world.ts";
export * from "./rapidapi_gateway.ts";
export * from "./jsearch.ts";
export * from "./active_jobs_db.ts";
export * from "./resend.ts";
export { COMPANIES, type Company } from "./companies.ts";

/** Options of {@link startProviderFakes}. */
export interface ProviderFakesOptions {
  /** The shared world (default `createJobWorld()`). */
  world?: JobWorld;
  jsearch?: Omit<FakeJSearchOptions, "world">;
  activeJobsDb?: Omit<FakeActiveJobsDbOptions, "world">;
}

/** Both fakes, sharing one world. */
export interface ProviderFakes {
  world: JobWorld;
  jsearch: FakeServer;
  activeJobsDb: FakeServer;
  /** Closes both servers. */
  close(): Promise<void>;
}

/** Starts both fake providers on free ports, drawing from one world. */
export async function startProviderFakes(
  options: ProviderFakesOptions = {},
): Promise<ProviderFakes> {
  const world = options.world ?? createJobWorld();
  const jsearch = await startFakeJSearch({ ...options.jsearch, world });
  const activeJobsDb = await startFakeActiveJobsDb({ ...options.activeJobsDb, world })
    .catch(async (error) => {
      await jsearch.close();
      throw error;
    });
  return {
    world,
    jsearch,
    activeJobsDb,
    async close() {
      await Promise.all([jsearch.close(), activeJobsDb.close()]);
    },
  };
}
