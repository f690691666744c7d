/**
 * The bodies the digest function accepts from the database and operators, validated with zod:
 *   {"local_date": "2026-11-30"}   send that local date's digest (the refresh's settlement, the
 *                                  sweep, a chained invocation)
 *   {"at": "2026-11-30T05:30:00Z"} the local date of that instant
 *   {}                             today's local date
 * And what `PUT /digest/preferences` accepts from a signed-in user.
 *
 * @module
 */
import { z } from "zod";
import { describePayloadIssues } from "../../shared/http/payload_errors.ts";

/** A valid body. */
export const digestPayloadSchema = z.union([
  z.strictObject({
    local_date: z.iso.date({ message: "must be a date such as 2026-11-30" }),
  }),
  z.strictObject({
    at: z.iso.datetime({
      offset: true,
      message: "must be an ISO 8601 instant such as 2026-11-30T05:30:00Z",
    }).optional(),
  }),
]);

/** Which date to send. */
export type DigestPayload = { localDate: string } | { at: Date };

/** Reads the body: the date to send, or a message naming each bad field and the fix. */
export function parseDigestPayload(body: unknown): DigestPayload | { error: string } {
  const parsed = digestPayloadSchema.safeParse(body ?? {});
  if (parsed.success) {
    const data = parsed.data as { local_date?: string; at?: string };
    if (data.local_date) return { localDate: data.local_date };
    return { at: data.at ? new Date(data.at) : new Date() };
  }
  return {
    error: `Invalid digest payload: ${describePayloadIssues(parsed.error, body).join("; ")}. ` +
      'Send {"local_date": "<YYYY-MM-DD>"}, {"at": "<ISO instant>"} or {}.',
  };
}

const maxJobsMessage = "must be a whole number from 1 to 50";

/** What a user may set: the switch, the number of jobs, or both. */
export const preferencesSchema = z.strictObject({
  enabled: z.boolean({ message: "must be true or false" }).optional(),
  max_jobs: z.number({ message: maxJobsMessage }).int({ message: maxJobsMessage })
    .min(1, { message: maxJobsMessage }).max(50, { message: maxJobsMessage }).optional(),
}).refine((value) => value.enabled !== undefined || value.max_jobs !== undefined, {
  message: 'send "enabled" (true or false) and/or "max_jobs" (1 to 50)',
});
