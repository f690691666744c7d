/**
 * README.md's variable tables and the zod schemas of shared/config.ts name the same variables
 * with the same defaults, both ways; and every variable the code reads is in a schema.
 */
import assert from "node:assert/strict";
import { envSchema, localToolsEnvSchema } from "../shared/config.ts";

const ROOT = new URL("../", import.meta.url);
const HEADER = /^\|\s*variable\s*\|\s*default\s*\|\s*what it does\s*\|$/;
const UNITS: Record<string, number> = { KiB: 1024, MiB: 1024 * 1024 };

/** A default as README writes it: `—` (none), a number with an optional unit, or `text`. */
function readmeDefault(text: string, where: string): unknown {
  if (text === "—") return undefined;
  const quoted = /^`([^`]*)`$/.exec(text);
  if (quoted) return quoted[1];
  const number = /^(\d+(?:\.\d+)?)(?:\s+(KiB|MiB))?$/.exec(text);
  if (number) return Number(number[1]) * (number[2] ? UNITS[number[2]] : 1);
  throw new Error(`${where}: write the default as a number (with KiB or MiB), \`text\` or —`);
}

/** Each variable of README's `| variable | default | what it does |` tables and its default. */
function readmeVariables(markdown: string): Map<string, unknown> {
  const found = new Map<string, unknown>();
  let inTable = false;
  for (const line of markdown.split("\n")) {
    if (HEADER.test(line.trim())) {
      inTable = true;
      continue;
    }
    if (!line.startsWith("|")) inTable = false;
    if (!inTable || /^\|\s*-/.test(line)) continue;
    const [nameCell, defaultCell] = line.split("|").slice(1, 3).map((cell) => cell.trim());
    const names = nameCell.split(/,\s*/).map((name) => /^`([A-Z][A-Z0-9_]*)`$/.exec(name)?.[1]);
    const defaults = defaultCell.split(/,\s*/);
    assert.ok(names.every(Boolean), `README row ${line}: name each variable as \`NAME\``);
    assert.equal(
      defaults.length,
      names.length,
      `README row ${line}: give one default per variable, in the order of the names`,
    );
    names.forEach((name, i) => {
      assert.ok(!found.has(name!), `README names ${name} in two rows; keep one`);
      found.set(name!, readmeDefault(defaults[i], `README row for ${name}`));
    });
  }
  return found;
}

/** Each variable of the schemas and its default (undefined when it has none). */
function schemaVariables(): Map<string, unknown> {
  const product = envSchema.parse({});
  const local = localToolsEnvSchema.parse({});
  const found = new Map<string, unknown>();
  for (const name of Object.keys(envSchema.shape)) found.set(name, product[name as never]);
  for (const name of Object.keys(localToolsEnvSchema.shape)) {
    assert.ok(!found.has(name), `${name} is in both schemas of shared/config.ts; keep one`);
    found.set(name, local[name as never]);
  }
  return found;
}

Deno.test("config: README's variable tables equal the schemas, names and defaults", async () => {
  const readme = readmeVariables(await Deno.readTextFile(new URL("README.md", ROOT)));
  const schema = schemaVariables();
  const problems = [
    ...[...schema.keys()].filter((name) => !readme.has(name))
      .map((name) => `${name}: in shared/config.ts, not in README; add a table row`),
    ...[...readme.keys()].filter((name) => !schema.has(name))
      .map((name) =>
        `${name}: in README, in no schema of shared/config.ts; add it or drop the row`
      ),
    ...[...schema].filter(([name, value]) => readme.has(name) && readme.get(name) !== value)
      .map(([name, value]) =>
        `${name}: README's default ${String(readme.get(name))} is not the schema's ${String(value)}`
      ),
  ];
  assert.deepEqual(problems, []);
});

async function* sourceFiles(dir: URL): AsyncGenerator<URL> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) yield* sourceFiles(new URL(`${entry.name}/`, dir));
    else if (entry.name.endsWith(".ts")) yield new URL(entry.name, dir);
  }
}

Deno.test("config: every variable the code reads is in a schema of shared/config.ts", async () => {
  const known = schemaVariables();
  const reads = [
    /Deno\.env\.get\(\s*["'`]([A-Za-z0-9_]+)/g,
    /\benv(?:\.|\[["'`])([A-Z][A-Z0-9_]+)/g,
  ];
  const unknown: string[] = [];
  for (const dir of ["shared/", "functions/", "cli/", "local/", "bench/"]) {
    for await (const file of sourceFiles(new URL(dir, ROOT))) {
      const text = await Deno.readTextFile(file);
      for (const pattern of reads) {
        for (const [, name] of text.matchAll(pattern)) {
          if (!known.has(name)) {
            unknown.push(`${file.pathname.slice(ROOT.pathname.length)} ${name}`);
          }
        }
      }
    }
  }
  assert.deepEqual(unknown, [], "read these through shared/config.ts's schemas, with a README row");
});
