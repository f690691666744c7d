/**
 * What the fake model answers: the default "CV reader" responder (schema-shaped facts for
 * structured output and forced tools, a short summary otherwise) and the deliberately wrong
 * output of the `invalid_output` fault.
 *
 * @module
 */
import type { JsonSchema } from "./anthropic_schema.ts";
import { shapeFromSchema } from "./anthropic_schema_shape.ts";
import { validateJsonSchema } from "./anthropic_schema_validate.ts";
import type { FakeMessageCall, FakeMessageRequest } from "./anthropic_types.ts";
import { cvFactScope, cvShapeOptions } from "./cv_fact_scope.ts";
import type { CvFacts } from "./cv_facts.ts";

/** A few sentences about the CV, as a model would summarise it without a schema. */
export function cvSummaryText(facts: CvFacts): string {
  if (!facts.isCv) return facts.reason ?? "The document does not look like a CV.";
  const who = facts.name ?? "The candidate";
  const title = facts.titles[0]?.title ?? "professional";
  const home = facts.locations[0]?.city;
  const parts = [
    `${who} is a ${title}${home ? ` based in ${home}` : ""} with ${facts.yearsExperience} years ` +
    `of experience (${facts.seniority}, band ${facts.experienceLevel}).`,
  ];
  if (facts.titles.length > 1) {
    parts.push(`Fitting titles: ${facts.titles.map((t) => t.title).join(", ")}.`);
  }
  const cities = facts.locations.filter((l) => l.preferred).map((l) => l.city);
  if (cities.length > 0) parts.push(`Preferred locations: ${cities.join(", ")}.`);
  parts.push(`Work arrangement: ${facts.workArrangements.join(", ")}.`);
  if (facts.skills.length > 0) parts.push(`Key skills: ${facts.skills.slice(0, 6).join(", ")}.`);
  return parts.join(" ");
}

/**
 * The default responder: for a schema (structured output or forced tool), the CV facts shaped to
 * it; otherwise {@link cvSummaryText}.
 */
export function defaultCvResponder(_request: FakeMessageRequest, call: FakeMessageCall): unknown {
  if (call.schema === null) return cvSummaryText(call.facts);
  return shapeFromSchema(call.schema, cvFactScope(call.facts), cvShapeOptions(call.facts));
}

function breakRequired(schema: JsonSchema, valid: unknown): unknown {
  if (valid === null || typeof valid !== "object" || Array.isArray(valid)) return undefined;
  const record = valid as Record<string, unknown>;
  const node = typeof schema === "object" ? schema : {};
  const required = Array.isArray(node.required) ? node.required as string[] : Object.keys(record);
  const name = required[0];
  if (name === undefined) return undefined;
  const current = record[name];
  const wrong = typeof current === "string" ? 42 : typeof current === "number" ? "42" : "invalid";
  return { ...record, [name]: wrong };
}

/**
 * A value that does NOT match `schema`: the valid answer with its first required property set to
 * a wrong type (what a model's schema slip looks like), else a value of the wrong type.
 */
export function invalidOutputFor(schema: JsonSchema, valid: unknown): unknown {
  const candidates = [breakRequired(schema, valid), [], "invalid", 42, null, { invalid: true }];
  return candidates.find((c) => c !== undefined && validateJsonSchema(schema, c).length > 0) ??
    "invalid";
}
