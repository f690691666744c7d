/**
 * `deno task jobs web export --out <dir> --url <project URL> --anon-key <key> [--json]`: the web
 * page as a folder to put on any static host, talking to that project (Supabase Auth sign-in).
 * Needs no database.
 *
 * @module
 */
import { exportWebPage } from "../local/web/export.ts";

/** The reason the flags cannot work, or null. */
export function checkWebExportFlags(flags: Record<string, string | true>): string | null {
  const missing = ["out", "url", "anon-key"].filter((name) => typeof flags[name] !== "string");
  if (missing.length > 0) {
    return `web export needs ${missing.map((name) => `--${name}`).join(", ")}: e.g. ` +
      "deno task jobs web export --out dist/web --url https://<ref>.supabase.co --anon-key <key>";
  }
  try {
    const url = new URL(flags.url as string);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error();
  } catch {
    return `--url ${flags.url} is not a project URL; use e.g. https://<ref>.supabase.co`;
  }
  return null;
}

/** Writes the folder; returns the exit code. */
export async function webExportCommand(
  context: { flags: Record<string, string | true>; json: boolean },
): Promise<number> {
  const outDir = context.flags.out as string;
  const written = await exportWebPage({
    outDir,
    supabaseUrl: context.flags.url as string,
    anonKey: context.flags["anon-key"] as string,
  });
  if (context.json) {
    console.log(JSON.stringify({ out: outDir, files: written }));
  } else {
    console.log(`Wrote the web page to ${outDir} (${written.length} files).`);
    console.log("Serve that folder from any static host; it signs in with Supabase Auth.");
    console.log("Add the host's URL to Auth → URL Configuration (site URL / redirect URLs).");
  }
  return 0;
}
