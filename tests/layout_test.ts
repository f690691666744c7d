/**
 * The Supabase CLI must find migrations and functions where it expects them, and deploy must
 * upload every file a function imports. The walk below follows the CLI's own
 * (apps/cli-go/pkg/function/deno.go, WalkImportPaths): a regular expression over the text, import
 * map substitution, relative paths joined to the importing file, paths relative to the project
 * root, and no symlinks followed.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";

const root = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

/** The CLI's importPathPattern, with Go's `.` (no newline) and (?i). */
const importPathPattern =
  /(?:import|export)\s+(?:{[^{}]+}|.*?)\s*(?:from)?\s*['"](.*?)['"]|import\(\s*['"](.*?)['"]\)/gi;

interface FunctionConfig {
  name: string;
  verify_jwt?: boolean;
  entrypoint?: string;
  import_map?: string;
}

/** The [functions.<name>] tables of supabase/config.toml (flat keys only, as we write them). */
function readFunctionConfigs(toml: string): FunctionConfig[] {
  const functions: FunctionConfig[] = [];
  let current: FunctionConfig | undefined;
  for (const line of toml.split("\n")) {
    const header = /^\[(.+)\]\s*$/.exec(line.trim());
    if (header) {
      const match = /^functions\.([\w-]+)$/.exec(header[1]);
      current = match ? { name: match[1] } : undefined;
      if (current) functions.push(current);
      continue;
    }
    const kv = /^(\w+)\s*=\s*(.+)$/.exec(line.trim());
    if (current && kv) {
      const value = kv[2].trim();
      (current as unknown as Record<string, unknown>)[kv[1]] = value === "true"
        ? true
        : value === "false"
        ? false
        : value.replace(/^"|"$/g, "");
    }
  }
  return functions;
}

function extname(path: string): string {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot) : "";
}

/** Walks imports from `entry` (root-relative) the way the CLI does; returns every path found. */
function walkImports(entry: string, imports: Record<string, string>): Set<string> {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const current = queue.pop()!;
    if (seen.has(current)) continue;
    seen.add(current);
    let text: string;
    try {
      text = Deno.readTextFileSync(join(root, current));
    } catch {
      continue; // the CLI prints WARN and skips; the test below reports the path as missing
    }
    for (const match of text.matchAll(importPathPattern)) {
      let mod = (match[1] || match[2] || "").trim();
      let substituted = false;
      for (const [key, value] of Object.entries(imports)) {
        if (mod.startsWith(key)) {
          mod = value + mod.slice(key.length);
          substituted = true;
        }
      }
      if (extname(mod) === "") continue;
      const rel = mod.startsWith("./") || mod.startsWith("../");
      if (!rel && !mod.startsWith("/")) continue;
      if (rel && !substituted) mod = join(dirname(current), mod);
      queue.push(normalize(mod));
    }
  }
  return seen;
}

const toml = Deno.readTextFileSync(join(root, "supabase/config.toml"));
const functionConfigs = readFunctionConfigs(toml);
const denoJson = JSON.parse(Deno.readTextFileSync(join(root, "deno.json")));

Deno.test("layout: the design card's top-level folders exist", () => {
  for (const dir of ["supabase", "functions", "shared", "migrations", "tests", "docs"]) {
    assert.ok(Deno.statSync(join(root, dir)).isDirectory, dir);
  }
  assert.ok(Deno.statSync(join(root, "deno.json")).isFile);
});

Deno.test("layout: supabase/migrations links to ../migrations; supabase/functions is no link", () => {
  assert.equal(Deno.lstatSync(join(root, "supabase/migrations")).isSymlink, true);
  assert.equal(Deno.readLinkSync(join(root, "supabase/migrations")), "../migrations");
  let functionsLink = false;
  try {
    functionsLink = Deno.lstatSync(join(root, "supabase/functions")).isSymlink;
  } catch {
    functionsLink = false; // absent is right
  }
  assert.equal(functionsLink, false);
  const migrations = [...Deno.readDirSync(join(root, "supabase/migrations"))].map((e) => e.name);
  assert.ok(
    migrations.length > 0 && migrations.every((n) => /^\d{14}_[a-z0-9_]+\.sql$/.test(n)),
    migrations.join(),
  );
});

Deno.test("layout: config.toml declares every function folder, with verify_jwt, entrypoint and import map", () => {
  const folders = [...Deno.readDirSync(join(root, "functions"))]
    .filter((e) => e.isDirectory && !e.name.startsWith("_"))
    .map((e) => e.name)
    .sort();
  assert.ok(folders.length > 0);
  assert.deepEqual(functionConfigs.map((f) => f.name).sort(), folders);
  for (const fn of functionConfigs) {
    assert.equal(typeof fn.verify_jwt, "boolean", `${fn.name}: verify_jwt`);
    assert.equal(fn.entrypoint, `../functions/${fn.name}/index.ts`, `${fn.name}: entrypoint`);
    assert.equal(fn.import_map, "../deno.json", `${fn.name}: import_map`);
  }
});

Deno.test("layout: every file a function imports exists where deploy looks for it", async () => {
  for (const fn of functionConfigs) {
    // config paths are relative to supabase/, then made relative to the project root
    const entry = normalize(join("supabase", fn.entrypoint!));
    const importMapPath = normalize(join("supabase", fn.import_map!));
    const importMap = JSON.parse(Deno.readTextFileSync(join(root, importMapPath)));
    const walked = walkImports(entry, importMap.imports ?? {});
    for (const path of walked) {
      assert.ok(!path.startsWith("supabase/"), `${fn.name}: ${path} resolves inside supabase/`);
      const info = Deno.lstatSync(join(root, path)); // throws when missing
      assert.ok(info.isFile && !info.isSymlink, `${fn.name}: ${path} is not a regular file`);
    }
    // Every local module Deno itself loads must be among the files deploy uploads.
    const output = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", join(root, entry)],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(output.success, new TextDecoder().decode(output.stderr));
    const graph = JSON.parse(new TextDecoder().decode(output.stdout));
    const local = (graph.modules as { specifier: string }[])
      .map((m) => m.specifier)
      .filter((s) => s.startsWith("file://"))
      .map((s) => relative(root, decodeURIComponent(new URL(s).pathname)));
    const missing = local.filter((path) => !walked.has(path));
    assert.deepEqual(missing, [], `${fn.name}: Deno loads files deploy would not upload`);
  }
});

Deno.test("layout: deno.json pins every dependency as an exact npm: version and defines the tasks", () => {
  for (const [name, spec] of Object.entries(denoJson.imports as Record<string, string>)) {
    assert.match(spec, /^npm:(@[\w.-]+\/)?[\w.-]+@\d+\.\d+\.\d+$/, `${name}: ${spec}`);
  }
  for (const task of ["test", "test:pg", "check", "bench"]) {
    assert.ok(denoJson.tasks[task], `task ${task}`);
  }
});

Deno.test("layout: the CLI walk finds what a relative import names (self-check)", () => {
  const walked = walkImports("functions/health/index.ts", denoJson.imports);
  assert.ok(walked.has("shared/config.ts"));
  assert.ok(walked.has("shared/db/postgres.ts"));
  assert.ok(walked.has("functions/health/handler.ts"));
  assert.ok(
    !walked.has("local/embedded_postgres.ts"),
    "embedded PGlite must stay out of functions",
  );
});
