/**
 * Validates a `POST /v1/messages` body the way the API does (docs.anthropic.com/en/api/messages)
 * and gathers what answering it needs: model, `max_tokens`, the target (structured output, forced
 * tool or free text) with its schema, decoded documents, the prompt text and an input-token
 * estimate. Each problem is a 400 `invalid_request_error` naming the field, in the API's wording
 * where it is known.
 *
 * @module
 */
import { readDocument, type ReadDocumentOptions } from "./anthropic_documents.ts";
import { type ApiError, invalidRequest, isApiError } from "./anthropic_errors.ts";
import type { JsonSchema } from "./anthropic_schema.ts";
import type { FakeDocument, FakeMessageCall } from "./anthropic_types.ts";

/** The API version whose rules the 1.x SDK meets (docs.anthropic.com/en/api/messages). */
export const API_VERSION_2026 = "2026-10-21";

/** Estimated input tokens per PDF page (text and page image). */
export const TOKENS_PER_PDF_PAGE = 1_500;

/** Estimated input tokens per image block. */
export const TOKENS_PER_IMAGE = 1_600;

/** A valid request, ready to answer. */
export interface ParsedMessageRequest {
  body: Record<string, unknown>;
  model: string;
  maxTokens: number;
  target: FakeMessageCall["target"];
  schema: JsonSchema | null;
  toolName: string | null;
  documents: FakeDocument[];
  prompt: string;
  inputTokens: number;
}

/** What the parser learned before it failed (for the request log). */
export interface PartialRequest {
  model: string | null;
  maxTokens: number | null;
  hasOutputFormat: boolean;
  toolName: string | null;
  documents: FakeDocument[];
}

/** Options of {@link parseMessageRequest}. */
export interface ParseOptions extends ReadDocumentOptions {
  /** The `anthropic-version` header. */
  version: string | null;
  /** Most PDF pages one request may carry (default 100). */
  maxPdfPages?: number;
  /** Largest `max_tokens` accepted (default 128000). */
  maxOutputTokens?: number;
  /** Models that exist; others get 404 (default: any model). */
  models?: readonly string[];
}

/** The outcome: a parsed request, or the error with what was learned until then. */
export type ParseResult =
  | { ok: true; request: ParsedMessageRequest }
  | { ok: false; error: ApiError; partial: PartialRequest };

const SAMPLING = ["temperature", "top_p", "top_k"] as const;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function estimateTokens(characters: number): number {
  return Math.ceil(characters / 4);
}

interface Walk {
  texts: string[];
  userTexts: string[];
  documents: FakeDocument[];
  images: number;
}

function checkSampling(
  body: Record<string, unknown>,
  version: string | null,
): ApiError | undefined {
  for (const name of SAMPLING) {
    if (!(name in body)) continue;
    if (version === API_VERSION_2026) {
      return invalidRequest(
        `${name}: Extra inputs are not permitted. Sampling parameters were removed in ` +
          `anthropic-version ${API_VERSION_2026}.`,
      );
    }
    const value = body[name];
    if (typeof value !== "number" || !Number.isFinite(value)) {
      return invalidRequest(`${name}: Input should be a valid number`);
    }
    if (name !== "top_k" && value < 0) {
      return invalidRequest(`${name}: Input should be greater than or equal to 0`);
    }
    if (name !== "top_k" && value > 1) {
      return invalidRequest(`${name}: Input should be less than or equal to 1`);
    }
  }
  return undefined;
}

function checkRoles(messages: readonly Record<string, unknown>[]): ApiError | undefined {
  const turns = messages.map((m) => m.role).filter((role) => role !== "system");
  if (turns.length === 0) return invalidRequest("messages: at least one message is required");
  if (turns[0] !== "user") {
    return invalidRequest('messages: first message must use the "user" role');
  }
  for (let i = 1; i < turns.length; i++) {
    if (turns[i] === turns[i - 1]) {
      return invalidRequest(
        `messages: roles must alternate between "user" and "assistant", but found multiple ` +
          `"${turns[i]}" roles in a row`,
      );
    }
  }
  return undefined;
}

