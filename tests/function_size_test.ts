/**
 * Functions in the product (shared/, functions/, cli/) and its local stand-ins (local/) stay
 * small enough to read in one screen: at most 80 lines from the line that declares one to the line that closes it. The measure reads
 * the text as `deno fmt` writes it: a declaration (`function f`, `const f = (...) =>`, or a
 * method `name(...) {`) ends at the first later line with its indentation that starts with `}`.
 */
import assert from "node:assert/strict";
import { join } from "node:path";

const MAX_LINES = 80;
const ROOTS = ["shared", "functions", "cli", "local"];
const root = new URL("../", import.meta.url).pathname;

const DECLARATION = new RegExp(
  String.raw`^(\s*)(?:export\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?\s+\w+` +
    String.raw`|(?:const|let)\s+\w+\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\(|\w+\s*=>)` +
    String.raw`|(?:async\s+)?\w+\s*(?:<[^>]*>)?\([^)]*\)\s*(?::[^{]+)?\{\s*$)`,
);
const STATEMENT = /^\s*(?:if|for|while|switch|catch|return|else)\b/;

/** Each function of `text` longer than `max` lines, as `line N: declaration (L lines)`. */
export function longFunctions(text: string, max = MAX_LINES): string[] {
  const lines = text.split("\n");
  const found: string[] = [];
  lines.forEach((line, i) => {
    const match = DECLARATION.exec(line);
    // a declaration complete on its line (`const f = () => g();`) has no body below it
    if (!match || STATEMENT.test(line) || /[;,]\s*$/.test(line)) return;
    const end = lines.findIndex((later, j) => j > i && later.startsWith(`${match[1]}}`));
    const length = end - i + 1;
    if (end > i && length > max) {
      found.push(`line ${i + 1}: ${line.trim().slice(0, 60)} (${length} lines)`);
    }
  });
  return found;
}

function* sourceFiles(dir: string): Generator<string> {
  for (const entry of Deno.readDirSync(join(root, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (path.endsWith(".ts") && !path.endsWith("_test.ts")) yield path;
  }
}

Deno.test("function size: no function in shared/, functions/, cli/ or local/ is over 80 lines", () => {
  const long = ROOTS.flatMap((dir) => [...sourceFiles(dir)]).flatMap((path) =>
    longFunctions(Deno.readTextFileSync(join(root, path))).map((found) => `${path} ${found}`)
  );
  assert.deepEqual(long, [], `split these into named steps:\n${long.join("\n")}`);
});

Deno.test("function size: the measure finds a long function, an arrow and a method (self-check)", () => {
  const body = Array.from({ length: 80 }, (_, i) => `  const x${i} = ${i};`).join("\n");
  assert.equal(longFunctions(`export function f() {\n${body}\n}\n`).length, 1);
  assert.equal(longFunctions(`const g = async (a: number) => {\n${body}\n};\n`).length, 1);
  assert.equal(longFunctions(`class C {\n  m(a: string): void {\n${body}\n  }\n}\n`).length, 1);
  assert.equal(longFunctions(`export function f() {\n${body}\n}\n`, 82).length, 0);
  assert.equal(longFunctions(`if (x) {\n${body}\n}\n`).length, 0);
  assert.equal(
    longFunctions(`const h = () => g();\nfunction k() {\n  g();\n${body}\n}\n`).length,
    1,
  );
});
