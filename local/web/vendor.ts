/**
 * supabase-js for the browser, without a CDN (this machine has none): the UMD build that the
 * pinned `@supabase/supabase-js` npm package ships (`dist/umd/supabase.js`, the file CDNs serve),
 * read from Deno's npm cache. It defines `window.supabase.createClient`.
 *
 * @module
 */
import denoJson from "../../deno.json" with { type: "json" };

let cached: Promise<Uint8Array<ArrayBuffer>> | undefined;

async function denoInfo(): Promise<{ npmCache: string }> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"], stdout: "piped" })
    .output();
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The pinned version, e.g. "2.119.1" (from deno.json's import map). */
export function supabaseJsVersion(): string {
  const spec = (denoJson.imports as Record<string, string>)["@supabase/supabase-js"];
  const version = /@(\d+\.\d+\.\d+[^/]*)$/.exec(spec)?.[1];
  if (!version) throw new Error(`deno.json pins @supabase/supabase-js as ${spec}: no version`);
  return version;
}

async function load(): Promise<Uint8Array<ArrayBuffer>> {
  const version = supabaseJsVersion();
  const { npmCache } = await denoInfo();
  const path =
    `${npmCache}/registry.npmjs.org/@supabase/supabase-js/${version}/dist/umd/supabase.js`;
  try {
    return await Deno.readFile(path);
  } catch {
    // not downloaded yet on this machine: fetch the package into the cache, then read it
    const cache = await new Deno.Command(Deno.execPath(), {
      args: ["cache", "--quiet", `npm:@supabase/supabase-js@${version}`],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!cache.success) {
      throw new Error(
        `Cannot get supabase-js ${version} for the web page: ` +
          new TextDecoder().decode(cache.stderr).trim(),
      );
    }
    return await Deno.readFile(path);
  }
}

/** The bytes of the browser build (read once). */
export function supabaseJsBrowserBuild(): Promise<Uint8Array<ArrayBuffer>> {
  cached ??= load().catch((error) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
