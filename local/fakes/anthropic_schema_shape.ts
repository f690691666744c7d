/**
 * Shapes facts into a value that is valid for a JSON Schema, the way a model answering with
 * structured output must: it walks the schema (`type` and type lists, `enum`, `const`,
 * `anyOf`/`oneOf`/`allOf`, `$ref`/`$defs`, `properties`/`required`/`additionalProperties:false`,
 * `items`/`prefixItems`) and fills each property from the fact its name means, else with a
 * schema-valid default. Constraints are honoured, also when the SDK moved them into a
 * description: lengths, ranges, item counts, unique items, `format`, and `pattern` (a fact
 * that matches it, else a string generated from the pattern).
 *
 * @module
 */
import {
  asNode,
  type Constraints,
  constraintsOf,
  type JsonSchema,
  patternOf,
  resolveRef,
  type SchemaNode,
  typesOf,
} from "./anthropic_schema.ts";
import { sampleForPattern } from "./anthropic_schema_pattern.ts";
import { jsonEqual, validateJsonSchema } from "./anthropic_schema_validate.ts";

/** A fact: a scalar, a list, or a scope of named facts (an item with fields). */
export type FactValue = string | number | boolean | null | FactScope | readonly FactValue[];

/**
 * Named facts. `_text` is how the scope reads as a string (a title scope reads as its title).
 */
export interface FactScope {
  readonly [name: string]: FactValue | undefined;
}

/** Options of {@link shapeFromSchema}. */
export interface ShapeOptions {
  /** The fact names a property name may mean, most specific first (default: the name itself). */
  factNames?: (property: string) => readonly string[];
  /** Strings any `enum` may match when its property's own facts match none of its values. */
  vocabulary?: readonly string[];
  /** Other spellings of a fact value, tried against `enum` values (e.g. `senior` → `sr`). */
  synonyms?: (value: string) => readonly string[];
}

interface Context {
  root: JsonSchema;
  scopes: readonly FactScope[];
  depth: number;
  options: ShapeOptions;
  /** Facts consumed so far; an optional property is kept only when its subtree used one. */
  used: { count: number };
  /** The array element being shaped: it, not a property lookup, is the value's fact. */
  item?: FactValue;
}

const MAX_DEPTH = 24;

const FORMAT_DEFAULTS: Readonly<Record<string, string>> = {
  "date": "2026-01-01",
  "date-time": "2026-01-01T00:00:00Z",
  "time": "00:00:00Z",
  "duration": "P1D",
  "email": "unknown@example.com",
  "hostname": "example.com",
  "uri": "https://example.com",
  "ipv4": "127.0.0.1",
  "ipv6": "::1",
  "uuid": "00000000-0000-4000-8000-000000000000",
};

function isScope(value: FactValue | undefined): value is FactScope {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function lookup(key: string | undefined, ctx: Context): FactValue | undefined {
  if (key === undefined) return undefined;
  const names = ctx.options.factNames?.(key) ?? [key];
  for (const scope of ctx.scopes) {
    for (const name of names) {
      const value = scope[name];
      if (value === undefined || value === null) continue;
      if (Array.isArray(value) && value.length === 0) continue;
      ctx.used.count++;
      return value;
    }
  }
  return undefined;
}

/** The fact for the value at hand: the array element being shaped, else the property's fact. */
function factFor(key: string | undefined, ctx: Context): FactValue | undefined {
  if (ctx.item === undefined) return lookup(key, ctx);
  if (ctx.item === null || (Array.isArray(ctx.item) && ctx.item.length === 0)) return undefined;
  ctx.used.count++;
  return ctx.item;
}

function textOf(value: FactValue | undefined): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.length > 0 ? textOf(value[0]) : undefined;
  if (isScope(value)) return textOf(value._text);
  return undefined;
}

function textsOf(value: FactValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value.flatMap((item) => textsOf(item));
  const text = textOf(value);
  return text === undefined ? [] : [text];
}

function fold(text: string): string {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[^a-z0-9+]+/g, "");
}

