/**
 * The shapes of identifiers people type or send: user ids (uuids) and email addresses. One
 * check each, for the CLI, the functions and the local stand-ins alike.
 *
 * @module
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Whether `value` is a uuid (a user, a CV). */
export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID.test(value);
}

/**
 * Text without control characters: what every text field a user sends must be (Postgres refuses
 * NUL in text, and no other control character is ever meant).
 */
export function noControlCharacters(value: string): boolean {
  // deno-lint-ignore no-control-regex
  return !/[\u0000-\u001f\u007f]/.test(value);
}

/** The longest email address Supabase Auth stores (`auth.users.email` is varchar(255)). */
export const MAX_EMAIL_LENGTH = 255;

/** Whether `value` looks like an email address (something@somewhere.tld, at most 255 long). */
export function isEmailAddress(value: unknown): value is string {
  return typeof value === "string" && value.length <= MAX_EMAIL_LENGTH &&
    noControlCharacters(value) && EMAIL.test(value);
}
