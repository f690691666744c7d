/**
 * The requests the fake Messages API answers — the one `shared/cv/extract.ts` sends: a model,
 * `max_tokens`, one user message with one base64 PDF `document` block, and the candidate profile
 * as `output_config.format` — checked as the API checks them, each problem a 400
 * `invalid_request_error` naming the field; and the API's error replies.
 *
 * @module
 */
import { zodOutputFormat } from "@anthropic-ai/sdk/helpers/zod";
import { PDFDocument } from "pdf-lib";
import { z } from "zod";
import { cvProfileSchema } from "../../shared/cv/profile.ts";

/** An error reply: HTTP status, `error.type`, `error.message`, and `retry-after` seconds. */
export interface ApiError {
  status: number;
  type: string;
  message: string;
  retryAfter?: number;
}

/** `error.type` and the default message of each status, as the API documents them. */
const ERRORS: Record<number, [string, string]> = {
  400: ["invalid_request_error", "There was an issue with the format or content of your request."],
  401: ["authentication_error", "invalid x-api-key"],
  402: ["billing_error", "Your credit balance is too low to access the Anthropic API."],
  403: ["permission_error", "Your API key does not have permission to use the specified resource."],
  404: ["not_found_error", "Not Found"],
  413: ["request_too_large", "Request exceeds the maximum allowed number of bytes."],
  429: [
    "rate_limit_error",
    "This request would exceed your account's rate limit. Please try again.",
  ],
  500: ["api_error", "Internal server error"],
  529: ["overloaded_error", "Overloaded"],
};

/** The error of `status`, with the documented type and message unless `message` is given. */
export function apiError(status: number, message?: string, retryAfter?: number): ApiError {
  const [type, text] = ERRORS[status] ??
    [status >= 500 ? "api_error" : "invalid_request_error", `HTTP ${status}`];
  return { status, type, message: message ?? text, retryAfter };
}

/** Input tokens the API counts per PDF page (its text and its image), about 1,500. */
export const TOKENS_PER_PDF_PAGE = 1_500;

const MAX_PDF_PAGES = 100;

/** The output format the product sends: its profile schema through the SDK's zod helper. */
const PROFILE_FORMAT = JSON.stringify(zodOutputFormat(cvProfileSchema).schema);

const requestSchema = z.object({
  model: z.string().min(1),
  max_tokens: z.int().min(1).max(128_000),
  system: z.string().optional(),
  messages: z.array(z.object({
    role: z.literal("user"),
    content: z.array(z.discriminatedUnion("type", [
      z.object({ type: z.literal("text"), text: z.string().min(1) }),
      z.object({
        type: z.literal("document"),
        source: z.object({
          type: z.literal("base64"),
          media_type: z.literal("application/pdf"),
          data: z.base64(),
        }),
        title: z.string().optional(),
      }),
    ])).min(1),
  })).length(1, "the fake answers one user message, as shared/cv/extract.ts sends"),
  output_config: z.object({
    format: z.object({ type: z.literal("json_schema"), schema: z.record(z.string(), z.unknown()) }),
  }),
  stream: z.literal(false).optional(),
});

/** A request the fake answers. */
export interface CvRequest {
  model: string;
  maxTokens: number;
  pdf: Uint8Array<ArrayBuffer>;
  doc: PDFDocument;
  pages: number;
  inputTokens: number;
}

/** What the log learns from a body, valid or not. */
export interface RequestFacts {
  model: string | null;
  maxTokens: number | null;
  hasOutputFormat: boolean;
}

/** The log's facts about a body, read before it is checked. */
export function requestFacts(body: unknown): RequestFacts {
  const record = (body ?? {}) as Record<string, unknown>;
  const config = record.output_config as { format?: { type?: unknown } } | undefined;
  return {
    model: typeof record.model === "string" ? record.model : null,
    maxTokens: Number.isInteger(record.max_tokens) ? record.max_tokens as number : null,
    hasOutputFormat: config?.format?.type === "json_schema",
  };
}

async function loadPdf(bytes: Uint8Array, at: string): Promise<PDFDocument | ApiError> {
  const where = `${at}.pdf.source.base64.data`;
  try {
    if (new TextDecoder().decode(bytes.subarray(0, 5)) !== "%PDF-") throw new Error("no %PDF-");
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    if (doc.getPageCount() === 0) throw new Error("no pages");
    return doc;
  } catch (error) {
    return apiError(
      400,
      /\bis encrypted\b/.test((error as Error).message)
        ? `${where}: The PDF specified is password protected or encrypted. Only standard, ` +
          "unencrypted PDFs are supported."
        : `${where}: The PDF specified was not valid.`,
    );
  }
}

/** Checks a parsed JSON body: the request to answer, or the 400 the API would send. */
export async function checkRequest(body: unknown): Promise<CvRequest | ApiError> {
  const parsed = requestSchema.safeParse(body, {
    error: (issue) => issue.input === undefined ? "Field required" : undefined,
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return apiError(400, `${issue.path.join(".")}: ${issue.message}`);
  }
  const request = parsed.data;
  const format = request.output_config.format.schema;
  if (JSON.stringify(format) !== PROFILE_FORMAT) {
    return apiError(
      400,
      "output_config.format.schema: the fake answers the candidate profile only; send " +
        "zodOutputFormat(cvProfileSchema) from shared/cv/profile.ts",
    );
  }
  const blocks = request.messages[0].content;
  const documents = blocks.filter((block) => block.type === "document");
  if (documents.length !== 1) {
    return apiError(400, "messages.0.content: the fake reads exactly one PDF document block");
  }
  const at = `messages.0.content.${blocks.indexOf(documents[0])}`;
  const pdf = Uint8Array.from(atob(documents[0].source.data), (char) => char.charCodeAt(0));
  const doc = await loadPdf(pdf, at);
  if (!(doc instanceof PDFDocument)) return doc;
  const pages = doc.getPageCount();
  if (pages > MAX_PDF_PAGES) {
    return apiError(
      400,
      `${at}.pdf.source.base64.data: A maximum of ${MAX_PDF_PAGES} PDF pages may be provided.`,
    );
  }
  const texts = blocks.map((block) => block.type === "text" ? block.text : "");
  const characters = [request.system ?? "", ...texts, PROFILE_FORMAT].join("").length;
  const inputTokens = pages * TOKENS_PER_PDF_PAGE + Math.ceil(characters / 4);
  return { model: request.model, maxTokens: request.max_tokens, pdf, doc, pages, inputTokens };
}
