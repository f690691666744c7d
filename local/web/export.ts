/**
 * The web page as a folder any static host can serve against a Supabase project: web/'s files,
 * supabase-js's browser build in vendor/, and a config.js naming the project and Supabase Auth
 * sign-in. `deno task jobs web export` writes it.
 *
 * @module
 */
import { supabaseJsBrowserBuild } from "./vendor.ts";

const WEB_ROOT = new URL("../../web/", import.meta.url);

/** What the exported page talks to. */
export interface WebExportOptions {
  outDir: string;
  /** The project's URL, e.g. https://abcd.supabase.co */
  supabaseUrl: string;
  /** The project's anon (publishable) key: public by design, RLS guards the data. */
  anonKey: string;
}

async function* files(dir: URL, prefix = ""): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory) yield* files(new URL(`${entry.name}/`, dir), `${path}/`);
    else if (entry.isFile) yield path;
  }
}

/** Writes the folder; returns the files written, relative to it, sorted. */
export async function exportWebPage(options: WebExportOptions): Promise<string[]> {
  const written: string[] = [];
  const write = async (path: string, bytes: Uint8Array) => {
    const target = `${options.outDir}/${path}`;
    await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await Deno.writeFile(target, bytes);
    written.push(path);
  };
  for await (const path of files(WEB_ROOT)) {
    if (path !== "config.js") await write(path, await Deno.readFile(new URL(path, WEB_ROOT)));
  }
  await write("vendor/supabase.js", await supabaseJsBrowserBuild());
  const config = {
    supabaseUrl: options.supabaseUrl.replace(/\/+$/, ""),
    anonKey: options.anonKey,
    signIn: "supabase",
  };
  await write(
    "config.js",
    new TextEncoder().encode(
      `// Written by deno task jobs web export.\nglobalThis.JOB_FEED_CONFIG = ${
        JSON.stringify(config, null, 2)
      };\n`,
    ),
  );
  return written.sort();
}
