/**
 * The docs point at what is in the repository, and no file points at what is not:
 *
 * - (a) every repo-relative path written in docs/**\/*.md or README.md exists: `shared/jobs/store.ts`,
 *   `local/platform/*.sql`, `functions/<name>/index.ts` (a `<placeholder>` or `*` is a glob),
 *   `migrations/…_feed.sql` or a bare `…_feed.sql` (a leading `…` or `...` means any
 *   timestamp), link targets relative to the document, and bare file names in backticks
 *   (`handler.ts`: somewhere in the tree);
 * - (b) no text file (markdown, .ts, .sql, .js, .html; tracked or new) names the original Python
 *   backfill system by its old nickname, a providers document or a reference folder that are not
 *   here, or a `../`-path into a shared/ directory other than this repository's own;
 * - (c) no markdown heading is named after an issue number;
 * - (d) code comments are held too: in every .ts, .sql and .js file (tracked or new), a migration
 *   named as `…_feed.sql` or `..._feed.sql` (any timestamp) or as `migrations/<timestamp>_feed.sql`
 *   is one of migrations/, and a `docs/….md` path exists, with the heading quoted after it
 *   (`docs/PERFORMANCE.md, "Feed latency"`) or its `#anchor`.
 *
 * Each failure lists every offending file:line, so one run shows everything to fix.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";

const root = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

/** Directories never read: version control, scratch space, dependencies, generated output. */
const SKIPPED_DIRS = new Set([".git", ".tmp", "node_modules", "test-artifacts", ".data"]);
const SKIPPED_PATHS = new Set(["supabase/.temp"]);

function exists(path: string): boolean {
  try {
    Deno.statSync(join(root, path));
    return true;
  } catch {
    return false;
  }
}

function walk(dir = ""): string[] {
  const files: string[] = [];
  for (const entry of Deno.readDirSync(join(root, dir))) {
    const path = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory) {
      if (SKIPPED_DIRS.has(entry.name) || SKIPPED_PATHS.has(path)) continue;
      files.push(...walk(path));
    } else if (entry.isFile || entry.isSymlink) {
      files.push(path);
    }
  }
  return files;
}

/** Tracked and new (not ignored) files per git, and every file of the tree walked, that exist. */
function repositoryFiles(): string[] {
  const files = new Set(walk());
  try {
    const out = new Deno.Command("git", {
      args: ["ls-files", "-z", "--cached", "--others", "--exclude-standard"],
      cwd: root,
      stdout: "piped",
      stderr: "null",
    }).outputSync();
    if (out.success) {
      for (const path of new TextDecoder().decode(out.stdout).split("\0")) {
        const top = path.split("/")[0];
        if (path && !SKIPPED_DIRS.has(top) && exists(path)) files.add(path);
      }
    }
  } catch {
    // no git: the walk alone
  }
  return [...files].sort();
}

const files = repositoryFiles();
const fileSet = new Set(files);
const topLevel = new Set(files.map((path) => path.split("/")[0]));

/** One segment of a path pattern as a regular expression: `*`, `<name>`, `{a,b}`, `…_x`. */
function segmentPattern(segment: string): string {
  let out = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if (c === "*") {
      out += "[^/]*";
    } else if (c === "<") {
      const end = segment.indexOf(">", i);
      if (end < 0) {
        out += "<";
        continue;
      }
      out += "[^/]+";
      i = end;
    } else if (c === "{") {
      const end = segment.indexOf("}", i);
      if (end < 0) {
        out += "\\{";
        continue;
      }
      const options = segment.slice(i + 1, end).split(",").map((o) =>
        o.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
      );
      out += `(?:${options.join("|")})`;
      i = end;
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    }
  }
  return out;
}

/** `…_feed.sql` and `..._feed.sql` (any timestamp) as a glob. */
function anyPrefix(segment: string): string {
  return segment === "…" || segment === "..."
    ? "*"
    : segment.replace(/^(?:…|\.\.\.)(?=[_\w])/, "*");
}

