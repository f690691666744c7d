/**
 * The web page's copy of the vocabularies: `web/js/vocabulary.js`, written from
 * shared/vocabulary.ts, so that the page's filter options and labels are the product's lists.
 * The page is plain files served as they are, so the copy is a file in web/;
 * tests/web_vocabulary_test.ts fails when it differs from what this module writes.
 *
 *   deno task vocabulary
 *
 * @module
 */
import {
  EMPLOYMENT_TYPE_LABELS,
  EMPLOYMENT_TYPES,
  INDUSTRIES,
  INDUSTRY_LABELS,
  PROVIDER_NAMES,
  PROVIDERS,
  SALARY_PERIOD_LABELS,
  SALARY_PERIODS,
  SENIORITY_LABELS,
  SENIORITY_LEVELS,
  WORK_ARRANGEMENT_LABELS,
  WORK_ARRANGEMENTS,
} from "../../shared/vocabulary.ts";

/** Where the page's copy lives. */
export const WEB_VOCABULARY_FILE = new URL("../../web/js/vocabulary.js", import.meta.url);

/** One exported list of the generated module. */
interface WebList {
  name: string;
  what: string;
  values: readonly string[];
  labels: Readonly<Record<string, string>>;
}

const LISTS: readonly WebList[] = [
  {
    name: "WORK_ARRANGEMENTS",
    what: "Work arrangements (public.work_arrangement)",
    values: WORK_ARRANGEMENTS,
    labels: WORK_ARRANGEMENT_LABELS,
  },
  {
    name: "EMPLOYMENT_TYPES",
    what: "Employment types (public.employment_type)",
    values: EMPLOYMENT_TYPES,
    labels: EMPLOYMENT_TYPE_LABELS,
  },
  {
    name: "SENIORITY_LEVELS",
    what: "Seniority levels, in years of experience (public.seniority_level)",
    values: SENIORITY_LEVELS,
    labels: SENIORITY_LABELS,
  },
  {
    name: "INDUSTRIES",
    what: "Industries (public.industry)",
    values: INDUSTRIES,
    labels: INDUSTRY_LABELS,
  },
  {
    name: "SALARY_PERIODS",
    what: "Salary periods (jobs.salary_period)",
    values: SALARY_PERIODS,
    labels: SALARY_PERIOD_LABELS,
  },
  {
    name: "PROVIDERS",
    what: "Job providers (job_sources.provider)",
    values: PROVIDERS,
    labels: PROVIDER_NAMES,
  },
];

function list({ name, what, values, labels }: WebList): string {
  const pairs = values.map((value) =>
    `  [${JSON.stringify(value)}, ${JSON.stringify(labels[value])}],`
  );
  return `/** ${what}. */\nexport const ${name} = [\n${pairs.join("\n")}\n];\n`;
}

/** The text of `web/js/vocabulary.js`. */
export function webVocabularyModule(): string {
  const header =
    "// The product's vocabularies for the page, written by local/web/vocabulary.ts from\n" +
    "// shared/vocabulary.ts: do not edit; run `deno task vocabulary`\n" +
    "// after changing shared/vocabulary.ts (tests/web_vocabulary_test.ts fails until then). Each\n" +
    "// list holds [value, label] pairs in the order of the SQL domain.\n";
  const lookup =
    "/** The label of `value` in one of the lists above; the value itself when it has none. */\n" +
    "export function labelOf(list, value) {\n" +
    "  return list.find(([known]) => known === value)?.[1] ?? value;\n" +
    "}\n";
  return [header, ...LISTS.map(list), lookup].join("\n");
}

if (import.meta.main) {
  await Deno.writeTextFile(WEB_VOCABULARY_FILE, webVocabularyModule());
  console.log(`Wrote ${WEB_VOCABULARY_FILE.pathname} from shared/vocabulary.ts.`);
}
