/**
 * One normal form for search labels: the TypeScript rule (shared/searches/label.ts) and the
 * database's copy (private.normalize_label) give the same answer for one table of inputs; rows
 * written by hand are put in normal form; typed and CV-derived labels meet in one combination
 * however they were written (full-width letters, emoji, bidi overrides).
 */
import assert from "node:assert/strict";
import { normalizeSearchLocation, normalizeSearchTitle } from "../shared/cv/search_queries.ts";
import { hasLetter, normalLabel } from "../shared/searches/label.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";

const CASES = [
  "Data Engineer",
  "  data   engineer ",
  "ｄａｔａ ｅｎｇｉｎｅｅｒ 😀",
  "zürich\u202e",
  "zu\u0308rich", // u + combining diaeresis: NFKC composes it
  "data\u200bengineer",
  "data\u00adengineer",
  "ﬁnance", // the fi ligature
  "Ｍünchen",
  "MÜNCHEN",
  "köln\ufeff",
  "remote 🌍",
  "data\tengineer\n",
  "東京",
  "ПРОГРАММИСТ",
  "👩‍💻",
  "İstanbul",
  "ΟΔΟΣ",
  "a\u1680b",
  "a\u2028b",
  "zu\u200b\u0308rich", // a stripped character between a letter and its combining mark
  "🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f} data",
  "⭐ data ▶ dev ⌚",
  "\u3164",
  "data\u034fengineer",
  "Ａ\u3000Ｂ",
  "",
  "   ",
];

Deno.test("labels: TypeScript and SQL give one normal form", dbTest, async () => {
  await withRollback(async (tx) => {
    const [{ unicodeLower }] = await tx`select lower('ÜП') = 'üп' as "unicodeLower"`;
    const differ: string[] = [];
    for (const input of CASES) {
      // a database whose lower() knows only ASCII (the C locale) cannot agree on capitals
      const nonAscii = [...input].some((char) => char.codePointAt(0)! > 0x7f);
      if (!unicodeLower && nonAscii && input !== input.toLowerCase()) continue;
      const [{ sql }] = await tx`select private.normalize_label(${input}) as sql`;
      const ts = normalLabel(input) || null;
      if (ts !== sql) differ.push(`${JSON.stringify(input)}: TS ${ts}, SQL ${sql}`);
    }
    assert.deepEqual(differ, []);
  });
});

Deno.test("labels: the typed and the CV's ways to one combination", () => {
  assert.equal(normalizeSearchTitle("ｄａｔａ ｅｎｇｉｎｅｅｒ 😀").keyword, "data engineer");
  assert.equal(normalizeSearchTitle("Sr. Data Engineer (ｍ/ｗ/ｄ)").keyword, "data engineer");
  assert.equal(normalizeSearchLocation("zürich\u202e"), normalizeSearchLocation("Zurich"));
  assert.equal(normalizeSearchLocation("Ｂｅｒｌｉｎ"), "berlin");
  assert.equal(hasLetter(normalLabel("😀 🌍")), false);
  assert.equal(hasLetter("東京"), true);
});

Deno.test("labels: a row written by hand is put in normal form", dbTest, async () => {
  await withRollback(async (tx) => {
    const user = await createUser(tx, "by-hand@example.com");
    const [row] = await tx`
      insert into public.user_search_queries (user_id, title_keyword, location)
      values (${user}, 'Data  Engineer ', 'Berlin') returning title_keyword, location`;
    assert.deepEqual([row.title_keyword, row.location], ["data engineer", "berlin"]);
    const [tracked] = await tx`
      insert into public.backfill_tracking (title_keyword, location)
      values ('ＤＡＴＡ ＥＮＧＩＮＥＥＲ', 'berlin') returning title_keyword`;
    assert.equal(tracked.title_keyword, "data engineer");
    const [composed] = await tx`
      insert into public.user_search_queries (user_id, title_keyword, location)
      values (${user}, 'data engineer', ${"zu\u200b\u0308rich"}) returning location`;
    assert.equal(composed.location, "zürich", "normal after one pass: stripped, then composed");
    await assert.rejects(
      () =>
        tx.savepoint((sp) =>
          sp`insert into public.user_search_queries (user_id, title_keyword, location)
             values (${user}, '😀', 'berlin')`
        ),
      /is_normalized_label|check constraint/,
      "a label of nothing but emoji is blank once normalised: refused",
    );
  });
});