/** Whether a repo-relative path pattern names a file or a directory in the repository. */
function matches(pattern: string): boolean {
  const isDir = pattern.endsWith("/");
  const clean = pattern.replace(/\/+$/, "");
  const segments = clean.split("/").map(anyPrefix);
  if (!segments.some((s) => /[*<{]/.test(s))) {
    return fileSet.has(clean) || files.some((f) => f.startsWith(clean + "/")) ||
      (!isDir && exists(clean));
  }
  const re = new RegExp(`^${segments.map(segmentPattern).join("/")}${isDir ? "/" : "(?:/|$)"}`);
  return files.some((f) => re.test(f));
}

/** Whether a bare file name (no directory) is somewhere in the tree. */
function somewhere(name: string): boolean {
  const re = new RegExp(`(?:^|/)${segmentPattern(anyPrefix(name))}$`);
  return files.some((f) => re.test(f));
}

const FILE_EXTENSIONS = /\.(?:ts|js|sql|md|json|toml|html|css|pdf|png|py|sh|txt|ya?ml)$/;
/** Bare names in running text are checked only for these (not `postgres.js`, `cv.pdf`). */
const PROSE_EXTENSIONS = /\.(?:ts|sql|md|py|toml|json)$/;
const ANY_PREFIX = /^(?:…|\.\.\.)_[\w.-]+\.sql$/;

interface Offence {
  file: string;
  line: number;
  what: string;
}

function report(title: string, offences: Offence[]): string {
  const byFile = new Map<string, Offence[]>();
  for (const o of offences) byFile.set(o.file, [...byFile.get(o.file) ?? [], o]);
  const lines = [`${title}: ${offences.length}`];
  for (const [file, list] of byFile) {
    lines.push(`  ${file}`);
    for (const o of list) lines.push(`    ${file}:${o.line}  ${o.what}`);
  }
  return lines.join("\n");
}

function readText(path: string): string {
  return Deno.readTextFileSync(join(root, path));
}

/** Cleans a word taken from text: quotes, brackets and trailing punctuation. */
function word(raw: string): string {
  return raw.replace(/^(?:[("'[]|\*\*)+/, "").replace(/(?:[)"'\],;:!?.]|\*\*|'s)+$/, "");
}

/**
 * The path a word names, repo-relative, or null when it names none: URLs, URL paths,
 * package specifiers, and paths under a directory the repository does not have (`dist/web`,
 * `<user id>/cv.pdf`) are not repository paths.
 */
function pathOf(
  token: string,
  fromDir: string,
  context: "link" | "code" | "prose",
): { pattern: string; bare: boolean; alternative?: string } | null {
  let t = word(token);
  if (!t || /^[a-z][\w+.-]*:/i.test(t) || t.includes("@") || t.startsWith("/")) return null;
  if (t.startsWith("#")) return null;
  t = t.replace(/#.*$/, "").replace(/^\.\//, "");
  if (!t) return null;
  if (context === "link") {
    const resolved = normalize(join(fromDir, t));
    if (resolved.startsWith("..")) return null; // outside the repository: not ours
    return { pattern: resolved + (t.endsWith("/") ? "/" : ""), bare: false };
  }
  if (t.startsWith("../")) {
    // relative to this document, or quoted from a file one level down (config.toml's
    // `../functions/<name>/index.ts`): either may name it
    const fromRoot = t.replace(/^(?:\.\.\/)+/, "");
    const resolved = normalize(join(fromDir, t));
    const slash = t.endsWith("/") ? "/" : "";
    if (resolved.startsWith("..")) return { pattern: fromRoot, bare: false };
    return { pattern: resolved + slash, bare: false, alternative: fromRoot };
  }
  if (!t.includes("/")) {
    if (ANY_PREFIX.test(t)) return { pattern: t, bare: true };
    if (context === "code" && FILE_EXTENSIONS.test(t) && /^[\w.…*<>-]+$/.test(t)) {
      return { pattern: t, bare: true };
    }
    if (context === "prose" && PROSE_EXTENSIONS.test(t) && /^[\w.…*<>-]+$/.test(t)) {
      return { pattern: t, bare: true };
    }
    return null;
  }
  const first = t.split("/")[0];
  if (!topLevel.has(first)) return null;
  return { pattern: t, bare: false };
}

const docs = files.filter((f) => f === "README.md" || (f.startsWith("docs/") && f.endsWith(".md")));

Deno.test("every path written in the docs exists in the repository", () => {
  const offences: Offence[] = [];
  for (const file of docs) {
    const fromDir = dirname(file) === "." ? "" : dirname(file);
    readText(file).split("\n").forEach((text, index) => {
      const seen = new Set<string>();
      const check = (token: string, context: "link" | "code" | "prose") => {
        const path = pathOf(token, fromDir, context);
        if (!path || seen.has(path.pattern)) return;
        seen.add(path.pattern);
        const found = path.bare
          ? somewhere(path.pattern)
          : matches(path.pattern) || (path.alternative !== undefined && matches(path.alternative));
        if (!found) {
          offences.push({ file, line: index + 1, what: `${path.pattern} does not exist` });
        }
      };
      let rest = text;
      for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) check(m[1], "link");
      for (const m of text.matchAll(/\b(?:src|href)="([^"]+)"/g)) check(m[1], "link");
      rest = rest.replace(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g, "]").replace(
        /\b(?:src|href)="[^"]+"/g,
        "",
      );
      for (const m of rest.matchAll(/`([^`]+)`/g)) {
        for (const token of m[1].split(/[\s=,;|]+/)) check(token, "code");
      }
      rest = rest.replace(/`[^`]+`/g, " ");
      for (const token of rest.split(/[\s,;|]+/)) check(token, "prose");
    });
  }
  assert.equal(offences.length, 0, report("Paths in the docs that do not exist", offences));
});

/** Text files whose content is read for (b). */
const TEXT_FILES = /\.(?:md|ts|sql|js|html)$/;

/** Built from pieces, so that this file does not hold what it looks for. */
const FORBIDDEN: { pattern: RegExp; what: string }[] = [
  {
    pattern: new RegExp("\\bthe\\s+" + "se" + "ed\\b", "i"),
    what: "names the original Python backfill system by its nickname",
  },
  {
    pattern: new RegExp("\\bproviders" + "\\.md\\b", "i"),
    what: "points at a providers document that is not in the repository",
  },
  {
    pattern: new RegExp("shared/" + "reference", "i"),
    what: "points at a reference folder that is not in the repository",
  },
];

/** A run of `../` followed by `shared/...`, taken whole. */
const UP_TO_SHARED = new RegExp(
  "(?<![\\w./-])((?:\\.\\.\\/)+)" + "shared/" + "([^\\s'\"`)\\]>,;]*)",
  "g",
);

Deno.test("no file names what is not in the repository", () => {
  const offences: Offence[] = [];
  for (const file of files.filter((f) => TEXT_FILES.test(f))) {
    const fromDir = dirname(file) === "." ? "" : dirname(file);
    readText(file).split("\n").forEach((text, index) => {
      for (const { pattern, what } of FORBIDDEN) {
        const m = text.match(pattern);
        if (m) offences.push({ file, line: index + 1, what: `"${m[0]}" ${what}` });
      }
      for (const m of text.matchAll(UP_TO_SHARED)) {
        const target = normalize(join(fromDir, m[1] + "shared/" + m[2]));
        const inOurShared = relative(root, join(root, target)).startsWith("shared") &&
          !target.startsWith("..");
        const rest = m[2].replace(/[.:]+$/, "");
        const found = rest === "" || matches("shared/" + rest);
        if (!inOurShared || !found) {
          offences.push({
            file,
            line: index + 1,
            what: `${m[0]} is not a path into this repository's shared/ (${
              inOurShared ? `shared/${rest} does not exist` : `it resolves to ${target}`
            })`,
          });
        }
      }
    });
  }
  assert.equal(offences.length, 0, report("Files that name what is not here", offences));
});

/** Code files whose comments are held to (d). */
const CODE_FILES = /\.(?:ts|sql|js)$/;

/** The migrations, by the name after their timestamp: `feed` for `20261129121000_feed.sql`. */
const MIGRATIONS = new Map(
  files.flatMap((f) => {
    const m = /^migrations\/(\d{14})_([\w-]+)\.sql$/.exec(f);
    return m ? [[m[2], f] as const] : [];
  }),
);

/**
 * A migration named with any timestamp: `…_feed.sql` or `..._feed.sql`. Built from pieces, so
 * that this file does not name a migration of its own.
 */
const ANY_TIMESTAMP_MIGRATION = new RegExp("(?:\\.\\.\\.|\u2026)_([\\w-]+)\\.sql\\b", "g");
/** A migration named in full: `migrations/<14 digits>_name.sql` (not another project's path). */
const FULL_MIGRATION = /(?<![\w./-])migrations\/(\d{14}_[\w-]+\.sql)\b/g;
/** A path into docs/, with an `#anchor` or a quoted heading after it. */
const DOCS_MENTION = /(?<![\w./-])(docs\/[\w./-]*?\.md)\b(?:#([\w-]+))?(?:,?\s*\(?"([^"\n]+)")?/g;

/** The migrations whose names share a word with `name`, to suggest instead; else all of them. */
function migrationsLike(name: string): string[] {
  const words = new Set(name.split(/[_-]/));
  const like = [...MIGRATIONS.keys()].filter((m) => m.split(/[_-]/).some((w) => words.has(w)));
  return (like.length ? like : [...MIGRATIONS.keys()]).map((m) => `…_${m}.sql`);
}

/** A document's headings (without their `#`s), outside code fences. */
function headings(path: string): string[] {
  let fenced = false;
  const found: string[] = [];
  for (const line of readText(path).split("\n")) {
    if (/^\s{0,3}(?:```|~~~)/.test(line)) fenced = !fenced;
    const m = fenced ? null : /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (m) found.push(m[1]);
  }
  return found;
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces as dashes. */
function anchorOf(heading: string): string {
  return heading.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").replace(/\s/g, "-");
}

Deno.test("code comments name only migrations and docs that exist", () => {
  const offences: Offence[] = [];
  for (const file of files.filter((f) => CODE_FILES.test(f))) {
    readText(file).split("\n").forEach((text, index) => {
      const offend = (what: string) => offences.push({ file, line: index + 1, what });
      for (const m of text.matchAll(ANY_TIMESTAMP_MIGRATION)) {
        if (!MIGRATIONS.has(m[1])) {
          offend(`${m[0]} is no migration; meant: ${migrationsLike(m[1]).join(" or ")}`);
        }
      }
      for (const m of text.matchAll(FULL_MIGRATION)) {
        if (!fileSet.has(`migrations/${m[1]}`)) {
          const name = m[1].replace(/^\d{14}_|\.sql$/g, "");
          offend(`${m[0]} does not exist; meant: ${migrationsLike(name).join(" or ")}`);
        }
      }
      for (const m of text.matchAll(DOCS_MENTION)) {
        const [, path, anchor, heading] = m;
        if (!fileSet.has(path)) {
          offend(`${path} does not exist`);
          continue;
        }
        if (anchor === undefined && heading === undefined) continue;
        const titles = headings(path);
        if (anchor !== undefined && !titles.some((t) => anchorOf(t) === anchor)) {
          offend(`${path} has no heading with the anchor #${anchor}`);
        }
        if (heading !== undefined && !titles.includes(heading)) {
          offend(
            `${path} has no heading "${heading}" (its sections: ${
              titles.slice(1).map((t) => `"${t}"`).join(", ")
            })`,
          );
        }
      }
    });
  }
  assert.equal(
    offences.length,
    0,
    report("Code that names a migration or a document that is not here", offences),
  );
});

Deno.test("no markdown heading is named after an issue number", () => {
  const offences: Offence[] = [];
  for (const file of files.filter((f) => f.endsWith(".md"))) {
    let fenced = false;
    readText(file).split("\n").forEach((text, index) => {
      if (/^\s{0,3}(?:```|~~~)/.test(text)) fenced = !fenced;
      if (fenced || !/^\s{0,3}#{1,6}\s/.test(text)) return;
      if (/\bissues?\s*#?\d+/i.test(text)) {
        offences.push({ file, line: index + 1, what: text.trim() });
      }
    });
  }
  assert.equal(offences.length, 0, report("Headings named after an issue", offences));
});
