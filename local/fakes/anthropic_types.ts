/**
 * Types shared by the fake Anthropic Messages API: the request log entry, what a responder is
 * given, and the responder itself.
 *
 * @module
 */
import type { JsonSchema } from "./anthropic_schema.ts";
import type { CvFacts } from "./cv_facts.ts";

/** How the request authenticated. */
export type AuthScheme = "x-api-key" | "bearer";

/**
 * One request as the fake saw it. Neither the key nor document bytes are ever stored.
 */
export interface FakeMessageRequest {
  at: Date;
  /** The `request-id` the reply carried. */
  requestId: string;
  /** `model` from the body, when it was a string. */
  model: string | null;
  /** The `anthropic-version` header. */
  anthropicVersion: string | null;
  /** Which auth header carried the key (x-api-key wins when both are sent); null for none. */
  authScheme: AuthScheme | null;
  maxTokens: number | null;
  /** Whether `output_config.format` asked for a JSON schema. */
  hasOutputFormat: boolean;
  /** The tool `tool_choice` forced, if any. */
  toolName: string | null;
  /** Page count of each document, in request order (0 for text documents). */
  documentPages: number[];
  /** Decoded size of each document, in request order. */
  documentBytes: number[];
  /** HTTP status sent; 499 when the client went away first. */
  status: number;
  /** `error.type` of an error reply. */
  errorType: string | null;
  /** `error.message` of an error reply. */
  errorMessage: string | null;
  /** `stop_reason` of a 200 reply. */
  stopReason: string | null;
  inputTokens: number;
  outputTokens: number;
  /** The injected fault this request suffered. */
  fault?: string;
  /** The exception text when the responder threw (the reply is a 500 `api_error`). */
  error?: string;
}

/** A document block of the request, decoded. */
export interface FakeDocument {
  /** Where it sits, e.g. `messages.0.content.0`. */
  path: string;
  /** `base64`, `text`, `url`, `content` or `file`. */
  sourceType: string;
  /** `application/pdf`, `text/plain`, or null for content/file sources. */
  mediaType: string | null;
  /** PDF pages (0 for text documents). */
  pages: number;
  /** Decoded size in bytes. */
  bytes: number;
  /** The text the document shows (PDF content streams, or the text source). */
  text: string;
}

/** What the responder may use to answer one valid request. */
export interface FakeMessageCall {
  /** The request body as sent (documents included). */
  body: Record<string, unknown>;
  /** What the answer must fit: `output_config.format.schema`, or the forced tool's schema. */
  schema: JsonSchema | null;
  /** `output_format` (a JSON text block), `tool` (a tool_use block) or `text` (free text). */
  target: "output_format" | "tool" | "text";
  /** The forced tool's name, when `target` is `tool`. */
  toolName: string | null;
  documents: FakeDocument[];
  /** The system prompt and every user text block, joined by blank lines. */
  prompt: string;
  /** What the CV reader read: the documents' text, else the prompt. */
  cvText: string;
  /** The fake CV reader's facts about `cvText`. */
  facts: CvFacts;
}

/**
 * Produces the answer of one valid request: the JSON value for the text block (structured
 * output), the tool input (forced tool), or the text (a string; other values are JSON-encoded).
 */
export type FakeResponder = (
  request: FakeMessageRequest,
  call: FakeMessageCall,
) => unknown | Promise<unknown>;
