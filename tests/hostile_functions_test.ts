/**
 * Hostile input to the user-facing functions, through the local stack as a browser reaches
 * them: each case gets its exact 4xx and a message that names the field or the fix, never a
 * 500. Numbers too large for Postgres, NUL and control characters, malformed, oversized and
 * wrong-type bodies, forged, expired, non-uuid-`sub` and deleted-user tokens, odd paths, wrong
 * methods. The local stack serves every function in `functions/`, `health` included.
 */
import assert from "node:assert/strict";
import { signJwt, userAccessToken } from "../local/jwt.ts";
import { startLocalStack } from "../local/stack.ts";
import { memoryObjectFiles } from "../local/storage/files.ts";
import { loadConfig } from "../shared/config.ts";
import type { Sql } from "../shared/db/postgres.ts";
import { MAX_BODY_BYTES } from "../shared/http/user_api.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";

interface Case {
  name: string;
  method?: string;
  path: string;
  /** A JSON value, a raw string, or a stream. */
  body?: unknown;
  raw?: string | ReadableStream<Uint8Array>;
  /** Send the database's `x-webhook-secret` (the functions the database calls). */
  secret?: boolean;
  /** Which token: the signed-in user's (default), or a hostile one, or none. */
  token?: "user" | "none" | "non-uuid-sub" | "deleted-user" | "expired" | "forged";
  status: number;
  message: RegExp;
}

const MB = 1024 * 1024;

