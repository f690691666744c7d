/**
 * A local fake of the Anthropic Messages API (`POST /v1/messages`) for the one call the product
 * makes (`shared/cv/extract.ts`): the key (`x-api-key`, or `Authorization: Bearer` as SDK 1.14
 * sends it), `anthropic-version`, the request checks of `anthropic_request.ts`, the answer of
 * `anthropic_cv.ts` as structured output with token usage (cut at `max_tokens`), the API's error
 * bodies, a queue of scripted faults and a request log.
 *
 * ```ts
 * const fake = await startFakeAnthropic();
 * const client = new Anthropic({ baseURL: fake.url, apiKey: "test-key", maxRetries: 0 });
 * await extractProfile(pdf, "cv.pdf", { client, model: "claude-sonnet-5-5" });
 * await fake.close();
 * ```
 *
 * @module
 */
import { answerCv, type CvAnswerSource } from "./anthropic_cv.ts";
import {
  type ApiError,
  apiError,
  checkRequest,
  type CvRequest,
  requestFacts,
} from "./anthropic_request.ts";

/** A fault the next authenticated request suffers (queued, consumed in order). */
export type AnthropicFault =
  /** The error reply of `status` (429 with `retry-after` when `retryAfter` is given). */
  | { kind: "status"; status: number; message?: string; retryAfter?: number }
  /** 200 whose JSON does not match the requested schema. */
  | { kind: "invalid_output" }
  /** 200 with `stop_reason: "refusal"`. */
  | { kind: "refusal" };

/** One request as the fake saw it; never the key, never the document's bytes. */
export interface FakeMessageRequest {
  /** The `request-id` of the reply. */
  requestId: string;
  /** Which header carried the key (`x-api-key` wins when both are sent). */
  authScheme: "x-api-key" | "bearer" | null;
  anthropicVersion: string | null;
  model: string | null;
  maxTokens: number | null;
  /** Whether the body asked for structured output (`output_config.format` of `json_schema`). */
  hasOutputFormat: boolean;
  /** Page count of the document, once it was read. */
  documentPages: number[];
  status: number;
  /** `error.type` of an error reply. */
  errorType: string | null;
  stopReason: string | null;
  inputTokens: number;
  outputTokens: number;
  fault?: AnthropicFault["kind"];
  answer?: CvAnswerSource;
}

/** Options of the fake. */
export interface FakeAnthropicOptions {
  /** Keys it accepts (default `["test-key"]`). */
  keys?: readonly string[];
  /** Added to every request, in ms (default 0; a real CV takes Claude several seconds). */
  latencyMs?: number;
}

/** A running fake. */
export interface FakeAnthropic {
  /** The SDK's `baseURL`, e.g. `http://127.0.0.1:54321` (no `/v1`). */
  url: string;
  /** Every request so far, oldest first. */
  requests: FakeMessageRequest[];
  /** Queues `fault` for the next `times` (default 1) authenticated requests. */
  inject(fault: AnthropicFault, options?: { times?: number }): void;
  /** Stops the server; idempotent. */
  close(): Promise<void>;
}

/** The API's largest request body: 32 MB. */
const MAX_REQUEST_BYTES = 32 * 1024 * 1024;
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** `prefix` and `count` random base62 characters, as the API's ids look. */
function id(prefix: string, count: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  return prefix + Array.from(bytes, (byte) => BASE62[byte % 62]).join("");
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done);
  });
}

function authOf(headers: Headers): { scheme: FakeMessageRequest["authScheme"]; key?: string } {
  const apiKey = headers.get("x-api-key");
  if (apiKey !== null) return { scheme: "x-api-key", key: apiKey };
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "");
  return bearer ? { scheme: "bearer", key: bearer[1].trim() } : { scheme: null };
}

function reply(entry: FakeMessageRequest, status: number, body: unknown, error?: ApiError) {
  entry.status = status;
  const headers = new Headers({
    "content-type": "application/json",
    "request-id": entry.requestId,
  });
  if (error?.retryAfter !== undefined) headers.set("retry-after", String(error.retryAfter));
  return new Response(JSON.stringify(body), { status, headers });
}

function fail(entry: FakeMessageRequest, error: ApiError): Response {
  entry.errorType = error.type;
  const body = {
    type: "error",
    error: { type: error.type, message: error.message },
    request_id: entry.requestId,
  };
  return reply(entry, error.status, body, error);
}

