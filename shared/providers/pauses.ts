/**
 * Provider pauses in `public.provider_pauses`, for every invocation: read into the sessions of
 * this one (a paused provider is stopped in them), and written for every provider these
 * sessions stopped.
 *
 * @module
 */
import type { Queryable } from "../db/postgres.ts";
import { type Provider, PROVIDERS } from "../vocabulary.ts";
import type { ProviderSessions } from "./mod.ts";

/** Stops (in these sessions) every provider that is paused in `public.provider_pauses`. */
export async function applyPauses(sql: Queryable, sessions: ProviderSessions): Promise<void> {
  const rows = await sql`
    select provider, paused_until, outcome, reason from public.active_provider_pauses()`;
  for (const row of rows) {
    const session = sessions[row.provider as Provider];
    session.stopped ??= {
      outcome: row.outcome,
      message: row.reason,
      until: new Date(row.paused_until),
      persisted: true,
    };
  }
}

/** Writes the pause of every provider these sessions stopped that is not written yet. */
export async function persistPauses(sql: Queryable, sessions: ProviderSessions): Promise<void> {
  for (const provider of PROVIDERS) {
    const stopped = sessions[provider].stopped;
    if (!stopped || stopped.persisted) continue;
    const [{ until }] = await sql`
      select public.pause_provider(${provider}, ${stopped.until!.toISOString()}::timestamptz,
                                   ${stopped.outcome}, ${stopped.message}) as until`;
    stopped.until = new Date(until);
    stopped.persisted = true;
  }
}