async function walkBlock(
  block: unknown,
  path: string,
  role: string,
  walk: Walk,
  options: ParseOptions,
): Promise<ApiError | undefined> {
  if (!isRecord(block) || typeof block.type !== "string") {
    return invalidRequest(`${path}.type: Field required`);
  }
  switch (block.type) {
    case "text": {
      if (typeof block.text !== "string") {
        return invalidRequest(`${path}.text.text: Field required`);
      }
      if (block.text.length === 0) {
        return invalidRequest(`${path}.text.text: text content blocks must be non-empty`);
      }
      const cited = Array.isArray(block.citations) && block.citations.length > 0;
      if (cited && role === "user" && options.version === API_VERSION_2026) {
        return invalidRequest(
          `${path}.text.citations: citations are not allowed on text blocks in user messages`,
        );
      }
      walk.texts.push(block.text);
      if (role !== "assistant") walk.userTexts.push(block.text);
      return undefined;
    }
    case "document": {
      if (role === "assistant") {
        return invalidRequest(`${path}: document blocks are not allowed in assistant messages`);
      }
      const document = await readDocument(block, path, options);
      if (isApiError(document)) return document;
      walk.documents.push(document);
      if (document.mediaType !== "application/pdf") walk.texts.push(document.text);
      return undefined;
    }
    case "image":
      if (!isRecord(block.source)) return invalidRequest(`${path}.image.source: Field required`);
      walk.images++;
      return undefined;
    case "tool_result":
      if (typeof block.content === "string") walk.texts.push(block.content);
      else if (Array.isArray(block.content)) {
        for (const [k, inner] of block.content.entries()) {
          const error = await walkBlock(
            inner,
            `${path}.tool_result.content.${k}`,
            role,
            walk,
            options,
          );
          if (error) return error;
        }
      }
      return undefined;
    default:
      walk.texts.push(JSON.stringify(block));
      return undefined;
  }
}

async function walkMessages(
  messages: readonly Record<string, unknown>[],
  walk: Walk,
  options: ParseOptions,
): Promise<ApiError | undefined> {
  for (const [i, message] of messages.entries()) {
    const role = message.role;
    if (role !== "user" && role !== "assistant" && role !== "system") {
      return invalidRequest(`messages.${i}.role: Input should be 'user', 'assistant' or 'system'`);
    }
    const content = message.content;
    if (content === undefined) return invalidRequest(`messages.${i}.content: Field required`);
    const last = i === messages.length - 1;
    const empty = content === "" || (Array.isArray(content) && content.length === 0);
    if (empty && !(last && role === "assistant")) {
      return invalidRequest(
        `messages.${i}: all messages must have non-empty content except for the optional final ` +
          "assistant message",
      );
    }
    if (typeof content === "string") {
      walk.texts.push(content);
      if (role !== "assistant") walk.userTexts.push(content);
      continue;
    }
    if (!Array.isArray(content)) {
      return invalidRequest(`messages.${i}.content: Input should be a valid list`);
    }
    for (const [j, block] of content.entries()) {
      const error = await walkBlock(block, `messages.${i}.content.${j}`, role, walk, options);
      if (error) return error;
    }
  }
  return undefined;
}

function systemText(system: unknown): string | ApiError {
  if (system === undefined) return "";
  if (typeof system === "string") return system;
  if (!Array.isArray(system)) return invalidRequest("system: Input should be a valid list");
  const texts: string[] = [];
  for (const [i, block] of system.entries()) {
    if (!isRecord(block) || block.type !== "text" || typeof block.text !== "string") {
      return invalidRequest(`system.${i}: Input should be a text block`);
    }
    texts.push(block.text);
  }
  return texts.join("\n");
}

interface Target {
  target: FakeMessageCall["target"];
  schema: JsonSchema | null;
  toolName: string | null;
}

function readTarget(body: Record<string, unknown>): Target | ApiError {
  let format: Record<string, unknown> | undefined;
  if (body.output_config !== undefined) {
    if (!isRecord(body.output_config)) {
      return invalidRequest("output_config: Input should be a valid dictionary");
    }
    const raw = body.output_config.format;
    if (raw !== undefined && raw !== null) {
      if (!isRecord(raw) || raw.type !== "json_schema") {
        return invalidRequest("output_config.format.type: Input should be 'json_schema'");
      }
      if (!isRecord(raw.schema)) {
        return invalidRequest("output_config.format.schema: Field required");
      }
      format = raw;
    }
  }
  const tools = body.tools;
  if (tools !== undefined && !Array.isArray(tools)) {
    return invalidRequest("tools: Input should be a valid list");
  }
  const custom = new Map<string, Record<string, unknown>>();
  for (const [i, tool] of (tools ?? []).entries()) {
    if (!isRecord(tool)) return invalidRequest(`tools.${i}: Input should be a valid dictionary`);
    if (typeof tool.name !== "string" || !TOOL_NAME.test(tool.name)) {
      return invalidRequest(
        `tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,64}$'`,
      );
    }
    if (tool.type !== undefined && tool.type !== "custom") continue;
    if (!isRecord(tool.input_schema)) {
      return invalidRequest(`tools.${i}.custom.input_schema: Field required`);
    }
    custom.set(tool.name, tool);
  }
  const choice = body.tool_choice;
  let forced: string | null = null;
  if (choice !== undefined) {
    if (!isRecord(choice) || !["auto", "any", "tool", "none"].includes(String(choice.type))) {
      return invalidRequest(
        "tool_choice: Input tag found using 'type' does not match any of the expected tags: " +
          "'auto', 'any', 'tool', 'none'",
      );
    }
    if (choice.type === "tool") {
      if (typeof choice.name !== "string") {
        return invalidRequest("tool_choice.tool.name: Field required");
      }
      if (!custom.has(choice.name)) {
        return invalidRequest(`tool_choice.tool.name: Tool '${choice.name}' not found in tools`);
      }
      forced = choice.name;
    } else if (choice.type === "any" && custom.size > 0) {
      forced = [...custom.keys()][0];
    }
  }
  const thinking = isRecord(body.thinking) && body.thinking.type !== "disabled";
  if (forced && thinking) {
    return invalidRequest("Thinking may not be enabled when tool_choice forces tool use.");
  }
  if (format) {
    return { target: "output_format", schema: format.schema as JsonSchema, toolName: null };
  }
  if (forced) {
    return {
      target: "tool",
      schema: custom.get(forced)!.input_schema as JsonSchema,
      toolName: forced,
    };
  }
  return { target: "text", schema: null, toolName: null };
}

