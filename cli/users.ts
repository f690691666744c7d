/**
 * `deno task jobs user add --email <address> [--json]`: a user, as sign-up creates one (local
 * databases only: on a Supabase project users sign up through Auth). Prints the id.
 *
 * @module
 */
import { hasLocalPlatform } from "../local/platform.ts";
import { createAuthUser } from "../local/roles.ts";
import { isEmailAddress } from "../shared/identifiers.ts";
import { type CommandContext, UsageError } from "./context.ts";

/** What is wrong with the flags; null when nothing is. */
export function checkUserAddFlags(flags: Record<string, string | true>): string | null {
  const email = flags.email;
  if (!isEmailAddress(email)) {
    return "user add needs --email <address>, such as --email lena@example.com.";
  }
  return null;
}

/** Runs the command; returns the exit code. */
export async function userAddCommand(context: CommandContext): Promise<number> {
  const { database, json } = context;
  const email = (context.flags.email as string).toLowerCase();
  if (!(await hasLocalPlatform(database.sql))) {
    throw new UsageError(
      "user add works on local databases only; on a Supabase project users sign up through Auth.",
    );
  }
  const [existing] = await database.sql`select id from auth.users where email = ${email}`;
  if (existing) throw new UsageError(`A user with email ${email} exists already: ${existing.id}`);
  const id = await createAuthUser(database.sql, email);
  console.log(json ? JSON.stringify({ id, email }) : id);
  return 0;
}
