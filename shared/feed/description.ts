/**
 * One job's description, read as the user (RLS on `public.jobs`: only the jobs their active
 * searches found), as plain text cut at {@link MAX_DESCRIPTION_CHARS}, with the link to the
 * original posting. `public.job_feed` leaves the description out (it keeps its signature); the
 * page asks for it here when a card's "Description" is opened.
 *
 * @module
 */
import { asUser, type UserClaims } from "../auth/as_user.ts";
import type { Queryable } from "../db/postgres.ts";

/** The longest description answered; a longer one is cut and ends with "…". */
export const MAX_DESCRIPTION_CHARS = 20_000;

/** What `GET /feed/jobs/<id>/description` answers. */
export interface JobDescription {
  description: string | null;
  url: string | null;
}

const ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: " ",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name: string) => {
    const code = name[0] !== "#"
      ? null
      : name[1] === "x" || name[1] === "X"
      ? parseInt(name.slice(2), 16)
      : parseInt(name.slice(1), 10);
    if (code === null) return ENTITIES[name.toLowerCase()] ?? whole;
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/**
 * The description as plain text: markup a provider left in becomes line breaks (block ends) or
 * nothing (other tags), entities are decoded, control characters other than line breaks and tabs
 * go, runs of blank lines shrink to one, and text past `max` characters is cut (never inside a
 * surrogate pair). Null when nothing is left.
 */
export function plainDescription(
  raw: string | null,
  max = MAX_DESCRIPTION_CHARS,
): string | null {
  if (raw === null) return null;
  let text = raw.replace(/\r\n?/g, "\n");
  if (/<\/?[a-z][^>]*>/i.test(text)) {
    text = text
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, "")
      .replace(/<br\s*\/?>/gi, "\n")
      .replace(/<\/(p|div|li|ul|ol|h[1-6]|tr|section)\s*>/gi, "\n\n")
      .replace(/<li\b[^>]*>/gi, "• ")
      .replace(/<[^>]*>/g, "");
    text = decodeEntities(text);
  }
  text = text
    // deno-lint-ignore no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, "")
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (!text) return null;
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max).join("").trimEnd()}…`;
}

/** An http(s) address, or null: a `javascript:` link never reaches the page. */
function webUrl(value: string | null): string | null {
  if (!value) return null;
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:" ? url.href : null;
  } catch {
    return null;
  }
}

/** The job's description and link as `user` may read it; null when RLS hides the job. */
export async function readDescriptionAs(
  sql: Queryable,
  user: UserClaims,
  jobId: number,
): Promise<JobDescription | null> {
  return await asUser(sql, user, async (tx) => {
    const [job] = await tx<{ description: string | null; url: string | null }[]>`
      select description, coalesce(apply_url, canonical_url) as url
      from public.jobs where id = ${jobId}`;
    if (!job) return null;
    return { description: plainDescription(job.description), url: webUrl(job.url) };
  });
}
