/**
 * A faithful local fake of the Anthropic Messages API (`POST /v1/messages`) as the 1.x SDK uses
 * it (docs.anthropic.com/en/api/messages): both auth headers, validation with the API's error
 * shapes, PDF document checks, structured output whose JSON matches the request's schema (read from
 * the CV's own text), forced tool use, token usage, rate-limit headers, scripted faults and a
 * request log.
 *
 * ```ts
 * import Anthropic from "@anthropic-ai/sdk";
 * const fake = await startFakeAnthropic();
 * const client = new Anthropic({ baseURL: fake.url, apiKey: "test-key", maxRetries: 0 });
 * const message = await client.messages.create({
 *   model: "claude-sonnet-4-6",
 *   max_tokens: 256,
 *   messages: [{ role: "user", content: "Hello" }],
 * });
 * await fake.close();
 * ```
 *
 * @module
 */
import type { AnthropicFault, AnthropicInjectOptions } from "./anthropic_faults.ts";
import { createAnthropicHandler, type FakeAnthropicOptions } from "./anthropic_handler.ts";
import { requestId } from "./anthropic_ids.ts";
import type { FakeMessageRequest } from "./anthropic_types.ts";

export type { AnthropicFault, AnthropicInjectOptions } from "./anthropic_faults.ts";
export type { FakeAnthropicOptions } from "./anthropic_handler.ts";
export type { AnthropicRateLimits } from "./anthropic_rate_limits.ts";
export type {
  AuthScheme,
  FakeDocument,
  FakeMessageCall,
  FakeMessageRequest,
  FakeResponder,
} from "./anthropic_types.ts";
export { cvSummaryText, defaultCvResponder } from "./anthropic_responder.ts";

/** A running fake Messages API. */
export interface FakeAnthropic {
  /**
   * Base URL for the SDK's `baseURL`: no trailing slash and no `/v1`, e.g.
   * `http://127.0.0.1:54321`.
   */
  url: string;
  /** Every request so far, oldest first (the same array throughout; no keys, no document bytes). */
  requests: FakeMessageRequest[];
  /** Queues a fault for the next authenticated request(s), consumed in order. */
  inject(fault: AnthropicFault, options?: AnthropicInjectOptions): void;
  /** Empties the request log. */
  clearLog(): void;
  /** Releases held requests and stops the server. Idempotent. */
  close(): Promise<void>;
}

/** Starts the fake on a free port of 127.0.0.1. */
export function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const handler = createAnthropicHandler(options);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (request) => {
    try {
      return await handler.handle(request);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const id = requestId();
      return Response.json({
        type: "error",
        error: { type: "api_error", message: `Internal server error: ${message}` },
        request_id: id,
      }, { status: 500, headers: { "request-id": id } });
    }
  });
  let closed: Promise<void> | undefined;
  return Promise.resolve({
    url: `http://127.0.0.1:${server.addr.port}`,
    requests: handler.requests,
    inject: (fault, injectOptions) => handler.inject(fault, injectOptions),
    clearLog: () => handler.clearLog(),
    close() {
      if (!closed) {
        handler.close();
        closed = server.shutdown();
      }
      return closed;
    },
  });
}
