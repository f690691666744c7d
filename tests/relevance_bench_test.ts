/**
 * The bench's relevance rows (`bench/relevance.ts`): NDCG@10 of the feed's order on the
 * hand-judged set in `tests/fixtures/relevance/`, with the skills component against without it,
 * overall, on the postings in German, on those in English and on the title false friends' lists.
 */
import assert from "node:assert/strict";
import { loadRelevanceSet, measureRelevance, ndcgAt } from "../bench/relevance.ts";
import { dbTest, withRollback } from "./support/database.ts";

Deno.test("relevance: NDCG@10 by the textbook", () => {
  assert.equal(ndcgAt(10, [2, 1, 0]), 1, "ideal order");
  assert.equal(ndcgAt(10, [0, 0]), 0, "nothing relevant");
  // [0, 2]: dcg 3/log2(3); ideal 3/log2(2)
  assert.ok(Math.abs(ndcgAt(10, [0, 2]) - 1 / Math.log2(3)) < 1e-12);
  assert.equal(ndcgAt(1, [1, 2]), 1 / 3, "only the first k count");
});

Deno.test("relevance: the set is whole: three CVs, German and English, judged", () => {
  const cases = loadRelevanceSet();
  assert.equal(cases.length, 3);
  for (const c of cases) {
    assert.ok(c.postings.length >= 30 && c.postings.length <= 50, c.id);
    const languages = new Set(c.postings.map((p) => p.language));
    assert.deepEqual([...languages].sort(), ["de", "en"], c.id);
    const grades = new Set(c.postings.map((p) => p.judgement));
    assert.equal(grades.size, 3, `${c.id}: good, possible and poor`);
    assert.equal(new Set(c.postings.map((p) => p.key)).size, c.postings.length, c.id);
  }
});

Deno.test("relevance: the bench's NDCG rows; skills lift every subset", dbTest, async () => {
  const rows = await withRollback((tx) => measureRelevance(tx));
  assert.deepEqual(rows.map((r) => r.name), [
    "relevance NDCG@10, all postings, 3 CVs (with skills vs without)",
    "relevance NDCG@10, postings in German, 3 CVs (with skills vs without)",
    "relevance NDCG@10, postings in English, 3 CVs (with skills vs without)",
    "relevance NDCG@10, title false friends' lists, 3 CVs (with skills vs without)",
  ]);
  const gain = Object.fromEntries(rows.map((r) => [r.name.split(", ")[1], r.value - r.baseline]));
  for (const r of rows) {
    assert.equal(r.unit, "NDCG@10");
    assert.ok(r.value > 0 && r.value <= 1 && r.baseline > 0 && r.baseline <= 1, r.name);
    assert.equal(r.ratio, r.value / r.baseline);
  }
  // measured: +0.057 overall, +0.062 German, +0.101 English, +0.029 false friends (of a
  // headroom of 0.116, 0.131, 0.162 and 0.044 above the ranking without skills)
  assert.ok(gain["all postings"] >= 0.05, `overall ${gain["all postings"]}`);
  assert.ok(gain["postings in German"] >= 0.05, `German ${gain["postings in German"]}`);
  assert.ok(gain["postings in English"] >= 0.08, `English ${gain["postings in English"]}`);
  assert.ok(gain["title false friends' lists"] >= 0.02, `false friends`);
});
