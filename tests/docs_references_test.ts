/**
 * The docs point at what is in the repository, and no file points at what is not:
 *
 * - (a) every repo-relative path written in docs/**\/*.md or README.md exists: `shared/jobs/store.ts`,
 *   `local/platform/*.sql`, `functions/<name>/index.ts` (a `<placeholder>` or `*` is a glob),
 *   `migrations/…_feed_items.sql` or a bare `…_feed_items.sql` (a leading `…` or `...` means any
 *   timestamp), link targets relative to the document, and bare file names in backticks
 *   (`handler.ts`: somewhere in the tree);
 * - (b) no text file (markdown, .ts, .sql, .js, .html; tracked or new) names the original Python
 *   backfill system by its old nickname, a providers document or a reference folder that are not
 *   here, or a `../`-path into a shared/ directory other than this repository's own;
 * - (c) no markdown heading is named after an issue number.
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

/** `…_x.sql` and `..._x.sql` (any timestamp) as a glob. */
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
