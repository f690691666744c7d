/**
 * Pay ranges for fake postings: plausible by role family, seniority, employment type and
 * country, in the country's currency.
 *
 * @module
 */
import type { Random } from "./random.ts";

/** A pay range as a posting states it. */
export interface Salary {
  min: number;
  max: number;
  /** ISO 4217 code, e.g. `EUR`, `CHF`, `GBP`. */
  currency: string;
  period: "YEAR" | "MONTH" | "HOUR";
}

/** Inputs of {@link buildSalary}. */
export interface SalaryOptions {
  family: string;
  seniority: "0-2" | "2-5" | "5-10" | "10+";
  employmentType: "FULL_TIME" | "PART_TIME" | "CONTRACTOR" | "INTERN" | "TEMPORARY";
  country: string;
  currency: string;
  random: Random;
}

const ANNUAL_EUR: Record<SalaryOptions["seniority"], number> = {
  "0-2": 48000,
  "2-5": 62000,
  "5-10": 78000,
  "10+": 98000,
};

const FAMILY_FACTOR: Record<string, number> = {
  data: 1.05,
  platform: 1.05,
  frontend: 0.97,
  software: 1,
  product: 1.08,
  design: 0.9,
  marketing: 0.85,
  sales: 0.9,
  people: 0.8,
  finance: 0.9,
  health: 0.72,
  support: 0.6,
  general: 0.8,
};

/** Wage level relative to Germany. */
const COUNTRY_LEVEL: Record<string, number> = {
  DE: 1,
  NL: 1,
  AT: 0.95,
  CH: 1.5,
  FR: 0.9,
  ES: 0.7,
  PT: 0.55,
  IE: 1.05,
  GB: 1,
  PL: 0.5,
  CZ: 0.5,
  SE: 0.9,
  DK: 1.1,
  BE: 0.95,
  IT: 0.7,
  US: 1.55,
};

/** Units of the currency per euro. */
const PER_EURO: Record<string, number> = {
  EUR: 1,
  CHF: 0.95,
  GBP: 0.85,
  PLN: 4.3,
  CZK: 25,
  SEK: 11.5,
  DKK: 7.45,
  USD: 1.08,
};

function round(value: number, step: number): number {
  return Math.max(step, Math.round(value / step) * step);
}

/** A pay range for a posting. */
export function buildSalary(options: SalaryOptions): Salary {
  const { random } = options;
  const factor = (FAMILY_FACTOR[options.family] ?? 0.8) * (COUNTRY_LEVEL[options.country] ?? 1) *
    (PER_EURO[options.currency] ?? 1);
  const spread = 1.15 + random.next() * 0.2;
  const jitter = 0.92 + random.next() * 0.16;
  const currency = options.currency;
  if (options.employmentType === "INTERN") {
    const min = round(1600 * factor * jitter, 50);
    return { min, max: round(min * 1.1, 50), currency, period: "MONTH" };
  }
  if (options.employmentType === "PART_TIME") {
    const min = round(16 * factor * jitter, 1);
    return { min, max: round(min * spread, 1), currency, period: "HOUR" };
  }
  const annual = ANNUAL_EUR[options.seniority] * factor * jitter;
  if (options.employmentType === "CONTRACTOR" && random.chance(0.6)) {
    const min = round((annual / 1600) * 1.6, 5);
    return { min, max: round(min * spread, 5), currency, period: "HOUR" };
  }
  if (random.chance(0.1)) {
    const min = round(annual / 12, 50);
    return { min, max: round(min * spread, 50), currency, period: "MONTH" };
  }
  const min = round(annual, 1000);
  return { min, max: round(min * spread, 1000), currency, period: "YEAR" };
}

/** A sentence about pay in the ad's language, e.g. `Salary: 62,000–75,000 EUR per year.` */
export function salarySentence(salary: Salary, language: "de" | "en"): string {
  const de = language === "de";
  const format = (n: number) => de ? n.toLocaleString("de-DE") : n.toLocaleString("en-US");
  const periods = de
    ? { YEAR: "im Jahr", MONTH: "im Monat", HOUR: "pro Stunde" }
    : { YEAR: "per year", MONTH: "per month", HOUR: "per hour" };
  const range = `${format(salary.min)}–${format(salary.max)} ${salary.currency} ${
    periods[salary.period]
  }`;
  return de
    ? `Gehaltsspanne: ${range}, abhängig von deiner Erfahrung.`
    : `Salary range: ${range}, depending on experience.`;
}
