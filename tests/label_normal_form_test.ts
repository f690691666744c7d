/**
 * One normal form for search labels: the TypeScript rule (shared/searches/label.ts) and the
 * database's copy (private.normalize_label) give the expected answer for one table of inputs;
 * every search keyword of the title table (tests/fixtures/title_cases.ts) is already normal; rows
 * written by hand are put in normal form; typed and CV-derived labels meet in one combination
 * however they were written (full-width letters, emoji, bidi overrides).
 */
import assert from "node:assert/strict";
import { normalizeSearchLocation, normalizeSearchTitle } from "../shared/cv/search_queries.ts";
import { hasLetter, normalLabel } from "../shared/searches/label.ts";
import { TITLE_CASES } from "./fixtures/title_cases.ts";
import { createUser } from "./support/auth.ts";
import { dbTest, withRollback } from "./support/database.ts";

/** Inputs and their normal form, for both rules. */
const CASES: readonly (readonly [input: string, normal: string])[] = [
  ["Data Engineer", "data engineer"],
  ["  data   engineer ", "data engineer"],
  ["ｄａｔａ ｅｎｇｉｎｅｅｒ 😀", "data engineer"],
  ["zürich\u202e", "zürich"],
  ["zu\u0308rich", "zürich"], // u + combining diaeresis: NFKC composes it
  ["data\u200bengineer", "dataengineer"],
  ["data\u00adengineer", "dataengineer"],
  ["ﬁnance", "finance"], // the fi ligature
  ["Ｍünchen", "münchen"],
  ["MÜNCHEN", "münchen"],
  ["köln\ufeff", "köln"],
  ["remote 🌍", "remote"],
  ["data\tengineer\n", "data engineer"], // tabs and line breaks are white space
  ["data\r\nengineer\f\v", "data engineer"],
  ["data\u0007engineer\u001b", "dataengineer"], // other controls go
  ["東京", "東京"],
  ["ПРОГРАММИСТ", "программист"],
  ["👩‍💻", ""],
  ["İstanbul", "istanbul"],
  ["ΟΔΟΣ", "οδοσ"], // lower() has no final-sigma rule
  ["a\u1680b", "a b"],
  ["a\u2028b", "a b"],
  ["zu\u200b\u0308rich", "zürich"], // a stripped character between a letter and its mark
  ["🏴\u{e0067}\u{e0062}\u{e0073}\u{e0063}\u{e0074}\u{e007f} data", "data"],
  ["⭐ data ▶ dev ⌚", "data dev"],
  ["\u3164", ""],
  ["data\u034fengineer", "dataengineer"],
  ["Ａ\u3000Ｂ", "a b"],
  ["", ""],
  ["   ", ""],
];

Deno.test("labels: TypeScript and SQL give each case its normal form", dbTest, async () => {
  await withRollback(async (tx) => {
    const [{ unicodeLower }] = await tx`select lower('ÜП') = 'üп' as "unicodeLower"`;
    const wrong: string[] = [];
    for (const [input, normal] of CASES) {
      const ts = normalLabel(input);
      if (ts !== normal) wrong.push(`${JSON.stringify(input)}: TS ${JSON.stringify(ts)}`);
      // a database whose lower() knows only ASCII (the C locale) cannot agree on capitals
      const nonAscii = [...input].some((char) => char.codePointAt(0)! > 0x7f);
      if (!unicodeLower && nonAscii && input !== input.toLowerCase()) continue;
      const [{ sql }] = await tx`select private.normalize_label(${input}) as sql`;
      // the database's NULL is the blank label
      if ((sql ?? "") !== normal) {
        wrong.push(`${JSON.stringify(input)}: SQL ${JSON.stringify(sql)}`);
      }
    }
    assert.deepEqual(wrong, [], `expected the normal forms of the table`);
  });
});

Deno.test(
  "titles: every search keyword is a label the database keeps as it is",
  dbTest,
  async () => {
    await withRollback(async (tx) => {
      const changed: string[] = [];
      for (const { title, keyword } of TITLE_CASES) {
        assert.equal(normalizeSearchTitle(title).keyword, keyword, JSON.stringify(title));
        const [{ sql }] = await tx`select private.normalize_label(${keyword}) as sql`;
        if (sql !== keyword) changed.push(`${JSON.stringify(title)}: ${keyword} → ${sql}`);
      }
      assert.deepEqual(changed, []);
    });
  },
);

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
