/**
 * Where the local Storage stand-in keeps object bytes: a directory (`<data dir>/storage/<bucket>/
 * <path>`, like Storage's file backend) or memory. Postgres keeps the `storage.objects` rows.
 *
 * @module
 */
import type { CvStorage } from "../../shared/cv/ingest.ts";

/** Object bytes by bucket and path. */
export interface ObjectFiles extends CvStorage {
  put(bucket: string, path: string, bytes: Uint8Array): Promise<void>;
  /** Removes the bytes; a missing file is not an error. */
  remove(bucket: string, path: string): Promise<void>;
}

function checkedPath(bucket: string, path: string): string {
  const parts = [bucket, ...path.split("/")];
  if (parts.some((part) => part === "" || part === "." || part === ".." || part.includes("\\"))) {
    throw new Error(`Invalid object path ${bucket}/${path}.`);
  }
  return parts.join("/");
}

/** Object bytes in files under `dir`. */
export function diskObjectFiles(dir: string): ObjectFiles {
  return {
    async put(bucket, path, bytes) {
      const file = `${dir}/${checkedPath(bucket, path)}`;
      await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
      await Deno.writeFile(file, bytes);
    },
    async remove(bucket, path) {
      try {
        await Deno.remove(`${dir}/${checkedPath(bucket, path)}`);
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    },
    async download(bucket, path) {
      try {
        return await Deno.readFile(`${dir}/${checkedPath(bucket, path)}`);
      } catch (error) {
        if (error instanceof Deno.errors.NotFound) throw new Error("Object not found");
        throw error;
      }
    },
  };
}

/** Object bytes in memory (tests). */
export function memoryObjectFiles(): ObjectFiles {
  const files = new Map<string, Uint8Array>();
  return {
    put(bucket, path, bytes) {
      files.set(checkedPath(bucket, path), bytes);
      return Promise.resolve();
    },
    remove(bucket, path) {
      files.delete(checkedPath(bucket, path));
      return Promise.resolve();
    },
    download(bucket, path) {
      const bytes = files.get(checkedPath(bucket, path));
      return bytes ? Promise.resolve(bytes) : Promise.reject(new Error("Object not found"));
    },
  };
}
