/**
 * What Claude returns for a CV: a zod schema, used both as the structured-output format sent to
 * the API (through the SDK's zod helper) and to validate the answer. Vocabularies are the ones
 * Active Jobs DB filters accept, so the profile maps onto search combinations without guessing.
 *
 * @module
 */
import { z } from "zod";
import {
  EMPLOYMENT_TYPES,
  INDUSTRIES,
  SENIORITY_LEVELS,
  WORK_ARRANGEMENTS,
} from "../vocabulary.ts";

/** The candidate profile Claude extracts from a CV. */
export const cvProfileSchema = z.object({
  is_cv: z.boolean().describe("false when the document is not a CV or résumé"),
  not_cv_reason: z.string().nullable().describe(
    "when is_cv is false: what the document is instead, in one sentence",
  ),
  summary: z.string().describe("two sentences on the candidate's profile"),
  // no bounds in the schema: the API only describes them, and one odd number must not fail a CV
  years_experience: z.number().nullable().describe("total years of professional experience"),
  job_titles: z.array(z.object({
    title: z.string().describe("a job title as employers post it, without gender tags"),
    seniority: z.enum(SENIORITY_LEVELS).describe("years of experience the role asks for"),
    fit: z.enum(["primary", "plausible"]),
  })).describe("the roles the candidate fits, best first, at most 5"),
  locations: z.array(z.object({
    place: z.string().describe("a city, a country, or Remote"),
    preference: z.enum(["preferred", "plausible"]),
  })).describe("where the candidate wants to or could work, preferred first, at most 4"),
  work_arrangements: z.array(z.enum(WORK_ARRANGEMENTS)).describe("acceptable arrangements"),
  employment_types: z.array(z.enum(EMPLOYMENT_TYPES)).describe("acceptable employment types"),
  industries: z.array(z.enum(INDUSTRIES)).describe("the candidate's industries, at most 3"),
  skills: z.array(z.string()).describe("key skills, at most 15"),
  languages: z.array(z.string()).describe("spoken languages"),
});

/** A validated candidate profile. */
export type CvProfile = z.infer<typeof cvProfileSchema>;
