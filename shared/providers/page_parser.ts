/**
 * Turns a page of provider records into canonical jobs: each record is validated and mapped on
 * its own; a bad one is skipped and counted with its reason, and never costs the page.
 *
 * @module
 */
import type { z } from "zod";
import type { CanonicalJob } from "../jobs/canonical_job.ts";
import { reasonOf, validateCanonical } from "./mapping.ts";
import { countRejection } from "./types.ts";

/** A parsed page. */
export interface ParsedPage {
  jobs: CanonicalJob[];
  rejected: Record<string, number>;
  /** The first record's id (valid or not), to notice a page that repeats. */
  firstId: string | null;
  /** Records on the page, valid or not. */
  records: number;
}

/** Validates and maps every record of a page. */
export function parseRecords<T>(
  records: unknown[],
  schema: z.ZodType<T>,
  map: (record: T) => CanonicalJob,
  idOf: (record: unknown) => string | null,
): ParsedPage {
  const jobs: CanonicalJob[] = [];
  const rejected: Record<string, number> = {};
  for (const record of records) {
    const parsed = schema.safeParse(record);
    if (!parsed.success) {
      countRejection(rejected, reasonOf("", parsed.error));
      continue;
    }
    let mapped: CanonicalJob;
    try {
      mapped = map(parsed.data);
    } catch (error) {
      countRejection(rejected, `mapping failed: ${(error as Error).message}`);
      continue;
    }
    const valid = validateCanonical(mapped);
    if ("reason" in valid) countRejection(rejected, valid.reason);
    else jobs.push(valid.job);
  }
  return {
    jobs,
    rejected,
    firstId: records.length ? idOf(records[0]) : null,
    records: records.length,
  };
}

/** Adds counts from `from` into `into`. */
export function mergeRejected(into: Record<string, number>, from: Record<string, number>): void {
  for (const [reason, count] of Object.entries(from)) into[reason] = (into[reason] ?? 0) + count;
}