/** The message for `text`: 4 characters a token, cut at `max_tokens` and then stopping there. */
function message(entry: FakeMessageRequest, request: CvRequest, text: string, refusal = false) {
  const { model, maxTokens } = request;
  const tokens = Math.ceil(text.length / 4);
  const cut = tokens > maxTokens;
  entry.stopReason = refusal ? "refusal" : cut ? "max_tokens" : "end_turn";
  entry.outputTokens = Math.min(tokens, maxTokens);
  return {
    id: id("msg_01", 22),
    type: "message",
    role: "assistant",
    model,
    content: [{ type: "text", text: cut ? text.slice(0, maxTokens * 4) : text, citations: null }],
    stop_reason: entry.stopReason,
    stop_sequence: null,
    usage: {
      input_tokens: entry.inputTokens,
      output_tokens: entry.outputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      service_tier: "standard",
    },
  };
}

async function handle(
  request: Request,
  entry: FakeMessageRequest,
  keys: ReadonlySet<string>,
  faults: AnthropicFault[],
): Promise<Response> {
  const auth = authOf(request.headers);
  entry.authScheme = auth.scheme;
  if (request.method !== "POST" || new URL(request.url).pathname !== "/v1/messages") {
    await request.body?.cancel();
    return fail(entry, apiError(404, "Not Found: the fake serves POST /v1/messages only"));
  }
  const raw = new Uint8Array(await request.arrayBuffer());
  if (raw.length > MAX_REQUEST_BYTES) return fail(entry, apiError(413));
  if (auth.key === undefined) return fail(entry, apiError(401, "x-api-key header is required"));
  if (!keys.has(auth.key)) return fail(entry, apiError(401));
  if (entry.anthropicVersion === null) {
    return fail(entry, apiError(400, "anthropic-version: header is required"));
  }
  const fault = faults.shift();
  entry.fault = fault?.kind;
  if (fault?.kind === "status") {
    return fail(entry, apiError(fault.status, fault.message, fault.retryAfter));
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(raw));
  } catch (error) {
    const reason = (error as Error).message;
    return fail(entry, apiError(400, `The request body is not valid JSON: ${reason}`));
  }
  Object.assign(entry, requestFacts(body));
  const checked = await checkRequest(body);
  if ("status" in checked) return fail(entry, checked);
  entry.documentPages = [checked.pages];
  entry.inputTokens = checked.inputTokens;
  if (fault?.kind === "refusal") {
    const text = "I can't help with reading this document.";
    return reply(entry, 200, message(entry, checked, text, true));
  }
  const { profile, source } = await answerCv(checked.pdf, checked.doc);
  entry.answer = source;
  // a schema slip, as a model makes one: a string where the schema asks for a boolean
  const output = fault?.kind === "invalid_output" ? { ...profile, is_cv: "yes" } : profile;
  const text = JSON.stringify(output);
  return reply(entry, 200, message(entry, checked, text));
}

/** Starts the fake on a free port of 127.0.0.1. */
export function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const keys = new Set(options.keys ?? ["test-key"]);
  const requests: FakeMessageRequest[] = [];
  const faults: AnthropicFault[] = [];
  const closing = new AbortController();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    const entry: FakeMessageRequest = {
      requestId: id("req_", 24),
      authScheme: null,
      anthropicVersion: request.headers.get("anthropic-version"),
      model: null,
      maxTokens: null,
      hasOutputFormat: false,
      documentPages: [],
      status: 0,
      errorType: null,
      stopReason: null,
      inputTokens: 0,
      outputTokens: 0,
    };
    requests.push(entry);
    if (options.latencyMs) await pause(options.latencyMs, closing.signal);
    try {
      return await handle(request, entry, keys, faults);
    } catch (error) {
      return fail(entry, apiError(500, `Internal server error: ${(error as Error).message}`));
    }
  });
  let closed: Promise<void> | undefined;
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}`,
    requests,
    inject(fault, { times = 1 } = {}) {
      if (!Number.isInteger(times) || times < 1) {
        throw new Error(`inject: times must be a positive integer, got ${times}`);
      }
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    close() {
      closing.abort();
      closed ??= server.shutdown();
      return closed;
    },
  });
}
