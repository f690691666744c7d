/**
 * The bodies cv-ingest accepts, validated with zod: the database webhook the Storage trigger
 * sends (the Supabase webhook shape plus `cv_document_id`), or just `{ cv_document_id }` from the
 * sweep, the CLI or an operator.
 *
 * @module
 */
import { z } from "zod";

const storageObject = z.looseObject({
  bucket_id: z.literal("cvs", { message: 'must be "cvs": only CVs are ingested' }),
  name: z.string().min(1),
  version: z.string().nullable(),
});

/** The Storage trigger's webhook. */
export const webhookPayloadSchema = z.object({
  type: z.enum(["INSERT", "UPDATE"]),
  schema: z.literal("storage"),
  table: z.literal("objects"),
  record: storageObject,
  old_record: storageObject.nullable(),
  cv_document_id: z.uuid({ message: "must be the cv_documents id (a uuid)" }),
});

/** A bare request to (re)process one CV. */
export const directPayloadSchema = z.object({
  cv_document_id: z.uuid({ message: "must be the cv_documents id (a uuid)" }),
});

/**
 * Reads the body: the id, or a message naming each bad field and the fix. A body with a `record`
 * is a webhook and must be one in full (a webhook for another bucket is refused, not reduced to
 * its id).
 */
export function parseCvIngestPayload(body: unknown): { id: string } | { error: string } {
  const webhook = typeof body === "object" && body !== null && "record" in body;
  const parsed = webhook
    ? webhookPayloadSchema.safeParse(body)
    : directPayloadSchema.safeParse(body);
  if (parsed.success) return { id: parsed.data.cv_document_id };
  const problems = parsed.error.issues.map((issue) =>
    `${issue.path.join(".") || "body"} ${issue.message}`
  );
  return {
    error: `Invalid cv-ingest payload: ${problems.join("; ")}. Send the Storage webhook or ` +
      '{"cv_document_id": "<uuid>"}.',
  };
}
