/**
 * The JSON Schema subset structured outputs use, as the fake reads it: `$ref`/`$defs` resolution,
 * type lists, and the constraints of a node — its own keywords, plus the ones the SDK's
 * `transformJSONSchema` moved into its `description` as `{minLength: 1, maxItems: 5}`
 * (docs.anthropic.com/en/api/messages), since the client's zod schema still enforces those.
 *
 * @module
 */

/** A JSON Schema node (a boolean schema is `true`/`false`). */
export type JsonSchema = boolean | { [keyword: string]: unknown };

/** A schema node as an object (`true` → `{}`, `false` → `{not: {}}`). */
export type SchemaNode = { [keyword: string]: unknown };

/** The keywords that constrain a node, merged from the node and its description. */
export interface Constraints {
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  multipleOf?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  prefixItems?: JsonSchema[];
  minProperties?: number;
  maxProperties?: number;
}

/** A JSON Schema value type. */
export type JsonType = "object" | "array" | "string" | "number" | "integer" | "boolean" | "null";

/** The node form of a schema. */
export function asNode(schema: JsonSchema | undefined): SchemaNode {
  if (schema === undefined || schema === true) return {};
  if (schema === false) return { not: {} };
  return schema;
}

/** Resolves a local `$ref` (`#`, `#/$defs/X`, `#/definitions/X`, any JSON pointer) in `root`. */
export function resolveRef(root: JsonSchema, ref: string): JsonSchema | undefined {
  if (!ref.startsWith("#")) return undefined;
  const pointer = ref.slice(1);
  if (pointer === "") return root;
  let node: unknown = root;
  for (const raw of pointer.split("/").slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === "boolean" || (node !== null && typeof node === "object")
    ? node as JsonSchema
    : undefined;
}

/** The node's declared types (`type: "string"` or `type: ["string", "null"]`), or none. */
export function typesOf(node: SchemaNode): JsonType[] {
  const type = node.type;
  if (typeof type === "string") return [type as JsonType];
  if (Array.isArray(type)) return type.filter((t): t is JsonType => typeof t === "string");
  return [];
}

function jsonValueEnd(text: string, start: number): number {
  const open = text[start];
  if (open === '"') {
    for (let i = start + 1; i < text.length; i++) {
      if (text[i] === "\\") i++;
      else if (text[i] === '"') return i + 1;
    }
    return text.length;
  }
  if (open === "[" || open === "{") {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '"') i = jsonValueEnd(text, i) - 1;
      else if (c === "[" || c === "{") depth++;
      else if (c === "]" || c === "}") {
        if (--depth === 0) return i + 1;
      }
    }
    return text.length;
  }
  let i = start;
  while (i < text.length && text[i] !== "," && text[i] !== "}") i++;
  return i;
}

/**
 * Keywords the SDK moved into a description: the last `{key: json, …}` block of it. Unparsable
 * text gives `{}`.
 */
export function descriptionHints(description: unknown): Record<string, unknown> {
  if (typeof description !== "string") return {};
  const start = description.lastIndexOf("\n{") >= 0
    ? description.lastIndexOf("\n{") + 1
    : description.startsWith("{")
    ? 0
    : -1;
  if (start < 0 || !description.trimEnd().endsWith("}")) return {};
  const body = description.slice(start + 1, description.trimEnd().length - 1);
  const hints: Record<string, unknown> = {};
  let i = 0;
  while (i < body.length) {
    const match = /^\s*([A-Za-z$][\w$]*): /.exec(body.slice(i));
    if (!match) return hints;
    i += match[0].length;
    const end = jsonValueEnd(body, i);
    try {
      hints[match[1]] = JSON.parse(body.slice(i, end));
    } catch {
      return hints;
    }
    i = end;
    const comma = /^\s*,\s*/.exec(body.slice(i));
    if (!comma) break;
    i += comma[0].length;
  }
  return hints;
}

const NUMERIC = [
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
] as const;

/** The constraints of `node`: its own keywords win over those found in its description. */
export function constraintsOf(node: SchemaNode): Constraints {
  const merged: Record<string, unknown> = { ...descriptionHints(node.description), ...node };
  const out: Constraints = {};
  for (const key of NUMERIC) {
    const value = merged[key];
    if (typeof value === "number" && Number.isFinite(value)) out[key] = value;
  }
  if (typeof merged.pattern === "string") out.pattern = merged.pattern;
  if (typeof merged.format === "string") out.format = merged.format;
  if (merged.uniqueItems === true) out.uniqueItems = true;
  if (Array.isArray(merged.prefixItems)) out.prefixItems = merged.prefixItems as JsonSchema[];
  return out;
}

/** A compiled `pattern`, or undefined when the engine cannot compile it. */
export function patternOf(pattern: string | undefined): RegExp | undefined {
  if (pattern === undefined) return undefined;
  try {
    return new RegExp(pattern, "u");
  } catch {
    try {
      return new RegExp(pattern);
    } catch {
      return undefined;
    }
  }
}
