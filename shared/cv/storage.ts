/**
 * CV files from Supabase Storage through supabase-js, with the service key (the function acts
 * for the system; the trigger already tied the file to its owner).
 *
 * @module
 */
import { createClient } from "@supabase/supabase-js";
import type { CvStorage } from "./ingest.ts";

/** A {@link CvStorage} over Supabase Storage at `url`. */
export function supabaseCvStorage(url: string, key: string): CvStorage {
  const client = createClient(url, key, {
    auth: { persistSession: false, autoRefreshToken: false },
  });
  return {
    async download(bucket, path) {
      const { data, error } = await client.storage.from(bucket).download(path);
      if (error || !data) throw new Error(error?.message ?? `no object at ${bucket}/${path}`);
      return new Uint8Array(await data.arrayBuffer());
    },
  };
}
