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

/** Whether `value` looks like an email address (something@somewhere.tld). */
export function isEmailAddress(value: unknown): value is string {
  return typeof value === "string" && EMAIL.test(value);
}
