/**
 * The web page takes its filter options and labels from `web/js/vocabulary.js`, which
 * local/web/vocabulary.ts writes from shared/vocabulary.ts: the file must be what the module
 * writes today, and no other file of web/ may list a vocabulary value of its own.
 */
import assert from "node:assert/strict";
import { WEB_VOCABULARY_FILE, webVocabularyModule } from "../local/web/vocabulary.ts";
import {
  EMPLOYMENT_TYPE_LABELS,
  EMPLOYMENT_TYPES,
  INDUSTRIES,
  PROVIDERS,
  SALARY_PERIODS,
  SENIORITY_LEVELS,
  WORK_ARRANGEMENTS,
} from "../shared/vocabulary.ts";

const WEB_ROOT = new URL("../web/", import.meta.url);

Deno.test("web vocabulary: web/js/vocabulary.js is what shared/vocabulary.ts writes", async () => {
  const stored = await Deno.readTextFile(WEB_VOCABULARY_FILE);
  assert.ok(
    stored === webVocabularyModule(),
    "web/js/vocabulary.js is stale: run `deno task vocabulary` " +
      "to write it again from shared/vocabulary.ts.",
  );
});

Deno.test("web vocabulary: the generated module holds every list, in order, with labels", async () => {
  const web = await import(WEB_VOCABULARY_FILE.href);
  const values = (list: [string, string][]) => list.map(([value]) => value);
  assert.deepEqual(values(web.WORK_ARRANGEMENTS), [...WORK_ARRANGEMENTS]);
  assert.deepEqual(values(web.EMPLOYMENT_TYPES), [...EMPLOYMENT_TYPES]);
  assert.deepEqual(values(web.SENIORITY_LEVELS), [...SENIORITY_LEVELS]);
  assert.deepEqual(values(web.INDUSTRIES), [...INDUSTRIES]);
  assert.deepEqual(values(web.SALARY_PERIODS), [...SALARY_PERIODS]);
  assert.deepEqual(values(web.PROVIDERS), [...PROVIDERS]);
  assert.equal(web.labelOf(web.EMPLOYMENT_TYPES, "FULL_TIME"), EMPLOYMENT_TYPE_LABELS.FULL_TIME);
  assert.equal(web.labelOf(web.SENIORITY_LEVELS, "0-2"), "0–2 years");
  assert.equal(web.labelOf(web.EMPLOYMENT_TYPES, "SOMETHING_NEW"), "SOMETHING_NEW");
});

Deno.test("web vocabulary: no other file of the page lists vocabulary values", async () => {
  const vocabulary = [
    ...WORK_ARRANGEMENTS,
    ...EMPLOYMENT_TYPES,
    ...SENIORITY_LEVELS,
    ...INDUSTRIES,
    ...SALARY_PERIODS,
    ...PROVIDERS,
  ];
  const copies: string[] = [];
  for await (const path of webFiles(WEB_ROOT)) {
    if (path === "js/vocabulary.js" || !/\.(js|html)$/.test(path)) continue;
    const text = await Deno.readTextFile(new URL(path, WEB_ROOT));
    for (const value of vocabulary) {
      // a value as a string literal, an object key or an element's text
      const quoted = [`"${value}"`, `'${value}'`, `${value}:`, `>${value}<`];
      if (quoted.some((form) => text.includes(form))) copies.push(`${path}: ${value}`);
    }
  }
  assert.deepEqual(
    copies,
    [],
    "take these from web/js/vocabulary.js (WORK_ARRANGEMENTS, labelOf, ...) instead",
  );
});

async function* webFiles(dir: URL, prefix = ""): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isDirectory) {
      yield* webFiles(new URL(`${entry.name}/`, dir), `${prefix}${entry.name}/`);
    } else if (entry.isFile) yield `${prefix}${entry.name}`;
  }
}
