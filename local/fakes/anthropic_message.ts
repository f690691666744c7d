/**
 * The 200 reply of the fake Messages API, shaped exactly like docs.anthropic.com/en/api/messages:
 * one `text` or `tool_use` block, `stop_reason`, and `usage` with deterministic token estimates
 * (characters divided by four). Output longer than `max_tokens` is cut and stops with `max_tokens`.
 *
 * @module
 */
import { messageId, toolUseId } from "./anthropic_ids.ts";

/** What the model "says". */
export type MessageOutput =
  | { kind: "text"; text: string }
  | { kind: "tool_use"; name: string; input: unknown }
  /** A refusal: `stop_reason: "refusal"`, the text (if any) as the only block. */
  | { kind: "refusal"; text: string };

/** Options of {@link buildMessage}. */
export interface BuildMessageOptions {
  model: string;
  maxTokens: number;
  inputTokens: number;
  output: MessageOutput;
}

/** Output tokens of `text`, estimated as characters / 4 (at least 1 for non-empty text). */
export function outputTokensOf(text: string): number {
  return Math.ceil(text.length / 4);
}

function usage(inputTokens: number, outputTokens: number): Record<string, unknown> {
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    server_tool_use: null,
    service_tier: "standard",
    inference_geo: null,
    output_tokens_details: null,
    speed: null,
  };
}

function textBlock(text: string): Record<string, unknown> {
  return { type: "text", text, citations: null };
}

/** Builds the message and reports its `stop_reason` and `output_tokens`. */
export function buildMessage(options: BuildMessageOptions): {
  message: Record<string, unknown>;
  stopReason: string;
  outputTokens: number;
} {
  const { output, maxTokens } = options;
  let content: Record<string, unknown>[];
  let stopReason: string;
  let outputTokens: number;
  switch (output.kind) {
    case "text": {
      const tokens = outputTokensOf(output.text);
      const cut = tokens > maxTokens;
      content = [textBlock(cut ? output.text.slice(0, maxTokens * 4) : output.text)];
      stopReason = cut ? "max_tokens" : "end_turn";
      outputTokens = cut ? maxTokens : tokens;
      break;
    }
    case "tool_use": {
      const tokens = outputTokensOf(output.name + JSON.stringify(output.input ?? null));
      const cut = tokens > maxTokens;
      content = [{
        type: "tool_use",
        id: toolUseId(),
        name: output.name,
        input: cut ? {} : output.input,
        caller: { type: "direct" },
      }];
      stopReason = cut ? "max_tokens" : "tool_use";
      outputTokens = cut ? maxTokens : tokens;
      break;
    }
    case "refusal":
      content = output.text.length > 0 ? [textBlock(output.text)] : [];
      stopReason = "refusal";
      outputTokens = Math.min(maxTokens, outputTokensOf(output.text));
      break;
  }
  return {
    message: {
      id: messageId(),
      type: "message",
      role: "assistant",
      model: options.model,
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details: null,
      container: null,
      diagnostics: null,
      usage: usage(options.inputTokens, outputTokens),
    },
    stopReason,
    outputTokens,
  };
}
