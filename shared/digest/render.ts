/**
 * The digest email: a subject, a plain-text part and a simple HTML part (inline styles, no
 * tables, every job field escaped, links only when they are http(s)), with the feed link and the
 * one-click unsubscribe link.
 *
 * @module
 */
import type { DigestJob } from "./select.ts";
import { salary } from "../../web/js/salary.js";

/** What an email is made of. */
export interface DigestContent {
  subject: string;
  text: string;
  html: string;
}

/** Text safe inside HTML elements and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The URL when it is an absolute http(s) URL, else null. */
export function httpUrlOrNull(value: string | null | undefined): string | null {
  if (!value || !URL.canParse(value)) return null;
  const url = new URL(value);
  return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
}

/** "Data Engineer at Zalando". */
function headline(job: DigestJob): string {
  return job.company ? `${job.title} at ${job.company}` : job.title;
}

/** "Berlin, DE · Hybrid · €60K–75K a year", the parts that are known (the page's salary format). */
function details(job: DigestJob): string {
  const place = [job.city, job.country].filter(Boolean).join(", ");
  const pay = salary({
    salary_min: job.salary.min,
    salary_max: job.salary.max,
    salary_currency: job.salary.currency,
    salary_period: job.salary.period,
  }, "en-US");
  return [place, job.workArrangement ?? "", pay ?? ""].filter(Boolean).join(" · ");
}

/** "Asks for: Kubernetes, Terraform": what the job asks for that the CV does not show, or "". */
function asksFor(job: DigestJob): string {
  return job.missingSkills.length ? `Asks for: ${job.missingSkills.join(", ")}` : "";
}

/** The subject: "5 new jobs for you — Data Engineer at Zalando and more". */
export function digestSubject(jobs: readonly DigestJob[]): string {
  const count = jobs.length === 1 ? "1 new job for you" : `${jobs.length} new jobs for you`;
  const first = headline(jobs[0]).replace(/[\r\n]+/g, " ").slice(0, 120);
  return `${count} — ${first}${jobs.length > 1 ? " and more" : ""}`;
}

/** The email for `jobs` (at least one), linking to the feed and to the unsubscribe page. */
export function renderDigest(
  jobs: readonly DigestJob[],
  links: { feedUrl: string; unsubscribeUrl: string },
): DigestContent {
  const text = [
    "Your best new jobs since your last digest:",
    "",
    ...jobs.flatMap((job, i) => [
      `${i + 1}. ${headline(job)}`,
      ...[details(job), job.reason, asksFor(job), httpUrlOrNull(job.applyUrl) ?? ""]
        .filter(Boolean)
        .map((line) => `   ${line}`),
      "",
    ]),
    `All your jobs: ${links.feedUrl}`,
    "",
    `You get this email because you turned on the morning digest. Unsubscribe: ${links.unsubscribeUrl}`,
  ].join("\n");
  const p = "margin:0 0 4px 0;";
  const items = jobs.map((job) => {
    const url = httpUrlOrNull(job.applyUrl);
    const title = escapeHtml(headline(job));
    return `<div style="margin:0 0 20px 0;">` +
      `<p style="${p}font-size:16px;font-weight:bold;">` +
      (url ? `<a href="${escapeHtml(url)}" style="color:#1a56db;">${title}</a>` : title) +
      `</p><p style="${p}color:#444;">${escapeHtml(details(job))}</p>` +
      `<p style="${p}color:#666;font-size:14px;">${escapeHtml(job.reason)}</p>` +
      (job.missingSkills.length
        ? `<p style="${p}color:#666;font-size:14px;">${escapeHtml(asksFor(job))}</p>`
        : "") +
      `</div>`;
  }).join("\n");
  const html = `<!doctype html><html><body style="font-family:Arial,Helvetica,sans-serif;` +
    `line-height:1.4;color:#111;max-width:600px;margin:0 auto;padding:16px;">\n` +
    `<p style="font-size:18px;">Your best new jobs since your last digest</p>\n${items}\n` +
    `<p><a href="${escapeHtml(links.feedUrl)}" style="color:#1a56db;">See all your jobs</a></p>\n` +
    `<p style="font-size:12px;color:#777;">You get this email because you turned on the ` +
    `morning digest. <a href="${escapeHtml(links.unsubscribeUrl)}" style="color:#777;">` +
    `Unsubscribe</a></p>\n</body></html>`;
  return { subject: digestSubject(jobs), text, html };
}
