/**
 * WCAG 2.2 AA checked by axe-core (deno.json's pinned `axe-core`) on a page in the browser: the
 * rules tagged wcag2a, wcag2aa, wcag21a, wcag21aa and wcag22aa; a serious or critical violation
 * fails with its rule, impact, target selectors and help text.
 */
import { createRequire } from "node:module";
import type { Page } from "playwright-core";

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

let source: string | undefined;

/** axe.min.js from the npm package deno.json pins. */
async function axeSource(): Promise<string> {
  source ??= await Deno.readTextFile(
    createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  );
  return source;
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** The serious and critical WCAG 2.2 AA violations on the page, in words (none: []). */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!await page.evaluate("typeof globalThis.axe === 'object'")) {
    await page.addScriptTag({ content: await axeSource() });
  }
  const violations = await page.evaluate(async (tags) => {
    // in the page: its axe and its document
    // deno-lint-ignore no-explicit-any
    const { axe, document } = globalThis as any;
    const results = await axe.run(document, { runOnly: { type: "tag", values: tags } });
    return results.violations as AxeViolation[];
  }, AXE_TAGS);
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) =>
      `${v.id} (${v.impact}): ${v.help} — ${
        v.nodes.map((n) => n.target.map(String).join(" ")).join(", ")
      } (${v.helpUrl})`
    );
}

/** Fails when the page has a serious or critical WCAG 2.2 AA violation; `where` names the step. */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  const found = await axeViolations(page);
  if (found.length > 0) {
    throw new Error(`axe-core: WCAG 2.2 AA violations ${where}:\n  ${found.join("\n  ")}`);
  }
}
