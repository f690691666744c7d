/**
 * JSON for Postgres parameters.
 *
 * @module
 */

/**
 * JSON text Postgres accepts: jsonb cannot hold `\u0000`, and rejects the escape of a lone
 * surrogate; both come from providers now and then. The first is dropped, the second becomes
 * U+FFFD, so one odd character never fails a batch.
 */
export function postgresJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /\\(\\|u0000|ud[89a-f][0-9a-f]{2})/gi,
    (match, escape: string) =>
      escape === "\\" ? match : escape.toLowerCase() === "u0000" ? "" : "\\ufffd",
  );
}
