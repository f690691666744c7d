/**
 * Storage's side of an upload in Postgres, for the local stand-ins and tests. Uploads into bucket
 * `cvs` the way Supabase Storage does it
 * (github.com/supabase/storage: object upload): a permission-test insert as the uploader, always
 * rolled back, then the real `INSERT ... ON CONFLICT DO UPDATE` as service_role with the full
 * metadata and a new version (a re-upload to the same path is an UPDATE).
 *
 * @module
 */
import type { Queryable, TransactionSql } from "../../shared/db/postgres.ts";
import { actAs, actAsOwner, type Actor } from "../roles.ts";

class RolledBack extends Error {}

/** Options for {@link uploadLikeStorage}. */
export interface Upload {
  /**
   * The uploader (auth.users id): owner and owner_id, and the JWT `sub` of the test insert. Null
   * for an upload with the service key (Storage leaves the owner empty then).
   */
  userId: string | null;
  /** Object name inside the bucket, e.g. `<uid>/cv.pdf`. */
  name: string;
  size?: number;
  /** Default: a new random version, as every Storage upload has. */
  version?: string;
  /** Default application/pdf. */
  mimetype?: string;
  /** Who the permission test runs as (default the uploader as `authenticated`). */
  actor?: Actor;
  /** `x-upsert`: a re-upload to the same path replaces it (default true). */
  upsert?: boolean;
  /** Default `cvs`. */
  bucket?: string;
  /** Runs between the permission test and the real insert (Storage writes the file there). */
  beforeCommit?: () => Promise<void>;
}

/**
 * Runs both of Storage's inserts; returns the committed object's id and version. A permission
 * test refused by RLS raises 42501; an existing object without upsert raises 23505.
 */
export async function uploadLikeStorage(
  tx: TransactionSql,
  upload: Upload,
): Promise<{ id: string; version: string }> {
  const version = upload.version ?? crypto.randomUUID();
  const size = upload.size ?? 48_213;
  const mimetype = upload.mimetype ?? "application/pdf";
  const bucket = upload.bucket ?? "cvs";
  const upsert = upload.upsert ?? true;
  try {
    await tx.savepoint(async (sp) => {
      await actAs(sp, upload.actor ?? { kind: "user", id: upload.userId! });
      const metadata = sp.json({ mimetype, contentLength: size });
      if (upsert) {
        await sp`
          insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version)
          values (${bucket}, ${upload.name}, ${upload.userId}, ${upload.userId}, ${metadata}, '1')
          on conflict (bucket_id, name) do update set metadata = excluded.metadata,
            version = excluded.version`;
      } else {
        await sp`
          insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version)
          values (${bucket}, ${upload.name}, ${upload.userId}, ${upload.userId}, ${metadata}, '1')`;
      }
      throw new RolledBack();
    });
  } catch (error) {
    if (!(error instanceof RolledBack)) throw error;
  }
  await upload.beforeCommit?.();
  const [row] = await tx.savepoint(async (sp) => {
    await actAs(sp, { kind: "service_role" });
    const rows = await sp<{ id: string; version: string }[]>`
      insert into storage.objects (bucket_id, name, owner, owner_id, metadata, version)
      values (${bucket}, ${upload.name}, ${upload.userId}, ${upload.userId},
        ${
      sp.json({
        eTag: `"${crypto.randomUUID().replaceAll("-", "")}"`,
        size,
        mimetype,
        cacheControl: "max-age=3600",
        lastModified: new Date().toISOString(),
        contentLength: size,
        httpStatusCode: 200,
      })
    }, ${version})
      on conflict (bucket_id, name) do update set metadata = excluded.metadata,
        version = excluded.version, owner = excluded.owner, owner_id = excluded.owner_id
      returning id, version`;
    await actAsOwner(sp);
    return rows;
  });
  return row;
}

/**
 * Storage's side of `DELETE /storage/v1/object/<bucket>/<name>` in Postgres: the delete runs as
 * the caller (the bucket's delete policy decides) with `storage.allow_delete_query` set, as the
 * Storage server does past `storage.protect_delete`. Returns whether a row went.
 */
export async function removeLikeStorage(
  tx: TransactionSql,
  { actor, name, bucket = "cvs" }: { actor: Actor; name: string; bucket?: string },
): Promise<boolean> {
  return await tx.savepoint(async (sp) => {
    await actAs(sp, actor);
    await sp`select set_config('storage.allow_delete_query', 'true', true)`;
    const rows = await sp`
      delete from storage.objects where bucket_id = ${bucket} and name = ${name} returning id`;
    await sp`select set_config('storage.allow_delete_query', 'false', true)`;
    await actAsOwner(sp);
    return rows.length > 0;
  });
}

/** Sets the Vault secrets the database uses to call Edge Functions. */
export async function setFunctionSecrets(
  tx: Queryable,
  projectUrl = "http://127.0.0.1:54321",
  secret = "test-functions-secret",
): Promise<void> {
  await tx`delete from vault.secrets where name in ('project_url', 'functions_secret')`;
  await tx`select vault.create_secret(${projectUrl}, 'project_url')`;
  await tx`select vault.create_secret(${secret}, 'functions_secret')`;
}
