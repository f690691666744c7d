/**
 * One benchmark result and the two ways `deno task bench` prints results: a readable table, or
 * (with --json) one JSON object per line.
 *
 * @module
 */
import type { Sql } from "../shared/db/postgres.ts";

/** The database a benchmark runs on. */
export interface BenchTarget {
  sql: Sql;
  url: string;
  /** The embedded PGlite: one connection, no CREATE DATABASE. */
  embedded: boolean;
}

/** A measurement next to its baseline, measured side by side in the same run. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  baseline: number;
  /** value / baseline */
  ratio: number;
}

/** The nearest-rank percentile of `values` (0 < p <= 1). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))];
}

/** Builds a result, computing the ratio. */
export function result(name: string, value: number, unit: string, baseline: number): BenchResult {
  return { name, value, unit, baseline, ratio: baseline === 0 ? 0 : value / baseline };
}

/** One JSON object per line. */
export function formatJsonLines(results: BenchResult[]): string {
  return results.map((r) => JSON.stringify(r)).join("\n");
}

/** A fixed-width table. */
export function formatTable(results: BenchResult[]): string {
  const rows = [
    ["benchmark", "value", "unit", "baseline", "ratio"],
    ...results.map((r) => [r.name, fmt(r.value), r.unit, fmt(r.baseline), r.ratio.toFixed(2)]),
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const line = (row: string[]) =>
    row.map((cell, i) => (i === 0 || i === 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join("  ");
  return [line(rows[0]), widths.map((w) => "-".repeat(w)).join("  "), ...rows.slice(1).map(line)]
    .join("\n");
}

function fmt(value: number): string {
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(2);
}