function matchEnum(values: readonly unknown[], candidates: readonly string[], ctx: Context) {
  for (const candidate of candidates) {
    const spellings = [candidate, ...(ctx.options.synonyms?.(candidate) ?? [])].map(fold);
    for (const spelling of spellings) {
      const hit = values.find((v) => typeof v === "string" && fold(v) === spelling);
      if (hit !== undefined) return { hit };
    }
    const number = candidate.trim() === "" ? NaN : Number(candidate);
    const numeric = values.find((v) => typeof v === "number" && v === number);
    if (numeric !== undefined) return { hit: numeric };
  }
  return undefined;
}

function shapeEnum(values: readonly unknown[], key: string | undefined, ctx: Context): unknown {
  const own = matchEnum(values, textsOf(factFor(key, ctx)), ctx);
  if (own) return own.hit;
  const shared = matchEnum(values, ctx.options.vocabulary ?? [], ctx);
  if (shared) return shared.hit;
  return values[0];
}

function fitString(text: string, c: Constraints): string {
  let chars = [...text];
  if (c.maxLength !== undefined && chars.length > c.maxLength) chars = chars.slice(0, c.maxLength);
  const min = c.minLength ?? 0;
  while (chars.length < min) chars.push(".");
  return chars.join("");
}

function shapeString(node: SchemaNode, key: string | undefined, ctx: Context): string {
  const c = constraintsOf(node);
  const fallback = (c.format && FORMAT_DEFAULTS[c.format]) ?? (c.minLength ? "unknown" : "");
  const pattern = patternOf(c.pattern);
  const sample = pattern ? sampleForPattern(pattern) : undefined;
  const candidates = [...textsOf(factFor(key, ctx)), fallback, ...(sample ? [sample] : [])];
  candidates.push("unknown", "0", "a");
  for (const candidate of candidates) {
    const fitted = fitString(candidate, c);
    if (validateJsonSchema(node, fitted, ctx.root).length === 0) return fitted;
    if (!pattern && !c.format) return fitted;
  }
  return fitString(candidates[0], c);
}

function shapeNumber(node: SchemaNode, integer: boolean, key: string | undefined, ctx: Context) {
  const c = constraintsOf(node);
  const fact = factFor(key, ctx);
  const given = typeof fact === "number" ? fact : Number(textOf(fact));
  const step = integer ? 1 : 0.01;
  let low = c.minimum ?? -Infinity;
  if (c.exclusiveMinimum !== undefined) low = Math.max(low, c.exclusiveMinimum + step);
  let high = c.maximum ?? Infinity;
  if (c.exclusiveMaximum !== undefined) high = Math.min(high, c.exclusiveMaximum - step);
  if (integer) {
    low = Math.ceil(low);
    high = Math.floor(high);
  }
  let value = Number.isFinite(given) ? given : Number.isFinite(low) ? low : 0;
  if (integer) value = Math.round(value);
  const m = c.multipleOf;
  if (m !== undefined && m > 0) {
    value = Math.round(value / m) * m;
    if (value < low) value = Math.ceil(low / m) * m;
    if (value > high) value = Math.floor(high / m) * m;
    return value;
  }
  return Math.min(Math.max(value, low), high);
}

function shapeBoolean(key: string | undefined, ctx: Context): boolean {
  const fact = factFor(key, ctx);
  if (typeof fact === "boolean") return fact;
  if (typeof fact === "string") return /^(true|yes|ja)$/i.test(fact);
  return false;
}

function enumOf(schema: JsonSchema | undefined, ctx: Context): unknown[] | undefined {
  let node = asNode(schema);
  for (let i = 0; i < 8 && typeof node.$ref === "string"; i++) {
    node = asNode(resolveRef(ctx.root, node.$ref));
  }
  return Array.isArray(node.enum) ? node.enum : undefined;
}