/** Parses and validates a raw request body. */
export async function parseMessageRequest(
  raw: Uint8Array,
  options: ParseOptions,
): Promise<ParseResult> {
  const partial: PartialRequest = {
    model: null,
    maxTokens: null,
    hasOutputFormat: false,
    toolName: null,
    documents: [],
  };
  const fail = (error: ApiError): ParseResult => ({ ok: false, error, partial });

  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(raw));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(invalidRequest(`The request body is not valid JSON: ${reason}`));
  }
  if (!isRecord(body)) return fail(invalidRequest("Input should be a valid dictionary"));
  if (typeof body.model === "string") partial.model = body.model;
  const format = isRecord(body.output_config) ? body.output_config.format : undefined;
  partial.hasOutputFormat = isRecord(format) && format.type === "json_schema";
  if (Number.isInteger(body.max_tokens)) partial.maxTokens = body.max_tokens as number;

  if (body.model === undefined) return fail(invalidRequest("model: Field required"));
  if (typeof body.model !== "string" || body.model.length === 0) {
    return fail(invalidRequest("model: Input should be a valid string"));
  }
  if (body.max_tokens === undefined) return fail(invalidRequest("max_tokens: Field required"));
  if (typeof body.max_tokens !== "number" || !Number.isInteger(body.max_tokens)) {
    return fail(invalidRequest("max_tokens: Input should be a valid integer"));
  }
  if (body.max_tokens < 1) {
    return fail(invalidRequest("max_tokens: Input should be greater than or equal to 1"));
  }
  const maxOutput = options.maxOutputTokens ?? 128_000;
  if (body.max_tokens > maxOutput) {
    return fail(invalidRequest(
      `max_tokens: ${body.max_tokens} > ${maxOutput}, which is the maximum allowed number of ` +
        `output tokens for ${body.model}`,
    ));
  }
  if (body.messages === undefined) return fail(invalidRequest("messages: Field required"));
  if (!Array.isArray(body.messages)) {
    return fail(invalidRequest("messages: Input should be a valid list"));
  }
  if (body.messages.length === 0) {
    return fail(invalidRequest("messages: at least one message is required"));
  }
  for (const [i, message] of body.messages.entries()) {
    if (!isRecord(message)) {
      return fail(invalidRequest(`messages.${i}: Input should be a valid dictionary`));
    }
  }
  const messages = body.messages as Record<string, unknown>[];
  const sampling = checkSampling(body, options.version);
  if (sampling) return fail(sampling);
  if (body.stream === true) {
    return fail(invalidRequest(
      "stream: this fake answers non-streaming requests only; send stream: false",
    ));
  }
  const system = systemText(body.system);
  if (typeof system !== "string") return fail(system);
  const target = readTarget(body);
  if (isApiError(target)) return fail(target);
  partial.toolName = target.toolName;

  const walk: Walk = { texts: [], userTexts: [], documents: partial.documents, images: 0 };
  const walked = await walkMessages(messages, walk, options);
  if (walked) return fail(walked);
  const roles = checkRoles(messages);
  if (roles) return fail(roles);

  const maxPages = options.maxPdfPages ?? 100;
  let pages = 0;
  for (const document of walk.documents) {
    pages += document.pages;
    if (pages > maxPages) {
      return fail(invalidRequest(
        `${document.path}.pdf.source.${document.sourceType}.data: A maximum of ${maxPages} PDF ` +
          "pages may be provided.",
      ));
    }
  }
  if (options.models && !options.models.includes(body.model)) {
    return fail({ status: 404, type: "not_found_error", message: `model: ${body.model}` });
  }

  const schemaText = target.schema === null ? "" : JSON.stringify(target.schema);
  const toolText = body.tools === undefined ? "" : JSON.stringify(body.tools);
  const characters = [system, ...walk.texts, schemaText, toolText]
    .reduce((sum, text) => sum + text.length, 0);
  const inputTokens = estimateTokens(characters) + pages * TOKENS_PER_PDF_PAGE +
    walk.images * TOKENS_PER_IMAGE;
  return {
    ok: true,
    request: {
      body,
      model: body.model,
      maxTokens: body.max_tokens,
      target: target.target,
      schema: target.schema,
      toolName: target.toolName,
      documents: walk.documents,
      prompt: [system, ...walk.userTexts].filter((t) => t.length > 0).join("\n\n"),
      inputTokens,
    },
  };
}
