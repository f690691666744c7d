/**
 * Per-minute rate limits of the fake Messages API: requests, input tokens and output tokens over
 * a sliding 60-second window, the 429 a request over a limit gets, and the
 * `anthropic-ratelimit-*` headers every authenticated reply carries (reset as RFC 3339).
 *
 * @module
 */
import { type ApiError, apiError } from "./anthropic_errors.ts";

/** Limits per minute. */
export interface AnthropicRateLimits {
  requestsPerMinute: number;
  inputTokensPerMinute: number;
  outputTokensPerMinute: number;
}

/** Generous defaults, so only a test that lowers them meets a limit. */
export const DEFAULT_RATE_LIMITS: AnthropicRateLimits = {
  requestsPerMinute: 4_000,
  inputTokensPerMinute: 2_000_000,
  outputTokensPerMinute: 400_000,
};

/** The sliding-window ledger of one fake. */
export interface RateLimiter {
  /** A 429 when `inputTokens` more would exceed a limit now, else undefined. */
  check(inputTokens: number): ApiError | undefined;
  /** Counts an admitted request. */
  record(inputTokens: number, outputTokens: number): void;
  /** Sets the `anthropic-ratelimit-*` headers on `headers`. */
  headers(headers: Headers): void;
}

const WINDOW_MS = 60_000;

interface Use {
  at: number;
  input: number;
  output: number;
}

function rfc3339(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A ledger for `limits`, on the clock `now`. */
export function createRateLimiter(limits: AnthropicRateLimits, now: () => Date): RateLimiter {
  const uses: Use[] = [];

  function live(): Use[] {
    const from = now().getTime() - WINDOW_MS;
    while (uses.length > 0 && uses[0].at <= from) uses.shift();
    return uses;
  }
  function resetAt(pick: (use: Use) => number): number {
    const first = live().find((use) => pick(use) > 0);
    return first ? first.at + WINDOW_MS : now().getTime();
  }
  function used(pick: (use: Use) => number): number {
    return live().reduce((sum, use) => sum + pick(use), 0);
  }
  function retryAfter(pick: (use: Use) => number): number {
    return Math.max(1, Math.ceil((resetAt(pick) - now().getTime()) / 1000));
  }

  return {
    check(inputTokens) {
      const requests = live().length;
      if (requests >= limits.requestsPerMinute) {
        return apiError(429, undefined, { retryAfter: retryAfter(() => 1) });
      }
      if (used((u) => u.input) + inputTokens > limits.inputTokensPerMinute) {
        return apiError(
          429,
          "This request would exceed the rate limit for your organization of " +
            `${limits.inputTokensPerMinute} input tokens per minute. For details, refer to: ` +
            "https://docs.claude.com/en/api/rate-limits.",
          { retryAfter: retryAfter((u) => u.input) },
        );
      }
      if (used((u) => u.output) >= limits.outputTokensPerMinute) {
        return apiError(
          429,
          "This request would exceed the rate limit for your organization of " +
            `${limits.outputTokensPerMinute} output tokens per minute. For details, refer to: ` +
            "https://docs.claude.com/en/api/rate-limits.",
          { retryAfter: retryAfter((u) => u.output) },
        );
      }
      return undefined;
    },
    record(input, output) {
      uses.push({ at: now().getTime(), input, output });
    },
    headers(headers) {
      const kinds = [
        ["requests", limits.requestsPerMinute, () => 1],
        ["input-tokens", limits.inputTokensPerMinute, (u: Use) => u.input],
        ["output-tokens", limits.outputTokensPerMinute, (u: Use) => u.output],
      ] as const;
      let tightest: { limit: number; remaining: number; reset: string } | undefined;
      for (const [name, limit, pick] of kinds) {
        const remaining = Math.max(0, limit - used(pick));
        const reset = rfc3339(resetAt(pick));
        headers.set(`anthropic-ratelimit-${name}-limit`, String(limit));
        headers.set(`anthropic-ratelimit-${name}-remaining`, String(remaining));
        headers.set(`anthropic-ratelimit-${name}-reset`, reset);
        if (
          name !== "requests" &&
          (!tightest || remaining / limit < tightest.remaining / tightest.limit)
        ) {
          tightest = { limit, remaining, reset };
        }
      }
      if (tightest) {
        headers.set("anthropic-ratelimit-tokens-limit", String(tightest.limit));
        headers.set("anthropic-ratelimit-tokens-remaining", String(tightest.remaining));
        headers.set("anthropic-ratelimit-tokens-reset", tightest.reset);
      }
    },
  };
}