function shapeArray(node: SchemaNode, key: string | undefined, ctx: Context): unknown[] {
  const c = constraintsOf(node);
  const items = node.items as JsonSchema | undefined;
  const fact = factFor(key, ctx);
  const facts: FactValue[] = fact === undefined ? [] : Array.isArray(fact) ? [...fact] : [fact];
  const prefix = c.prefixItems ?? [];
  const out: unknown[] = [];
  const values = enumOf(items, ctx);
  if (values && prefix.length === 0) {
    for (const text of facts.flatMap((f) => textsOf(f))) {
      const match = matchEnum(values, [text], ctx);
      if (match && !out.some((v) => jsonEqual(v, match.hit))) out.push(match.hit);
    }
    for (const value of values) {
      if (out.length >= (c.minItems ?? 0)) break;
      if (!out.some((v) => jsonEqual(v, value))) out.push(value);
    }
  } else {
    const count = Math.max(facts.length, prefix.length, c.minItems ?? 0);
    for (let i = 0; i < count; i++) {
      const schema = i < prefix.length ? prefix[i] : items;
      const item = facts.length > 0 ? facts[i % facts.length] : undefined;
      const scope: FactScope = isScope(item) ? item : item === undefined ? {} : { _text: item };
      const child: Context = {
        ...ctx,
        scopes: [scope, ...ctx.scopes],
        depth: ctx.depth + 1,
        item: item ?? null,
      };
      const value = schema === undefined ? textOf(item) ?? null : shape(schema, key, child);
      if (c.uniqueItems && out.some((v) => jsonEqual(v, value))) {
        if (typeof value === "string" && i >= facts.length) out.push(`${value} ${i + 1}`);
        continue;
      }
      out.push(value);
    }
  }
  return c.maxItems !== undefined ? out.slice(0, Math.max(c.maxItems, prefix.length)) : out;
}

function shapeObject(
  node: SchemaNode,
  key: string | undefined,
  outer: Context,
): Record<string, unknown> {
  const fact = outer.item === undefined ? lookup(key, { ...outer, used: { count: 0 } }) : undefined;
  const own = Array.isArray(fact) ? fact[0] : fact;
  const scopes = isScope(own) ? [own, ...outer.scopes] : outer.scopes;
  const ctx: Context = { ...outer, scopes, item: undefined };
  const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set(Array.isArray(node.required) ? node.required as string[] : []);
  const c = constraintsOf(node);
  const out: Record<string, unknown> = {};
  const skipped: string[] = [];
  for (const [name, schema] of Object.entries(properties)) {
    const before = ctx.used.count;
    const value = shape(schema, name, { ...ctx, depth: ctx.depth + 1 });
    if (required.has(name) || ctx.used.count > before) out[name] = value;
    else skipped.push(name);
  }
  for (const name of required) {
    if (!(name in out)) out[name] = minimal(true, ctx);
  }
  for (const name of skipped) {
    if (Object.keys(out).length >= (c.minProperties ?? 0)) break;
    out[name] = shape(properties[name], name, { ...ctx, depth: ctx.depth + 1 });
  }
  return out;
}

function acceptsNull(schema: JsonSchema, ctx: Context): boolean {
  return validateJsonSchema(schema, null, ctx.root).length === 0;
}

function shapeVariants(
  variants: readonly JsonSchema[],
  key: string | undefined,
  ctx: Context,
): unknown {
  const probe = { ...ctx, used: { count: 0 } };
  const known = factFor(key, probe) !== undefined;
  const nullable = variants.find((v) => acceptsNull(v, ctx));
  if (!known && nullable !== undefined) return null;
  for (const variant of variants) {
    if (acceptsNull(variant, ctx) && typesOf(asNode(variant)).length <= 1) continue;
    const value = shape(variant, key, { ...ctx, depth: ctx.depth + 1 });
    if (validateJsonSchema(variant, value, ctx.root).length === 0) return value;
  }
  return nullable !== undefined ? null : shape(variants[0], key, { ...ctx, depth: ctx.depth + 1 });
}

function mergeAllOf(node: SchemaNode, ctx: Context): SchemaNode {
  const merged: SchemaNode = { ...node };
  delete merged.allOf;
  const properties: Record<string, unknown> = { ...(node.properties as object ?? {}) };
  const required = new Set<string>(Array.isArray(node.required) ? node.required : []);
  for (const part of node.allOf as JsonSchema[]) {
    let partNode = asNode(part);
    if (typeof partNode.$ref === "string") partNode = asNode(resolveRef(ctx.root, partNode.$ref));
    for (const [k, v] of Object.entries(partNode)) {
      if (k === "properties") Object.assign(properties, v);
      else if (k === "required" && Array.isArray(v)) v.forEach((r) => required.add(String(r)));
      else if (!(k in merged)) merged[k] = v;
    }
  }
  if (Object.keys(properties).length > 0) merged.properties = properties;
  if (required.size > 0) merged.required = [...required];
  return merged;
}

