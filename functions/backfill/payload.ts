/**
 * The bodies the backfill function accepts, validated with zod:
 *   {"request_id": 12}                   work on that request (the database's wake-up calls)
 *   {"user_id": "<uuid>", "days": 14}    backfill a user by hand, optionally over fewer days
 *   {}                                   work on whatever requests are due
 *
 * @module
 */
import { z } from "zod";
import { describePayloadIssues } from "../../shared/http/payload_errors.ts";

/** A valid body. */
export const backfillPayloadSchema = z.union([
  z.strictObject({
    request_id: z.number({ message: "must be a backfill_requests id (a number)" }).int()
      .positive({ message: "must be a backfill_requests id (a positive number)" }),
  }),
  z.strictObject({
    user_id: z.uuid({ message: "must be the user's id (a uuid)" }),
    days: z.number({ message: "must be a number of days from 1 to 90" }).int()
      .min(1, { message: "must be a number of days from 1 to 90" })
      .max(90, { message: "must be a number of days from 1 to 90" }).optional(),
  }),
  z.strictObject({}),
]);

/** What to do. */
export type BackfillPayload =
  | { kind: "request"; requestId: number }
  | { kind: "user"; userId: string; days: number | null }
  | { kind: "due" };

/** Reads the body: what to do, or a message naming each bad field and the fix. */
export function parseBackfillPayload(body: unknown): BackfillPayload | { error: string } {
  const parsed = backfillPayloadSchema.safeParse(body ?? {});
  if (parsed.success) {
    const data = parsed.data as { request_id?: number; user_id?: string; days?: number };
    if (data.request_id !== undefined) return { kind: "request", requestId: data.request_id };
    if (data.user_id !== undefined) {
      return { kind: "user", userId: data.user_id, days: data.days ?? null };
    }
    return { kind: "due" };
  }
  const problems = describePayloadIssues(parsed.error, body);
  return {
    error: `Invalid backfill payload: ${problems.join("; ") || "unrecognised fields"}. ` +
      'Send {"request_id": <id>}, {"user_id": "<uuid>", "days": <1-90>} or {}.',
  };
}
