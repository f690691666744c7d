/**
 * The Storage object endpoints supabase-js uses, for the local stand-in (`deno task start`):
 *
 *   POST /storage/v1/object/<bucket>/<path>   upload (`x-upsert: true` replaces)
 *   PUT  /storage/v1/object/<bucket>/<path>   update (replace)
 *   GET  /storage/v1/object/<bucket>/<path>   download (also /object/authenticated/...)
 *
 * Like Supabase Storage they check the caller's JWT, run the permission test as the caller's role
 * (so the bucket's RLS policies decide), keep the bucket's size and type limits, write the file,
 * then do the real insert as service_role — the two inserts the CV trigger is built for. Bodies
 * may be raw bytes or the multipart form supabase-js sends for a Blob.
 *
 * @module
 */
import { isUuid } from "../../shared/identifiers.ts";
import type { Sql } from "../../shared/db/postgres.ts";
import { readBounded } from "../../shared/http/user_api.ts";
import { verifyJwt } from "../jwt.ts";
import { actAs, type Actor } from "../roles.ts";
import type { ObjectFiles } from "./files.ts";
import { uploadLikeStorage } from "./objects.ts";

/**
 * Storage's error answer: HTTP 400 for every error but a 500 (as supabase/storage does), the real
 * status in the body's `statusCode`, with a `code`, `error` and `message`.
 */
function storageError(status: number, code: string, error: string, message: string): Response {
  return Response.json({ statusCode: String(status), code, error, message }, {
    status: status === 500 ? 500 : 400,
  });
}

async function callerOf(req: Request, secret: string): Promise<Actor | Response> {
  const header = req.headers.get("authorization") ?? "";
  const token = header.replace(/^Bearer\s+/i, "") || req.headers.get("apikey") || "";
  if (!token) {
    return storageError(
      400,
      "InvalidJWT",
      "Missing authorization header",
      "headers must have required property 'authorization'",
    );
  }
  try {
    const claims = await verifyJwt(token, secret);
    if (claims.role === "service_role") return { kind: "service_role" };
    if (claims.role === "authenticated" && typeof claims.sub === "string") {
      if (!isUuid(claims.sub)) {
        return storageError(
          403,
          "InvalidJWT",
          "Unauthorized",
          "invalid JWT: its subject (sub) is not a user id; sign in again",
        );
      }
      return { kind: "user", id: claims.sub };
    }
    return { kind: "anon" };
  } catch (error) {
    return storageError(400, "InvalidJWT", "Unauthorized", (error as Error).message);
  }
}

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/**
 * The file part of a multipart body. Parsed by hand: supabase-js names the part "" (its
 * FormData key), which Deno's `formData()` drops.
 */
function multipartFile(body: Uint8Array, boundary: string): { bytes: Uint8Array; type: string } {
  const encoder = new TextEncoder();
  const delimiter = encoder.encode(`--${boundary}`);
  const headerEnd = encoder.encode("\r\n\r\n");
  let at = indexOf(body, delimiter);
  while (at >= 0) {
    const start = at + delimiter.length + 2; // past the delimiter and its CRLF
    const next = indexOf(body, delimiter, start);
    if (next < 0) break;
    const split = indexOf(body, headerEnd, start);
    if (split > 0 && split < next) {
      const headers = new TextDecoder().decode(body.subarray(start, split));
      if (/filename=/i.test(headers)) {
        const type = /content-type:\s*([^\r\n;]+)/i.exec(headers)?.[1]?.trim();
        return {
          bytes: body.slice(split + headerEnd.length, next - 2), // the part's trailing CRLF
          type: type || "application/octet-stream",
        };
      }
    }
    at = next;
  }
  return { bytes: new Uint8Array(), type: "application/octet-stream" };
}

/** Room a multipart body needs beyond its file: boundaries and part headers. */
const MULTIPART_SLACK = 64 * 1024;

/** Storage's own upload limit when a bucket sets none (Supabase's default: 50 MB). */
const DEFAULT_FILE_SIZE_LIMIT = 50 * 1024 * 1024;