function minimal(schema: JsonSchema, ctx: Context): unknown {
  const node = asNode(schema);
  if (ctx.depth > MAX_DEPTH * 2) return null;
  const deeper: Context = { ...ctx, depth: ctx.depth + 1, scopes: [], item: undefined };
  if (typeof node.$ref === "string") {
    const target = resolveRef(ctx.root, node.$ref);
    return target === undefined ? null : minimal(target, deeper);
  }
  if ("const" in node) return node.const;
  if (Array.isArray(node.enum)) return node.enum[0];
  for (const key of ["anyOf", "oneOf"] as const) {
    const variants = node[key];
    if (Array.isArray(variants) && variants.length > 0) {
      return variants.some((v) => acceptsNull(v, ctx)) ? null : minimal(variants[0], deeper);
    }
  }
  const types = typesOf(node);
  if (types.includes("null")) return null;
  switch (types[0]) {
    case "object": {
      const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
      const required = Array.isArray(node.required) ? node.required as string[] : [];
      return Object.fromEntries(required.map((r) => [r, minimal(properties[r] ?? true, deeper)]));
    }
    case "array": {
      const min = constraintsOf(node).minItems ?? 0;
      return Array.from({ length: min }, () => minimal(node.items as JsonSchema ?? true, deeper));
    }
    case "string":
      return shapeString(node, undefined, deeper);
    case "number":
    case "integer":
      return shapeNumber(node, types[0] === "integer", undefined, deeper);
    case "boolean":
      return false;
    default:
      return null;
  }
}

function plain(value: FactValue | undefined): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return value.map(plain);
  if (isScope(value)) return textOf(value) ?? null;
  return value;
}

function shape(schema: JsonSchema, key: string | undefined, ctx: Context): unknown {
  if (ctx.depth > MAX_DEPTH) return minimal(schema, ctx);
  const node = asNode(schema);
  const deeper = { ...ctx, depth: ctx.depth + 1 };
  if (typeof node.$ref === "string") {
    const target = resolveRef(ctx.root, node.$ref);
    return target === undefined ? null : shape(target, key, deeper);
  }
  if ("const" in node) return node.const;
  if (Array.isArray(node.enum)) return shapeEnum(node.enum, key, ctx);
  const variants = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(variants) && variants.length > 0) return shapeVariants(variants, key, ctx);
  if (Array.isArray(node.allOf)) return shape(mergeAllOf(node, ctx), key, deeper);
  const types = typesOf(node);
  if (types.length > 1) {
    return shapeVariants(types.map((type) => ({ ...node, type })), key, ctx);
  }
  const type = types[0] ??
    (node.properties ? "object" : node.items || node.prefixItems ? "array" : undefined);
  switch (type) {
    case "object":
      return shapeObject(node, key, ctx);
    case "array":
      return shapeArray(node, key, ctx);
    case "string":
      return shapeString(node, key, ctx);
    case "number":
    case "integer":
      return shapeNumber(node, type === "integer", key, ctx);
    case "boolean":
      return shapeBoolean(key, ctx);
    case "null":
      return null;
    default:
      return plain(factFor(key, ctx));
  }
}

/**
 * A value valid for `schema`, filled from `facts` where property names mean a fact. The result
 * is plain JSON and valid for every supported keyword, except a `pattern` outside the subset
 * `anthropic_schema_pattern.ts` can generate from when no fact matches it.
 */
export function shapeFromSchema(
  schema: JsonSchema,
  facts: FactScope,
  options: ShapeOptions = {},
): unknown {
  const ctx: Context = { root: schema, scopes: [facts], depth: 0, options, used: { count: 0 } };
  const value = shape(schema, undefined, ctx);
  return value === undefined ? null : value;
}
