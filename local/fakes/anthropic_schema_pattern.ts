/**
 * A string that matches a JSON Schema `pattern`, for the common regex subset schemas use: anchors,
 * literals and escapes, `.`, `\d \w \s` and their negations, character classes with ranges and
 * negation, groups with alternation (the first branch is taken), lookarounds (skipped) and the
 * quantifiers `? * + {n} {n,} {n,m}` (the minimum count is used).
 *
 * @module
 */

const ESCAPES: Readonly<Record<string, string>> = {
  d: "0",
  D: "a",
  w: "a",
  W: "-",
  s: " ",
  S: "a",
  n: "\n",
  t: "\t",
  r: "\r",
};

const CLASS_CANDIDATES = ["a", "A", "0", "x", "Z", "9", "-", "_", " ", ".", "@"];

function classEnd(source: string, start: number): number {
  for (let i = start + 1; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === "]") return i;
  }
  return source.length;
}

function groupEnd(source: string, start: number): number {
  let depth = 0;
  for (let i = start; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === "[") i = classEnd(source, i);
    else if (c === "(") depth++;
    else if (c === ")" && --depth === 0) return i;
  }
  return source.length;
}

function classSample(body: string): string | undefined {
  let pattern: RegExp;
  try {
    pattern = new RegExp(`^[${body}]$`, "u");
  } catch {
    return undefined;
  }
  if (!body.startsWith("^")) {
    const first = body[0] === "\\" ? ESCAPES[body[1]] ?? body[1] : body[0];
    if (first !== undefined && pattern.test(first)) return first;
  }
  return CLASS_CANDIDATES.find((c) => pattern.test(c));
}

function quantifier(source: string, i: number): { min: number; next: number } {
  const c = source[i];
  let min = 1;
  let next = i;
  if (c === "?" || c === "*") {
    min = 0;
    next = i + 1;
  } else if (c === "+") next = i + 1;
  else if (c === "{") {
    const match = /^\{(\d+)(,\d*)?\}/.exec(source.slice(i));
    if (match) {
      min = Number(match[1]);
      next = i + match[0].length;
    }
  }
  if (next > i && source[next] === "?") next++;
  return { min, next };
}

function topLevelBranch(source: string): string {
  let depth = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (c === "[") i = classEnd(source, i);
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "|" && depth === 0) return source.slice(0, i);
  }
  return source;
}

function generate(source: string): string | undefined {
  const branch = topLevelBranch(source);
  let out = "";
  let i = 0;
  while (i < branch.length) {
    const c = branch[i];
    let atom: string | undefined;
    let next = i + 1;
    if (c === "^" || c === "$") {
      i++;
      continue;
    } else if (c === "\\") {
      atom = ESCAPES[branch[i + 1]] ?? branch[i + 1];
      next = i + 2;
    } else if (c === "[") {
      const end = classEnd(branch, i);
      atom = classSample(branch.slice(i + 1, end));
      next = end + 1;
    } else if (c === "(") {
      const end = groupEnd(branch, i);
      const inner = branch.slice(i + 1, end);
      const look = /^\?(<?[=!])/.test(inner);
      const body = inner.replace(/^\?(:|<[A-Za-z_]\w*>)/, "");
      atom = look ? "" : generate(body);
      next = end + 1;
    } else if (c === ".") atom = "a";
    else atom = c;
    if (atom === undefined) return undefined;
    const { min, next: after } = quantifier(branch, next);
    out += atom.repeat(min);
    i = after;
  }
  return out;
}

/** A string matching `pattern`, or undefined when the subset cannot produce one. */
export function sampleForPattern(pattern: RegExp): string | undefined {
  const sample = generate(pattern.source);
  return sample !== undefined && pattern.test(sample) ? sample : undefined;
}
