/**
 * Anthropic API errors (docs.anthropic.com/en/api/errors): the `error.type` of each HTTP status,
 * default messages, and the body shape `{"type":"error","error":{type,message},"request_id":…}`.
 *
 * @module
 */

/** An error reply before it gets a request id. */
export interface ApiError {
  status: number;
  /** `error.type`, e.g. `invalid_request_error`. */
  type: string;
  message: string;
  /** `retry-after` seconds, when the client should wait. */
  retryAfter?: number;
  /** The `x-should-retry` header, when set. */
  shouldRetry?: boolean;
}

/** `error.type` by HTTP status, as the API documents them. */
export const ERROR_TYPES: Readonly<Record<number, string>> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  409: "conflict_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

/** Default `error.message` by `error.type`. */
export const ERROR_MESSAGES: Readonly<Record<string, string>> = {
  invalid_request_error: "There was an issue with the format or content of your request.",
  authentication_error: "invalid x-api-key",
  billing_error: "Your credit balance is too low to access the Anthropic API. Please go to " +
    "Plans & Billing to upgrade or purchase credits.",
  permission_error: "Your API key does not have permission to use the specified resource.",
  not_found_error: "Not Found",
  conflict_error: "Conflict",
  request_too_large: "Request exceeds the maximum allowed number of bytes.",
  rate_limit_error: "This request would exceed your account's rate limit. Please try again later.",
  api_error: "Internal server error",
  timeout_error: "Request timed out",
  overloaded_error: "Overloaded",
};

/** The `error.type` of `status`: the documented one, else `api_error` (5xx) or invalid request. */
export function errorTypeOf(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/** An error of `status`, with the documented type and message unless given. */
export function apiError(
  status: number,
  message?: string,
  extra: Partial<Omit<ApiError, "status" | "message">> = {},
): ApiError {
  const type = extra.type ?? errorTypeOf(status);
  return { ...extra, status, type, message: message ?? ERROR_MESSAGES[type] ?? `HTTP ${status}` };
}

/** A 400 `invalid_request_error`. */
export function invalidRequest(message: string): ApiError {
  return apiError(400, message);
}

/** The JSON body of an error reply. */
export function errorBody(error: ApiError, requestId: string): Record<string, unknown> {
  return {
    type: "error",
    error: { type: error.type, message: error.message },
    request_id: requestId,
  };
}

/** Whether `value` is an {@link ApiError}. */
export function isApiError(value: unknown): value is ApiError {
  return value !== null && typeof value === "object" && "status" in value && "type" in value &&
    "message" in value;
}
