/**
 * The few Auth (GoTrue) endpoints a local app needs to get a user and a token, for `deno task
 * start`: sign-up (confirmed at once, as the local Supabase stack does by default), sign-in with
 * a password, and the current user. Sessions are HS256 JWTs from local/jwt.ts. Passwords are kept
 * as salted SHA-256 (the real service uses bcrypt); this is a local stand-in, never a server for
 * real users.
 *
 *   POST /auth/v1/signup                      {email, password}
 *   POST /auth/v1/token?grant_type=password   {email, password}
 *   GET  /auth/v1/user                        Authorization: Bearer <access token>
 *
 * @module
 */
import type { Sql } from "../../shared/db/postgres.ts";
import { readJson } from "../../shared/http/user_api.ts";
import { isEmailAddress, isUuid, MAX_EMAIL_LENGTH } from "../../shared/identifiers.ts";
import { userAccessToken, verifyJwt } from "../jwt.ts";

function authError(status: number, code: string, msg: string): Response {
  return Response.json({ code: status, error_code: code, msg }, { status });
}

async function hashPassword(password: string, salt: string = crypto.randomUUID()): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(`${salt}:${password}`),
  );
  return `sha256:${salt}:${
    Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("")
  }`;
}

interface UserRow {
  id: string;
  email: string;
  encrypted_password: string | null;
  created_at: Date;
}

function userJson(user: UserRow) {
  return {
    id: user.id,
    aud: "authenticated",
    role: "authenticated",
    email: user.email,
    email_confirmed_at: user.created_at,
    app_metadata: { provider: "email", providers: ["email"] },
    user_metadata: {},
    created_at: user.created_at,
  };
}

async function session(user: UserRow, jwtSecret: string) {
  const expiresIn = 3600;
  return {
    access_token: await userAccessToken(user.id, jwtSecret),
    token_type: "bearer",
    expires_in: expiresIn,
    expires_at: Math.floor(Date.now() / 1000) + expiresIn,
    refresh_token: crypto.randomUUID(),
    user: userJson(user),
  };
}

/** The email and password of a sign-up or sign-in body, or the error answer. */
async function credentials(req: Request): Promise<{ email: string; password: string } | Response> {
  const read = await readJson(req);
  if ("refusal" in read) {
    return read.refusal.status === 413
      ? authError(413, "request_too_large", "The request body is too large")
      : authError(400, "bad_json", "Could not parse request body as JSON");
  }
  const body = read.value as { email?: unknown; password?: unknown } | null;
  const email = typeof body?.email === "string" ? body.email.trim().toLowerCase() : "";
  const password = typeof body?.password === "string" ? body.password : "";
  if (!isEmailAddress(email)) {
    return authError(
      400,
      "validation_failed",
      `Unable to validate email address: invalid format (an address of at most ` +
        `${MAX_EMAIL_LENGTH} characters, e.g. ada@example.com)`,
    );
  }
  if (password.length < 6) {
    return authError(422, "weak_password", "Password should be at least 6 characters.");
  }
  return { email, password };
}

/** POST /auth/v1/signup: a confirmed user and its session. */
async function signUp(sql: Sql, jwtSecret: string, req: Request): Promise<Response> {
  const input = await credentials(req);
  if (input instanceof Response) return input;
  const [exists] = await sql`select 1 from auth.users where email = ${input.email}`;
  if (exists) return authError(422, "user_already_exists", "User already registered");
  const [user] = await sql<UserRow[]>`
    insert into auth.users (id, email, encrypted_password, aud, role, email_confirmed_at,
                            created_at, updated_at)
    values (gen_random_uuid(), ${input.email}, ${await hashPassword(input.password)},
            'authenticated', 'authenticated', now(), now(), now())
    returning id, email, encrypted_password, created_at`;
  return Response.json(await session(user, jwtSecret));
}

/** POST /auth/v1/token?grant_type=password: the user's session when the password matches. */
async function signIn(sql: Sql, jwtSecret: string, req: Request, url: URL): Promise<Response> {
  if (url.searchParams.get("grant_type") !== "password") {
    return authError(
      400,
      "unsupported_grant_type",
      "Only grant_type=password is served locally",
    );
  }
  const input = await credentials(req);
  if (input instanceof Response) return input;
  const [user] = await sql<UserRow[]>`
    select id, email, encrypted_password, created_at from auth.users where email = ${input.email}`;
  const [, salt] = (user?.encrypted_password ?? "").split(":");
  if (
    !user || !salt || (await hashPassword(input.password, salt)) !== user.encrypted_password
  ) {
    return authError(400, "invalid_credentials", "Invalid login credentials");
  }
  return Response.json(await session(user, jwtSecret));
}

/** GET /auth/v1/user: the user the bearer token names. */
async function currentUser(sql: Sql, jwtSecret: string, req: Request): Promise<Response> {
  const token = (req.headers.get("authorization") ?? "").replace(/^Bearer\s+/i, "");
  const claims = await verifyJwt(token, jwtSecret).catch(() => null);
  if (!claims?.sub) return authError(403, "bad_jwt", "invalid JWT");
  if (!isUuid(claims.sub)) {
    return authError(403, "bad_jwt", "invalid JWT: its subject (sub) is not a user id");
  }
  const [user] = await sql<UserRow[]>`
    select id, email, encrypted_password, created_at from auth.users where id = ${claims.sub}`;
  return user ? Response.json(userJson(user)) : authError(404, "user_not_found", "User not found");
}

/** Routes an `/auth/v1/...` request to its endpoint. */
async function handle(sql: Sql, jwtSecret: string, req: Request, url: URL): Promise<Response> {
  if (req.method === "POST" && url.pathname === "/auth/v1/signup") {
    return await signUp(sql, jwtSecret, req);
  }
  if (req.method === "POST" && url.pathname === "/auth/v1/token") {
    return await signIn(sql, jwtSecret, req, url);
  }
  if (req.method === "GET" && url.pathname === "/auth/v1/user") {
    return await currentUser(sql, jwtSecret, req);
  }
  return authError(
    404,
    "not_found",
    `${req.method} ${url.pathname} is not served by the local Auth stand-in`,
  );
}

/** The request handler for `/auth/v1/...`; undefined for other paths. */
export function createAuthHandler(
  options: { sql: Sql; jwtSecret: string },
): (req: Request) => Promise<Response> | undefined {
  const { sql, jwtSecret } = options;
  return (req) => {
    const url = new URL(req.url);
    if (!url.pathname.startsWith("/auth/v1/")) return undefined;
    return handle(sql, jwtSecret, req, url).catch((error) => {
      // the details (SQL, hosts) go to the log, not to the client
      console.error(`local Auth ${req.method} ${url.pathname}: ${(error as Error).stack}`);
      return authError(500, "unexpected_failure", "Unexpected failure; see the local stack's log");
    });
  };
}
