import assert from "node:assert/strict";
import type { CvProfile } from "../shared/cv/profile.ts";
import {
  normalizeSearchLocation,
  normalizeSearchTitle,
  searchCombinations,
} from "../shared/cv/search_queries.ts";
import { TITLE_CASES } from "./fixtures/title_cases.ts";
import { dbTest, withRollback } from "./support/database.ts";

function profile(overrides: Partial<CvProfile> = {}): CvProfile {
  return {
    is_cv: true,
    not_cv_reason: null,
    summary: "Data engineer with six years in e-commerce.",
    years_experience: 6,
    job_titles: [
      { title: "Senior Data Engineer (m/w/d)", seniority: "5-10", fit: "primary" },
      { title: "Analytics Engineer", seniority: "5-10", fit: "plausible" },
    ],
    locations: [
      { place: "Berlin, Germany", preference: "preferred" },
      { place: "Remote", preference: "plausible" },
    ],
    work_arrangements: ["Hybrid", "Remote OK"],
    employment_types: ["FULL_TIME"],
    industries: ["Data & Analytics"],
    skills: ["SQL", "Python"],
    languages: ["German", "English"],
    ...overrides,
  };
}

Deno.test("titles: case, spaces, gender tags, abbreviations; the seniority they state", () => {
  for (const { title, keyword, seniority } of TITLE_CASES) {
    assert.deepEqual(normalizeSearchTitle(title), { keyword, seniority }, JSON.stringify(title));
  }
});

Deno.test("locations: one name per place, in any language, with or without a country", () => {
  const cases: [string, string][] = [
    ["Berlin, Germany", "berlin"],
    ["Berlin", "berlin"],
    ["berlin (DE)", "berlin"],
    ["München", "munich"],
    ["Munich, Bavaria", "munich"],
    ["Deutschland", "germany"],
    ["Remote", "remote"],
    ["Home Office", "remote"],
    ["Bielefeld, NRW", "bielefeld"],
    ["Greater Berlin Area", "berlin"],
    ["10115 Berlin", "berlin"],
    ["Berlin-Mitte", "berlin"],
    ["Home-Office", "remote"],
    ["Remote, Germany", "remote germany"],
    ["Germany (Remote)", "remote germany"],
    ["Frankfurt (Oder)", "frankfurt oder"],
    ["Frankfurt am Main", "frankfurt am main"],
  ];
  for (const [location, normalized] of cases) {
    assert.equal(normalizeSearchLocation(location), normalized, location);
  }
});

Deno.test("equivalent CVs give the same combinations", () => {
  const a = searchCombinations(profile());
  const b = searchCombinations(profile({
    job_titles: [
      { title: "Sr. Data Engineer", seniority: "5-10", fit: "primary" },
      { title: "analytics engineer", seniority: "5-10", fit: "plausible" },
    ],
    locations: [
      { place: "Berlin", preference: "preferred" },
      { place: "remote", preference: "plausible" },
    ],
  }));
  assert.deepEqual(a, b);
  assert.deepEqual(a[0], {
    title_keyword: "data engineer",
    location: "berlin",
    ai_work_arrangement: null,
    ai_employment_type: null,
    ai_seniority: null,
    ai_industry: null,
  });
  assert.equal(a.length, 4, "2 titles x 2 locations");
  // a mid-level data engineer in Berlin searches the same postings as a senior one
  const mid = searchCombinations(profile({
    job_titles: [{ title: "Data Engineer", seniority: "2-5", fit: "primary" }],
    locations: [{ place: "berlin", preference: "preferred" }],
  }));
  assert.deepEqual(mid, [a[0]]);
});

Deno.test("filters stay coarse; limits and duplicates are handled", () => {
  const intern = searchCombinations(profile({
    job_titles: [
      { title: "Data Intern", seniority: "0-2", fit: "primary" },
      { title: "Data Intern (w/m/d)", seniority: "0-2", fit: "plausible" },
    ],
    locations: [{ place: "Hamburg", preference: "preferred" }],
    employment_types: ["INTERN"],
    work_arrangements: ["Hybrid"],
  }));
  assert.deepEqual(intern, [{
    title_keyword: "data intern",
    location: "hamburg",
    ai_work_arrangement: "Hybrid",
    ai_employment_type: "INTERN",
    ai_seniority: null,
    ai_industry: null,
  }]);
  const many = searchCombinations(profile({
    job_titles: ["A", "B", "C", "D"].map((t) => ({
      title: `${t} Engineer`,
      seniority: "2-5" as const,
      fit: "plausible" as const,
    })),
    locations: ["Berlin", "Hamburg", "Munich", "Cologne"].map((place) => ({
      place,
      preference: "preferred" as const,
    })),
  }));
  assert.equal(many.length, 9, "at most 3 titles x 3 locations");
});

Deno.test("normalised combinations satisfy the table's checks", dbTest, async () => {
  await withRollback(async (tx) => {
    for (const c of searchCombinations(profile())) {
      const [{ ok }] = await tx<{ ok: boolean }[]>`
        select private.is_normalized_label(${c.title_keyword})
           and private.is_normalized_label(${c.location}) as ok`;
      assert.ok(ok, JSON.stringify(c));
    }
  });
});
