/**
 * The request handler of the fake Messages API, independent of any HTTP server: size limit,
 * auth, scripted faults, validation, rate limits, the responder, the reply headers and the
 * request log.
 *
 * @module
 */
import {
  type ApiError,
  apiError,
  ERROR_MESSAGES,
  errorBody,
  errorTypeOf,
} from "./anthropic_errors.ts";
import {
  type AnthropicFault,
  type AnthropicInjectOptions,
  createAnthropicFaultQueue,
} from "./anthropic_faults.ts";
import { requestId as newRequestId } from "./anthropic_ids.ts";
import { buildMessage, type MessageOutput } from "./anthropic_message.ts";
import {
  type AnthropicRateLimits,
  createRateLimiter,
  DEFAULT_RATE_LIMITS,
} from "./anthropic_rate_limits.ts";
import { type ParsedMessageRequest, parseMessageRequest } from "./anthropic_request.ts";
import { defaultCvResponder, invalidOutputFor } from "./anthropic_responder.ts";
import type {
  AuthScheme,
  FakeMessageCall,
  FakeMessageRequest,
  FakeResponder,
} from "./anthropic_types.ts";
import { readCvFacts } from "./cv_facts.ts";
import { hold } from "./hold.ts";

/** Options of the fake Messages API. */
export interface FakeAnthropicOptions {
  /** Valid keys, as `x-api-key` or `Authorization: Bearer` (default `["test-key"]`). */
  keys?: readonly string[];
  /** Produces each answer (default: the CV reader, {@link defaultCvResponder}). */
  respond?: FakeResponder;
  /** The fake's clock (default `() => new Date()`). */
  now?: () => Date;
  /** Added to every request (default 0). */
  latencyMs?: number;
  /** Per-minute limits (default {@link DEFAULT_RATE_LIMITS}). */
  rateLimits?: Partial<AnthropicRateLimits>;
  /** Largest request body in bytes (default 32 MiB, docs.anthropic.com/en/api/messages). */
  maxRequestBytes?: number;
  /** Most PDF pages one request may carry (default 100). */
  maxPdfPages?: number;
  /** Models that exist; others get 404 `not_found_error` (default: any model string). */
  models?: readonly string[];
  /** Downloads `url` document sources (default `fetch`). */
  download?: (url: string) => Promise<Uint8Array | undefined>;
}

/** The handler and its controls. */
export interface AnthropicHandler {
  handle(request: Request): Promise<Response>;
  /** Every request so far, oldest first (the same array throughout). */
  readonly requests: FakeMessageRequest[];
  inject(fault: AnthropicFault, options?: AnthropicInjectOptions): void;
  /** Empties the request log in place. */
  clearLog(): void;
  /** Releases every held request. */
  close(): void;
}

/** The default body limit: 32 MB (taken as MiB). */
export const MAX_REQUEST_BYTES = 32 * 1024 * 1024;

const ORGANIZATION_ID = "9f3c2a1e-5b7d-4c8e-a6f0-2d4b8e1c7a95";

async function readBody(request: Request, limit: number): Promise<Uint8Array | undefined> {
  const reader = request.body?.getReader();
  if (!reader) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total <= limit) chunks.push(value);
  }
  if (total > limit) return undefined;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

function authOf(headers: Headers): { scheme: AuthScheme | null; key: string | null } {
  const apiKey = headers.get("x-api-key");
  if (apiKey !== null) return { scheme: "x-api-key", key: apiKey };
  const match = /^Bearer\s+(.+)$/i.exec(headers.get("authorization") ?? "");
  return match ? { scheme: "bearer", key: match[1].trim() } : { scheme: null, key: null };
}

