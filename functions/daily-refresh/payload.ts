/**
 * The bodies daily-refresh accepts, validated with zod:
 *   {"run_id": 7}                         drain that run (pg_cron's firing, the sweep)
 *   {"at": "2026-11-30T05:00:00Z", "force": true}
 *                                         start the run of that instant's local date (force:
 *                                         again, even if it ran), then drain it
 *   {}                                    start today's run if it has none, then drain it
 *
 * @module
 */
import { z } from "zod";
import { describePayloadIssues } from "../../shared/http/payload_errors.ts";

/** A valid body. */
export const dailyRefreshPayloadSchema = z.union([
  z.strictObject({
    run_id: z.number({ message: "must be a runs id (a number)" }).int()
      .positive({ message: "must be a runs id (a positive number)" }),
  }),
  z.strictObject({
    at: z.iso.datetime({
      offset: true,
      message: "must be an ISO 8601 instant such as 2026-11-30T05:00:00Z",
    }).optional(),
    force: z.boolean({ message: "must be true or false" }).optional(),
  }),
]);

/** What to do. */
export type DailyRefreshPayload =
  | { kind: "drain"; runId: number }
  | { kind: "start"; at: Date | null; force: boolean };

/** Reads the body: what to do, or a message naming each bad field and the fix. */
export function parseDailyRefreshPayload(body: unknown): DailyRefreshPayload | { error: string } {
  const parsed = dailyRefreshPayloadSchema.safeParse(body ?? {});
  if (parsed.success) {
    const data = parsed.data as { run_id?: number; at?: string; force?: boolean };
    if (data.run_id !== undefined) return { kind: "drain", runId: data.run_id };
    return { kind: "start", at: data.at ? new Date(data.at) : null, force: data.force ?? false };
  }
  const problems = describePayloadIssues(parsed.error, body);
  return {
    error: `Invalid daily-refresh payload: ${problems.join("; ") || "unrecognised fields"}. ` +
      'Send {"run_id": <id>}, {"at": "<ISO instant>", "force": <bool>} or {}.',
  };
}
