/**
 * Readable messages for a body that failed a zod schema — a union of accepted shapes included:
 * each problem named by its field, and only for fields the caller sent (a union otherwise
 * reports every shape's complaints); outside a union every problem, missing fields included.
 *
 * @module
 */
import type { z } from "zod";

/** "field problem" for each distinct problem, or "body ..." for the body as a whole. */
export function describePayloadIssues(error: z.ZodError, body: unknown): string[] {
  const sent = typeof body === "object" && body !== null ? Object.keys(body) : [];
  const problems = new Set<string>();
  for (const issue of error.issues) {
    const nested = (issue as { errors?: { path: PropertyKey[]; message: string }[][] }).errors;
    for (const branch of nested ?? [[issue]]) {
      for (const inner of branch) {
        const field = inner.path.map(String).join(".");
        // a union's branches complain about every field of every shape: keep the fields the
        // caller sent; outside a union, a missing required field is the problem to report
        if (!nested || !field || sent.includes(field.split(".")[0])) {
          problems.add(`${field || "body"} ${inner.message}`);
        }
      }
    }
  }
  return [...problems];
}