/** Creates the fake's handler. */
export function createAnthropicHandler(options: FakeAnthropicOptions = {}): AnthropicHandler {
  const keys = new Set(options.keys ?? ["test-key"]);
  const now = options.now ?? (() => new Date());
  const respond = options.respond ?? defaultCvResponder;
  const limiter = createRateLimiter({ ...DEFAULT_RATE_LIMITS, ...options.rateLimits }, now);
  const faults = createAnthropicFaultQueue();
  const closing = new AbortController();
  const requests: FakeMessageRequest[] = [];

  function reply(
    entry: FakeMessageRequest,
    status: number,
    body: unknown,
    extra: { limits?: boolean; raw?: string; error?: ApiError } = {},
  ): Response {
    const headers = new Headers({
      "content-type": "application/json",
      "request-id": entry.requestId,
      "anthropic-organization-id": ORGANIZATION_ID,
    });
    if (extra.limits) limiter.headers(headers);
    const error = extra.error;
    if (error?.retryAfter !== undefined) headers.set("retry-after", String(error.retryAfter));
    if (error?.shouldRetry !== undefined) headers.set("x-should-retry", String(error.shouldRetry));
    else if (status === 400) headers.set("x-should-retry", "false");
    entry.status = status;
    if (error) {
      entry.errorType = error.type;
      entry.errorMessage = error.message;
    }
    return new Response(extra.raw ?? JSON.stringify(body), { status, headers });
  }

  function fail(entry: FakeMessageRequest, error: ApiError, limits = true): Response {
    return reply(entry, error.status, errorBody(error, entry.requestId), { limits, error });
  }

  async function answer(
    entry: FakeMessageRequest,
    parsed: ParsedMessageRequest,
    fault: AnthropicFault | undefined,
  ): Promise<Response> {
    const texts = parsed.documents.map((d) => d.text).filter((t) => t.length > 0);
    const cvText = parsed.documents.length > 0 ? texts.join("\n") : parsed.prompt;
    const call: FakeMessageCall = {
      body: parsed.body,
      schema: parsed.schema,
      target: parsed.target,
      toolName: parsed.toolName,
      documents: parsed.documents,
      prompt: parsed.prompt,
      cvText,
      facts: readCvFacts(cvText, { referenceDate: now() }),
    };
    let output: MessageOutput;
    if (fault?.kind === "refusal") {
      output = { kind: "refusal", text: fault.text ?? "I'm sorry, but I can't help with that." };
    } else {
      let value: unknown;
      try {
        value = await respond(entry, call);
      } catch (error) {
        entry.error = error instanceof Error ? error.message : String(error);
        return fail(entry, apiError(500));
      }
      if (fault?.kind === "invalid_output") {
        value = parsed.schema === null ? "{not json" : invalidOutputFor(parsed.schema, value);
      }
      output = parsed.target === "tool"
        ? { kind: "tool_use", name: parsed.toolName!, input: value }
        : {
          kind: "text",
          text: parsed.target === "text" && typeof value === "string"
            ? value
            : JSON.stringify(value ?? null),
        };
    }
    const built = buildMessage({
      model: parsed.model,
      maxTokens: parsed.maxTokens,
      inputTokens: parsed.inputTokens,
      output,
    });
    limiter.record(parsed.inputTokens, built.outputTokens);
    entry.outputTokens = built.outputTokens;
    entry.stopReason = built.stopReason;
    const text = JSON.stringify(built.message);
    const raw = fault?.kind === "malformed_json"
      ? text.slice(0, Math.max(1, Math.floor(text.length / 2)))
      : undefined;
    return reply(entry, 200, built.message, { limits: true, raw });
  }

  async function handle(request: Request): Promise<Response> {
    const auth = authOf(request.headers);
    const entry: FakeMessageRequest = {
      at: now(),
      requestId: newRequestId(),
      model: null,
      anthropicVersion: request.headers.get("anthropic-version"),
      authScheme: auth.scheme,
      maxTokens: null,
      hasOutputFormat: false,
      toolName: null,
      documentPages: [],
      documentBytes: [],
      status: 0,
      errorType: null,
      errorMessage: null,
      stopReason: null,
      inputTokens: 0,
      outputTokens: 0,
    };
    requests.push(entry);
    // Latency holds only until the server closes: reading `request.signal` makes Deno warn
    // about its legacy abort-after-success, and a short delay need not notice a client leaving.
    if ((options.latencyMs ?? 0) > 0) await hold(options.latencyMs!, [closing.signal]);

    const path = new URL(request.url).pathname.replace(/\/+$/, "");
    const raw = await readBody(request, options.maxRequestBytes ?? MAX_REQUEST_BYTES);
    if (raw === undefined) return fail(entry, apiError(413), false);
    if (request.method !== "POST" || path !== "/v1/messages") {
      return fail(entry, apiError(404, "Not Found"), false);
    }
    if (auth.key === null) {
      return fail(entry, apiError(401, "x-api-key header is required"), false);
    }
    if (!keys.has(auth.key)) return fail(entry, apiError(401), false);
    if (entry.anthropicVersion === null) {
      return fail(entry, apiError(400, "anthropic-version: header is required"));
    }

    const fault = faults.take();
    if (fault) entry.fault = fault.kind;
    switch (fault?.kind) {
      case "status": {
        const type = fault.errorType ?? errorTypeOf(fault.status);
        return fail(entry, {
          status: fault.status,
          type,
          message: fault.message ?? ERROR_MESSAGES[type] ?? `HTTP ${fault.status}`,
          retryAfter: fault.retryAfter,
          shouldRetry: fault.shouldRetry,
        });
      }
      case "timeout": {
        const elapsed = await hold(fault.ms ?? 600_000, [request.signal, closing.signal]);
        const response = fail(entry, apiError(504));
        if (!elapsed && request.signal.aborted) entry.status = 499;
        return response;
      }
      case "latency":
        await hold(fault.ms, [closing.signal]);
        break;
    }

    const result = await parseMessageRequest(raw, {
      version: entry.anthropicVersion,
      maxPdfPages: options.maxPdfPages,
      models: options.models,
      download: options.download,
    });
    const known = result.ok ? result.request : result.partial;
    entry.model = result.ok ? result.request.model : result.partial.model;
    entry.maxTokens = result.ok ? result.request.maxTokens : result.partial.maxTokens;
    entry.hasOutputFormat = result.ok
      ? result.request.target === "output_format"
      : result.partial.hasOutputFormat;
    entry.toolName = known.toolName;
    entry.documentPages = known.documents.map((d) => d.pages);
    entry.documentBytes = known.documents.map((d) => d.bytes);
    if (!result.ok) return fail(entry, result.error);

    entry.inputTokens = result.request.inputTokens;
    const limited = limiter.check(result.request.inputTokens);
    if (limited) return fail(entry, limited);
    return await answer(entry, result.request, fault);
  }

  return {
    handle,
    requests,
    inject: (fault, injectOptions) => faults.inject(fault, injectOptions),
    clearLog() {
      requests.length = 0;
    },
    close() {
      closing.abort();
    },
  };
}
