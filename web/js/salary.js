// One format for a job's salary, the page's and the morning email's (shared/digest/render.ts
// imports this file): "€82K–99K a year", the currency once per range on the side the locale
// puts it. Plain JavaScript with no browser API, so that Deno and the browser both run it.
import { labelOf, SALARY_PERIODS } from "./vocabulary.js";

/** "a year", "an hour": the period of a salary, from the vocabulary. */
function perPeriod(period) {
  if (!period) return "";
  const label = labelOf(SALARY_PERIODS, period);
  return ` ${/^(hour|[aeiou])/i.test(label) ? "an" : "a"} ${label}`;
}

/**
 * Parts of one amount: compact from 10,000 up ("€82.5K"), cents only when a range has them
 * ("$25.50–35.00"); the job's currency when it names one.
 */
function amountParts(value, currency, compact, cents, locale) {
  const options = {
    notation: compact ? "compact" : "standard",
    minimumFractionDigits: cents ? 2 : 0,
    maximumFractionDigits: compact ? 1 : cents ? 2 : 0,
  };
  try {
    if (currency) {
      return new Intl.NumberFormat(locale, { ...options, style: "currency", currency })
        .formatToParts(value);
    }
  } catch {
    // not an ISO 4217 code: the numbers, with the code as it came, below
  }
  const parts = new Intl.NumberFormat(locale, options).formatToParts(value);
  return currency
    ? [{ type: "currency", value: currency }, { type: "literal", value: " " }, ...parts]
    : parts;
}

/** The parts without the currency and the space that joins it to the number. */
function withoutCurrency(parts) {
  const at = parts.findIndex((part) => part.type === "currency");
  if (at < 0) return parts;
  const rest = parts.filter((_, i) => i !== at);
  const joint = at < rest.length && rest[at]?.type === "literal" && !rest[at].value.trim()
    ? at
    : rest[at - 1]?.type === "literal" && !rest[at - 1].value.trim()
    ? at - 1
    : -1;
  return rest.filter((_, i) => i !== joint);
}

const text = (parts) => parts.map((part) => part.value).join("").trim();

/**
 * One format for every salary: the currency once per range, on the side the locale puts it
 * ("€82K–99K a year", "PLN 138K–177K a year", "82–99 Tsd. €"); no symbol when the job names no
 * currency; "from"/"up to" when only one end is known. `locale`: the browser's by default; the
 * email, written in English, passes "en-US".
 *
 * @param {{salary_min?: unknown, salary_max?: unknown, salary_currency?: unknown,
 *   salary_period?: unknown}} job
 * @param {string | undefined} [locale]
 * @returns {string | null}
 */
export function salary(job, locale) {
  const min = job.salary_min === null || job.salary_min === undefined
    ? null
    : Number(job.salary_min);
  const max = job.salary_max === null || job.salary_max === undefined
    ? null
    : Number(job.salary_max);
  if ((min === null || !Number.isFinite(min)) && (max === null || !Number.isFinite(max))) {
    return null;
  }
  const currency = job.salary_currency ? String(job.salary_currency).trim().toUpperCase() : null;
  const compact = Math.max(min ?? 0, max ?? 0) >= 10_000;
  const cents = !compact && [min, max].some((v) => v !== null && !Number.isInteger(v));
  const per = perPeriod(job.salary_period);
  if (min === null || max === null || min === max) {
    const one = text(amountParts(min ?? max, currency, compact, cents, locale));
    const prefix = min === max ? "" : min === null ? "up to " : "from ";
    return `${prefix}${one}${per}`;
  }
  const low = amountParts(min, currency, compact, cents, locale);
  const high = amountParts(max, currency, compact, cents, locale);
  const currencyFirst = low.findIndex((p) => p.type === "currency") <
    low.findIndex((p) => p.type === "integer");
  const range = currencyFirst
    ? `${text(low)}–${text(withoutCurrency(high))}`
    : `${text(withoutCurrency(low))}–${text(high)}`;
  return `${range}${per}`;
}