/** The uploaded file and its type; null once the body passes `maxBytes` (not read whole). */
async function bodyOf(
  req: Request,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; type: string } | null> {
  const type = req.headers.get("content-type") ?? "application/octet-stream";
  const bytes = await readBounded(req, maxBytes + MULTIPART_SLACK);
  if (bytes === null) return null;
  const boundary = /^multipart\/form-data;.*boundary=("?)([^";]+)\1/i.exec(type)?.[2];
  if (boundary) return multipartFile(bytes, boundary);
  return { bytes, type: type.split(";")[0].trim() };
}

/** The longest path segment the file backend can hold (a file name: 255 bytes). */
const MAX_SEGMENT_BYTES = 255;

/**
 * Why an object name is refused, or null: empty, `.` or `..` segments, a backslash, control or
 * bidi/format characters (Storage refuses them: a name must read as it is stored), or a segment
 * longer than a file name may be.
 */
export function keyRefusal(name: string): string | null {
  const parts = name.split("/");
  if (parts.some((part) => part === "" || part === "." || part === "..")) {
    return `Invalid key: ${JSON.stringify(name)} has an empty, "." or ".." part`;
  }
  if (name.includes("\\")) return `Invalid key: ${JSON.stringify(name)} contains a backslash`;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/.test(name)) {
    return `Invalid key: ${
      JSON.stringify(name)
    } contains control or bidirectional characters; use plain text`;
  }
  const long = parts.find((part) => new TextEncoder().encode(part).length > MAX_SEGMENT_BYTES);
  if (long) {
    return `Invalid key: a part of the name is longer than ${MAX_SEGMENT_BYTES} bytes ` +
      `(${long.slice(0, 20)}…); use a shorter file name`;
  }
  return null;
}

/** What the handler serves from: the database, the files, and the secret tokens are signed with. */
interface StorageOptions {
  sql: Sql;
  files: ObjectFiles;
  jwtSecret: string;
}

/** A row of `storage.buckets`: its limits on an upload. */
interface BucketRow {
  id: string;
  file_size_limit: number | string | null;
  allowed_mime_types: string[] | null;
}

/** An object's address: its bucket and its name (path) in it. */
interface ObjectKey {
  bucketId: string;
  name: string;
}

/** The object a `/storage/v1/...` path names, or the error answer for a path not served. */
function objectKeyOf(req: Request, url: URL): ObjectKey | Response {
  const match = url.pathname.match(/^\/storage\/v1\/object\/(?:authenticated\/)?([^/]+)\/(.+)$/);
  // list, info, sign, move, copy, remove, buckets: not in the local stand-in
  if (!match || ["list", "info", "sign", "move", "copy", "public"].includes(match[1])) {
    return storageError(
      404,
      "NotSupported",
      "Not supported",
      `${req.method} ${url.pathname} is not served by the local Storage stand-in (it serves ` +
        "object upload, update and download)",
    );
  }
  let bucketId: string;
  let name: string;
  try {
    bucketId = decodeURIComponent(match[1]);
    name = match[2].split("/").map(decodeURIComponent).join("/");
  } catch {
    return storageError(400, "InvalidKey", "Invalid key", "Invalid key");
  }
  const refusal = keyRefusal(name);
  if (refusal) return storageError(400, "InvalidKey", "Invalid key", refusal);
  return { bucketId, name };
}

/** The request handler for `/storage/v1/...`; undefined for other paths. */
export function createStorageHandler(
  options: StorageOptions,
): (req: Request) => Promise<Response> | undefined {
  return (req) => {
    const url = new URL(req.url);
    if (!url.pathname.startsWith("/storage/v1/")) return undefined;
    const key = objectKeyOf(req, url);
    if (key instanceof Response) return Promise.resolve(key);
    return handle(options, req, key);
  };
}

