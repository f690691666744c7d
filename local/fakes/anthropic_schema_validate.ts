/**
 * A small JSON Schema validator for the subset structured outputs use: `type` (or a list),
 * `enum`, `const`, `anyOf`/`oneOf`/`allOf`/`not`, `$ref` into `$defs`/`definitions`,
 * `properties`/`required`/`additionalProperties`, `items`/`prefixItems`, and the length, range,
 * count, `pattern`, `format` and `uniqueItems` constraints — also when the SDK moved them into a
 * description. The fake uses it to pick `anyOf` branches and to make output that must fail.
 *
 * @module
 */
import {
  asNode,
  constraintsOf,
  type JsonSchema,
  patternOf,
  resolveRef,
  type SchemaNode,
  typesOf,
} from "./anthropic_schema.ts";

/** One reason a value does not match. */
export interface SchemaIssue {
  /** JSON-pointer-like path to the value, `""` for the root. */
  path: string;
  message: string;
}

const FORMATS: Readonly<Record<string, RegExp>> = {
  "date": /^\d{4}-\d{2}-\d{2}$/,
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  "time": /^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/,
  "email": /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  "uri": /^[a-zA-Z][a-zA-Z0-9+.-]*:\S+$/,
  "uuid": /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
  "ipv4": /^(\d{1,3}\.){3}\d{1,3}$/,
  "hostname": /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/,
  "duration": /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/,
};

/** Whether `value` is of JSON type `type` (integers are numbers too). */
export function isJsonType(value: unknown, type: string): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "boolean":
      return typeof value === "boolean";
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value);
    default:
      return false;
  }
}