function chunks(total: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const chunk = new Uint8Array(64 * 1024).fill(0x61);
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

const cases: Case[] = [
  // numbers Postgres cannot hold, or that no client needs
  {
    name: "offset past int4",
    path: "feed?offset=2147483648",
    status: 400,
    message: /offset must be a number from 0 to 100000/,
  },
  {
    name: "negative offset",
    path: "feed?offset=-1",
    status: 400,
    message: /offset must be a number from 0 to 100000/,
  },
  {
    name: "huge limit",
    path: "feed?limit=1e9",
    status: 400,
    message: /limit must be a number from 1 to 200/,
  },
  {
    name: "offset in a body",
    method: "POST",
    path: "feed",
    body: { offset: 3_000_000_000 },
    status: 400,
    message: /offset must be a number from 0 to 100000/,
  },
  {
    name: "job id past bigint",
    method: "POST",
    path: "feed/hide",
    body: { job_id: 1e20 },
    status: 400,
    message: /job_id must be a job id/,
  },
  {
    name: "search id past bigint",
    method: "PATCH",
    path: "searches/99999999999999999999",
    body: { location: "berlin" },
    status: 404,
    message: /expected \/searches\/<id>/,
  },
  // NUL and control characters
  {
    name: "NUL in the feed search",
    path: "feed?search=a%00b",
    status: 400,
    message: /search contains control characters/,
  },
  {
    name: "NUL in a posted search",
    method: "POST",
    path: "feed",
    body: { search: "a\u0000b" },
    status: 400,
    message: /search contains control characters/,
  },
  {
    name: "NUL in a company",
    method: "POST",
    path: "feed/hide",
    body: { company: "Acme\u0000" },
    status: 400,
    message: /company contains control characters/,
  },
  {
    name: "escape in a title",
    method: "POST",
    path: "searches",
    body: { title_keyword: "data\u001bengineer", location: "berlin" },
    status: 400,
    message: /Job title contains control characters/,
  },
  // labels in one normal form: full-width letters, emoji and bidi overrides meet the plain one
  {
    name: "full-width, emoji and bidi",
    method: "POST",
    path: "searches",
    body: { title_keyword: "ｄａｔａ ｅｎｇｉｎｅｅｒ 😀", location: "zürich\u202e" },
    status: 201,
    message: /"title_keyword":"data engineer","location":"zurich"/,
  },
  {
    name: "a label without a letter",
    method: "POST",
    path: "searches",
    body: { title_keyword: "😀😀", location: "berlin" },
    status: 400,
    message: /Job title must contain at least one letter/,
  },
  // malformed, oversized and wrong-type bodies
  {
    name: "malformed JSON",
    method: "POST",
    path: "feed",
    raw: '{"limit": ',
    status: 400,
    message: /The body is not JSON/,
  },
  {
    name: "5 MB of junk",
    method: "POST",
    path: "feed",
    raw: "x".repeat(5 * MB),
    status: 413,
    message: new RegExp(`larger than ${MAX_BODY_BYTES} bytes`),
  },
  {
    name: "5 MB streamed, no length",
    method: "POST",
    path: "searches",
    raw: chunks(5 * MB),
    status: 413,
    message: /larger than/,
  },
  {
    name: "a list for an object",
    method: "POST",
    path: "feed",
    body: [1, 2],
    status: 400,
    message: /Invalid feed parameters/,
  },
  {
    name: "text for a number",
    method: "POST",
    path: "feed",
    body: { limit: "many" },
    status: 400,
    message: /limit must be a number from 1 to 200/,
  },
  {
    name: "an unknown field",
    method: "POST",
    path: "searches",
    body: { title_keyword: "data engineer", location: "berlin", salary: 1 },
    status: 400,
    message: /salary/,
  },
  // tokens
  { name: "no token", path: "feed", token: "none", status: 401, message: /Sign in first/ },
  {
    name: "forged token",
    path: "searches",
    token: "forged",
    status: 401,
    message: /Sign in first/,
  },
  { name: "expired token", path: "cvs", token: "expired", status: 401, message: /Sign in first/ },
  {
    name: "sub not a uuid (feed)",
    path: "feed",
    token: "non-uuid-sub",
    status: 401,
    message: /subject \(sub\) is not a user id/,
  },
  {
    name: "sub not a uuid (searches)",
    method: "POST",
    path: "searches",
    body: { title_keyword: "data engineer", location: "berlin" },
    token: "non-uuid-sub",
    status: 401,
    message: /subject \(sub\) is not a user id/,
  },
  {
    name: "deleted user (feed)",
    path: "feed",
    token: "deleted-user",
    status: 401,
    message: /does not exist \(any more\); sign in again/,
  },
  {
    name: "deleted user adds a search",
    method: "POST",
    path: "searches",
    body: { title_keyword: "data engineer", location: "berlin" },
    token: "deleted-user",
    status: 401,
    message: /does not exist/,
  },
  // the functions the database calls: the secret first, then the body
  {
    name: "webhook without its secret",
    method: "POST",
    path: "backfill",
    body: {},
    token: "none",
    status: 401,
    message: /x-webhook-secret/,
  },
  {
    name: "webhook, 1 MB body",
    method: "POST",
    path: "cv-ingest",
    raw: "x".repeat(MB),
    secret: true,
    token: "none",
    status: 413,
    message: /larger than 65536 bytes/,
  },
  {
    name: "webhook, malformed JSON",
    method: "POST",
    path: "daily-refresh",
    raw: "{",
    secret: true,
    token: "none",
    status: 400,
    message: /The body is not JSON/,
  },
  // paths and methods
  {
    name: "malformed escape in a path",
    method: "DELETE",
    path: "searches/%E0%A4%A",
    status: 404,
    message: /expected \/searches\/<id>/,
  },
  {
    name: "traversal in a CV path",
    path: "cvs/..%2F..%2Fetc",
    status: 404,
    message: /You have no CV at/,
  },
  {
    name: "PUT on the feed",
    method: "PUT",
    path: "feed",
    status: 405,
    message: /Method PUT not allowed/,
  },
  { name: "GET on hide", path: "feed/hide", status: 405, message: /Use POST to hide/ },
  {
    name: "POST on health",
    method: "POST",
    path: "health",
    token: "none",
    status: 405,
    message: /use GET/,
  },
];

async function tokenFor(kind: Case["token"], user: string): Promise<string | null> {
  const hour = Math.floor(Date.now() / 1000) + 3600;
  switch (kind ?? "user") {
    case "none":
      return null;
    case "non-uuid-sub":
      return await signJwt({
        sub: "not-a-uuid",
        role: "authenticated",
        aud: "authenticated",
        exp: hour,
      });
    case "deleted-user":
      return await userAccessToken(crypto.randomUUID());
    case "expired":
      return await signJwt({ sub: user, role: "authenticated", aud: "authenticated", exp: 1 });
    case "forged":
      return await signJwt(
        { sub: user, role: "authenticated", aud: "authenticated", exp: hour },
        "another-secret-that-is-at-least-32-characters-long",
      );
    default:
      return await userAccessToken(user);
  }
}

Deno.test(
  "hostile input to the functions: exact 4xx, the field named, never a 500",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const stack = await startLocalStack({
        sql: tx as unknown as Sql,
        config: loadConfig({}),
        files: memoryObjectFiles(),
      });
      try {
        const user = await createUser(tx, "hostile@example.com");
        const wrong: string[] = [];
        for (const c of cases) {
          const token = await tokenFor(c.token, user);
          const headers: Record<string, string> = {};
          if (token) headers.authorization = `Bearer ${token}`;
          if (c.secret) headers["x-webhook-secret"] = stack.secret;
          let body: BodyInit | undefined = c.raw;
          if (c.body !== undefined) {
            headers["content-type"] = "application/json";
            body = JSON.stringify(c.body);
          }
          const response = await fetch(`${stack.url}/functions/v1/${c.path}`, {
            method: c.method ?? "GET",
            headers,
            body,
          });
          const text = await response.text();
          if (response.status !== c.status || !c.message.test(text)) {
            wrong.push(`${c.name}: ${response.status} ${text.slice(0, 200)}`);
          }
          if (response.status >= 400 && response.status !== 405) {
            assert.equal(response.headers.get("content-type"), "application/json", c.name);
          }
        }
        assert.deepEqual(wrong, []);
        const health = await fetch(`${stack.url}/functions/v1/health`);
        assert.equal(health.status, 200, await health.text());
        // every function in functions/ is served
        for await (const entry of Deno.readDir(new URL("../functions/", import.meta.url))) {
          if (!entry.isDirectory) continue;
          const response = await fetch(`${stack.url}/functions/v1/${entry.name}`, {
            method: "OPTIONS",
          });
          await response.body?.cancel();
          assert.notEqual(response.status, 404, `functions/${entry.name} is served locally`);
        }
      } finally {
        await stack.close();
      }
    });
  },
);