/** Serves an object request: the caller and the bucket first, then a download or an upload. */
async function handle(options: StorageOptions, req: Request, key: ObjectKey): Promise<Response> {
  const caller = await callerOf(req, options.jwtSecret);
  if (caller instanceof Response) return caller;
  const [bucket] = await options.sql<BucketRow[]>`
    select id, file_size_limit, allowed_mime_types from storage.buckets where id = ${key.bucketId}`;
  if (!bucket) return storageError(404, "NoSuchBucket", "Bucket not found", "Bucket not found");
  if (req.method === "GET") return await download(options, caller, key);
  if (req.method !== "POST" && req.method !== "PUT") {
    return storageError(
      405,
      "MethodNotAllowed",
      "Method not allowed",
      `${req.method} is not supported by the local Storage`,
    );
  }
  const body = await uploadedBody(req, bucket);
  if (body instanceof Response) return body;
  return await upload(options, req, caller, key, body);
}

/** GET: the object's bytes when the caller may see its row (RLS decides). */
async function download(
  { sql, files }: StorageOptions,
  caller: Actor,
  { bucketId, name }: ObjectKey,
): Promise<Response> {
  const visible = await sql.begin(async (tx) => {
    await actAs(tx, caller);
    return await tx`select metadata ->> 'mimetype' as mimetype from storage.objects
                     where bucket_id = ${bucketId} and name = ${name}`;
  });
  if (visible.length === 0) {
    return storageError(404, "NoSuchKey", "not_found", "Object not found");
  }
  try {
    const bytes = await files.download(bucketId, name);
    return new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { "content-type": "application/pdf" },
    });
  } catch {
    return storageError(404, "NoSuchKey", "not_found", "Object not found");
  }
}

/** The uploaded file within the bucket's size and type limits, or the error answer. */
async function uploadedBody(
  req: Request,
  bucket: BucketRow,
): Promise<{ bytes: Uint8Array; type: string } | Response> {
  const limit = bucket.file_size_limit === null
    ? DEFAULT_FILE_SIZE_LIMIT
    : Number(bucket.file_size_limit);
  const body = await bodyOf(req, limit);
  if (body === null || body.bytes.length > limit) {
    return storageError(
      413,
      "EntityTooLarge",
      "Payload too large",
      "The object exceeded the maximum allowed size",
    );
  }
  if (bucket.allowed_mime_types && !bucket.allowed_mime_types.includes(body.type)) {
    return storageError(
      415,
      "InvalidMimeType",
      "invalid_mime_type",
      `mime type ${body.type} is not supported`,
    );
  }
  return body;
}

/** POST / PUT: the permission test, the file, then the real insert; Storage's answer to each. */
async function upload(
  { sql, files }: StorageOptions,
  req: Request,
  caller: Actor,
  { bucketId, name }: ObjectKey,
  { bytes, type }: { bytes: Uint8Array; type: string },
): Promise<Response> {
  const owner = caller.kind === "user" ? caller.id : null;
  try {
    const row = await sql.begin(async (tx) => {
      // the permission test (rolled back) decides; the file is written before the real insert
      const uploaded = await uploadLikeStorage(tx, {
        userId: owner,
        name,
        bucket: bucketId,
        size: bytes.length,
        mimetype: type,
        actor: caller,
        upsert: req.method === "PUT" || req.headers.get("x-upsert") === "true",
        beforeCommit: () => files.put(bucketId, name, bytes),
      });
      return uploaded;
    });
    return Response.json({ Id: row.id, Key: `${bucketId}/${name}` });
  } catch (error) {
    const refused = uploadRefusal(error, name);
    if (refused) return refused;
    throw error;
  }
}

/** Storage's answer to an upload that failed for the caller's reasons; null for any other error. */
function uploadRefusal(error: unknown, name: string): Response | null {
  const code = (error as { code?: string }).code;
  if (code === "42501") {
    return storageError(
      403,
      "AccessDenied",
      "Unauthorized",
      "new row violates row-level security policy",
    );
  }
  if (code === "23505") {
    return storageError(409, "KeyAlreadyExists", "Duplicate", "The resource already exists");
  }
  // a name whose folder is a file, or a file name that is a folder, on the file backend
  if (
    error instanceof Deno.errors.NotADirectory || error instanceof Deno.errors.IsADirectory ||
    error instanceof Deno.errors.AlreadyExists
  ) {
    return storageError(
      400,
      "InvalidKey",
      "Invalid key",
      `Invalid key: ${name} would put an object inside another object (or replace a folder)`,
    );
  }
  return null;
}