/** Structural equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return ka.length === kb.length &&
    ka.every((k) =>
      jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])
    );
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

function checkScalars(node: SchemaNode, value: unknown, path: string, out: SchemaIssue[]): void {
  const c = constraintsOf(node);
  if (typeof value === "string") {
    const length = [...value].length;
    if (c.minLength !== undefined && length < c.minLength) {
      out.push({ path, message: `shorter than ${c.minLength}` });
    }
    if (c.maxLength !== undefined && length > c.maxLength) {
      out.push({ path, message: `longer than ${c.maxLength}` });
    }
    const pattern = patternOf(c.pattern);
    if (pattern && !pattern.test(value)) out.push({ path, message: `does not match ${c.pattern}` });
    const format = c.format ? FORMATS[c.format] : undefined;
    if (format && !format.test(value)) out.push({ path, message: `is not a ${c.format}` });
  }
  if (typeof value === "number") {
    if (c.minimum !== undefined && value < c.minimum) out.push({ path, message: `< ${c.minimum}` });
    if (c.maximum !== undefined && value > c.maximum) out.push({ path, message: `> ${c.maximum}` });
    if (c.exclusiveMinimum !== undefined && value <= c.exclusiveMinimum) {
      out.push({ path, message: `<= ${c.exclusiveMinimum}` });
    }
    if (c.exclusiveMaximum !== undefined && value >= c.exclusiveMaximum) {
      out.push({ path, message: `>= ${c.exclusiveMaximum}` });
    }
    if (c.multipleOf !== undefined && c.multipleOf > 0) {
      const ratio = value / c.multipleOf;
      if (Math.abs(ratio - Math.round(ratio)) > 1e-9) {
        out.push({ path, message: `not a multiple of ${c.multipleOf}` });
      }
    }
  }
}

function checkArray(
  node: SchemaNode,
  value: unknown[],
  path: string,
  ctx: { root: JsonSchema; out: SchemaIssue[]; depth: number },
): void {
  const c = constraintsOf(node);
  if (c.minItems !== undefined && value.length < c.minItems) {
    ctx.out.push({ path, message: `fewer than ${c.minItems} items` });
  }
  if (c.maxItems !== undefined && value.length > c.maxItems) {
    ctx.out.push({ path, message: `more than ${c.maxItems} items` });
  }
  if (c.uniqueItems && value.some((v, i) => value.findIndex((w) => jsonEqual(v, w)) !== i)) {
    ctx.out.push({ path, message: "items are not unique" });
  }
  const prefix = c.prefixItems ?? [];
  value.forEach((item, i) => {
    const schema = i < prefix.length ? prefix[i] : node.items as JsonSchema | undefined;
    if (schema !== undefined) check(schema, item, pointer(path, i), ctx);
  });
}

function checkObject(
  node: SchemaNode,
  value: Record<string, unknown>,
  path: string,
  ctx: { root: JsonSchema; out: SchemaIssue[]; depth: number },
): void {
  const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
  const required = Array.isArray(node.required) ? node.required as string[] : [];
  for (const name of required) {
    if (!(name in value)) ctx.out.push({ path, message: `missing required property ${name}` });
  }
  const c = constraintsOf(node);
  const count = Object.keys(value).length;
  if (c.minProperties !== undefined && count < c.minProperties) {
    ctx.out.push({ path, message: `fewer than ${c.minProperties} properties` });
  }
  if (c.maxProperties !== undefined && count > c.maxProperties) {
    ctx.out.push({ path, message: `more than ${c.maxProperties} properties` });
  }
  for (const [name, item] of Object.entries(value)) {
    if (name in properties) check(properties[name], item, pointer(path, name), ctx);
    else if (node.additionalProperties === false) {
      ctx.out.push({ path, message: `unexpected property ${name}` });
    } else if (node.additionalProperties !== undefined && node.additionalProperties !== true) {
      check(node.additionalProperties as JsonSchema, item, pointer(path, name), ctx);
    }
  }
}

function check(
  schema: JsonSchema,
  value: unknown,
  path: string,
  ctx: { root: JsonSchema; out: SchemaIssue[]; depth: number },
): void {
  if (ctx.depth > 64) return;
  const node = asNode(schema);
  const inner = { ...ctx, depth: ctx.depth + 1 };
  if (typeof node.$ref === "string") {
    const target = resolveRef(ctx.root, node.$ref);
    if (target === undefined) ctx.out.push({ path, message: `unresolvable $ref ${node.$ref}` });
    else check(target, value, path, inner);
  }
  if ("not" in node) {
    const sub: SchemaIssue[] = [];
    check(node.not as JsonSchema, value, path, { ...inner, out: sub });
    if (sub.length === 0) ctx.out.push({ path, message: "matches a `not` schema" });
  }
  if ("const" in node && !jsonEqual(node.const, value)) {
    ctx.out.push({ path, message: `is not ${JSON.stringify(node.const)}` });
  }
  if (Array.isArray(node.enum) && !node.enum.some((e) => jsonEqual(e, value))) {
    ctx.out.push({ path, message: `is not one of ${JSON.stringify(node.enum)}` });
  }
  const types = typesOf(node);
  if (types.length > 0 && !types.some((t) => isJsonType(value, t))) {
    ctx.out.push({ path, message: `is not of type ${types.join("|")}` });
    return;
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const variants = node[key];
    if (!Array.isArray(variants)) continue;
    const matching = variants.filter((v) => validateJsonSchema(v, value, ctx.root).length === 0);
    if (matching.length === 0 || (key === "oneOf" && matching.length > 1)) {
      ctx.out.push({ path, message: `matches ${matching.length} of the ${key} variants` });
    }
  }
  if (Array.isArray(node.allOf)) {
    for (const part of node.allOf) check(part as JsonSchema, value, path, inner);
  }
  checkScalars(node, value, path, ctx.out);
  if (Array.isArray(value)) checkArray(node, value, path, inner);
  else if (isJsonType(value, "object")) {
    checkObject(node, value as Record<string, unknown>, path, inner);
  }
}

/**
 * Validates `value` against `schema` (whose `$ref`s resolve in `root`, default `schema`).
 * Returns the issues found; an empty list means valid.
 */
export function validateJsonSchema(
  schema: JsonSchema,
  value: unknown,
  root: JsonSchema = schema,
): SchemaIssue[] {
  const out: SchemaIssue[] = [];
  check(schema, value, "", { root, out, depth: 0 });
  return out;
}
