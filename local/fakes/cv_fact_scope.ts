/**
 * CV facts as the schema shaper consumes them: a scope of named facts, the fact names a schema
 * property's name may mean (`job_titles` → titles, `ai_work_arrangement` → work arrangements,
 * `yearsOfExperience` → years …), and the spellings enums may use (`senior` ↔ `Sr`).
 *
 * @module
 */
import type { FactScope, ShapeOptions } from "./anthropic_schema_shape.ts";
import type { CvFacts } from "./cv_facts.ts";
import { type Seniority, SENIORITY_SYNONYMS } from "./cv_vocabulary.ts";

/** Property-name rules, first match wins: a pattern on the snake_case name and its fact names. */
const RULES: readonly (readonly [RegExp, readonly string[]])[] = [
  [
    new RegExp(
      "^(is_)?(a_)?(cv|resume|lebenslauf)$|^is_(a_)?(valid_)?(cv|resume)|" +
        "(looks_like|appears_to_be|document_is)_(a_)?(cv|resume)|^valid_cv$",
    ),
    [
      "is_cv",
    ],
  ],
  [/not_(a_)?(cv|resume)|non_cv|reject|refus|reason|error|problem|issue|warning/, ["reason"]],
  [/^(full_|candidate_|person_|applicant_)?name$/, ["name"]],
  [/e_?mail/, ["email"]],
  [/^(home_|current_|base_)?city$/, ["city", "location"]],
  [/^(home_|current_|base_)?country_code$|^iso/, ["country_code"]],
  [/^(home_|current_|base_)?country$/, ["country"]],
  [/experience_level|ai_experience|experience_band|experience_range|years_band/, [
    "experience_level",
  ]],
  [/years|^experience_years$|^yoe$/, ["years_experience"]],
  [/seniority|career_level|^level$|job_level|grade/, ["seniority", "level"]],
  [
    new RegExp(
      "headline|current_(title|role|position|job)|^(job_)?title$|^role$|^position$|" +
        "primary_title|base_title",
    ),
    [
      "title",
    ],
  ],
  [/titles|roles|positions|occupations|target_jobs|job_targets/, ["titles"]],
  [/preferred.*location|location.*prefer|preferred_cit|wanted|desired.*location/, [
    "preferred_locations",
    "locations",
  ]],
  [/plausible|possible|other_location|alternative|additional_location|nearby/, [
    "plausible_locations",
  ]],
  [/locations|cities|places|regions/, ["locations"]],
  [/^(current_|home_|base_)?(location|place|residence)$|based_in|wohnort|^where$/, ["location"]],
  [/work_arrangement|workplace|arrangement|work_mode|work_model|remote_preference|work_setting/, [
    "work_arrangements",
  ]],
  [/experience|work_history|employment_history|^jobs$|career|positions_held/, ["experience"]],
  [/employment|job_type|contract_type|engagement|contract/, ["employment_types"]],
  [/industr|taxonom|sector|field|domain|categor/, ["industries"]],
  [/skill|technolog|tools|tech_stack|competenc|expertise|keywords/, ["skills"]],
  [/language/, ["languages", "language"]],
  [/proficiency|fluency/, ["level"]],
  [/education|degree|qualification|studies/, ["education"]],
  [/^(from|start|start_date|since|begin)$/, ["from"]],
  [/^(to|end|end_date|until)$/, ["to"]],
  [/compan|employer|organi[sz]ation/, ["company", "companies"]],
  [/summary|profile|about|description|overview|^bio$/, ["summary"]],
  [/remote/, ["open_to_remote"]],
  [/confidence|certainty|probability|score/, ["confidence"]],
  [/quer|search/, ["queries"]],
];

/** `jobTitles`, `Job-Titles` and `job_titles` → `job_titles`. */
export function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .toLowerCase();
}

/** The fact names a schema property called `property` may mean, most specific first. */
export function cvFactNames(property: string): readonly string[] {
  const key = snakeCase(property);
  const rule = RULES.find(([pattern]) => pattern.test(key));
  return rule ? [key, ...rule[1]] : [key];
}

/** Other spellings of a seniority or vocabulary value, for matching a schema's `enum`. */
export function cvSynonyms(value: string): readonly string[] {
  const key = value.toLowerCase() as Seniority;
  const seniority = SENIORITY_SYNONYMS[key];
  if (seniority) return seniority;
  if (value === "Remote OK" || value === "Remote Solely") return ["remote", "Remote"];
  if (value === "On-site") return ["onsite", "office", "in office"];
  if (value === "FULL_TIME") return ["full-time", "fulltime", "permanent"];
  if (value === "PART_TIME") return ["part-time"];
  if (value === "CONTRACTOR") return ["contract", "freelance"];
  return [];
}

/** The scope of CV facts the shaper fills properties from. */
export function cvFactScope(facts: CvFacts): FactScope {
  const titles = facts.titles.map((t): FactScope => ({
    _text: t.title,
    title: t.title,
    base_title: t.baseTitle,
    seniority: t.seniority,
  }));
  const locations = facts.locations.map((l): FactScope => ({
    _text: l.display,
    location: l.display,
    city: l.city,
    country: l.country,
    country_code: l.countryCode,
    preferred: l.preferred,
  }));
  const preferred = locations.filter((l) => l.preferred === true);
  const plausible = locations.filter((l) => l.preferred !== true);
  const queries = titles.flatMap((title) =>
    preferred.map((location): FactScope => ({
      ...title,
      ...location,
      query: `${title.title} in ${location.city}`,
      _text: `${title.title} in ${location.city}`,
    }))
  );
  const home = locations[0];
  return {
    is_cv: facts.isCv,
    reason: facts.reason,
    name: facts.name,
    email: facts.email,
    headline: facts.headline,
    title: titles[0] ?? null,
    titles,
    seniority: facts.seniority,
    years_experience: facts.yearsExperience,
    experience_level: facts.experienceLevel,
    location: home ?? null,
    city: home?.city ?? null,
    country: home?.country ?? null,
    country_code: home?.country_code ?? null,
    locations,
    preferred_locations: preferred,
    plausible_locations: plausible,
    work_arrangements: facts.workArrangements,
    employment_types: facts.employmentTypes,
    industries: facts.industries,
    skills: facts.skills.map((s): FactScope => ({ _text: s, name: s, skill: s })),
    languages: facts.languages.map((l): FactScope => ({
      _text: l.language,
      language: l.language,
      name: l.language,
      level: l.level,
    })),
    education: facts.education.map((e): FactScope => ({ _text: e, degree: e, name: e })),
    experience: facts.experience.map((e): FactScope => ({
      _text: e.title,
      title: e.title,
      company: e.company,
      city: e.city,
      location: e.city,
      from: e.from,
      to: e.to,
    })),
    companies: facts.experience.map((e) => e.company).filter((c) => c !== null),
    summary: facts.summary || null,
    open_to_remote: facts.isCv ? facts.openToRemote : null,
    confidence: facts.isCv ? 0.9 : 0.1,
    queries,
  };
}

/** Shaper options for CV facts: property-name rules, enum vocabulary and synonyms. */
export function cvShapeOptions(facts: CvFacts): ShapeOptions {
  return {
    factNames: cvFactNames,
    synonyms: cvSynonyms,
    vocabulary: facts.isCv
      ? [
        facts.experienceLevel,
        facts.seniority,
        ...facts.workArrangements,
        ...facts.employmentTypes,
        ...facts.industries,
      ]
      : [],
  };
}
