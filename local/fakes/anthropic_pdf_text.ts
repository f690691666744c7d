/**
 * Reads the text a PDF content stream shows: a small tokenizer for the content-stream syntax and
 * the text operators (`Tj`, `TJ`, `'`, `"`, with `Td`/`TD`/`T*`/`Tm`/`ET` as line breaks). String
 * bytes are decoded as WinAnsi (what pdf-lib's standard fonts use); text set in composite
 * (Type0) fonts is skipped, since it cannot be decoded without the font's ToUnicode map.
 *
 * @module
 */

type Operand = string | number | Uint8Array | Operand[] | { name: string };

const WIN_ANSI = new TextDecoder("windows-1252");
const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const ESCAPES: Record<number, number> = {
  0x6e: 0x0a,
  0x72: 0x0d,
  0x74: 0x09,
  0x62: 0x08,
  0x66: 0x0c,
  0x28: 0x28,
  0x29: 0x29,
  0x5c: 0x5c,
};

/** Options of {@link extractContentText}. */
export interface ContentTextOptions {
  /** Font resource names (`Helvetica-7098480789`) whose strings cannot be decoded. */
  undecodableFonts?: ReadonlySet<string>;
}

function isRegular(byte: number): boolean {
  return !WHITESPACE.has(byte) && !DELIMITERS.has(byte);
}

function literalString(bytes: Uint8Array, start: number): [Uint8Array, number] {
  const out: number[] = [];
  let depth = 1;
  let i = start;
  while (i < bytes.length) {
    const byte = bytes[i++];
    if (byte === 0x5c) {
      const next = bytes[i++];
      if (next in ESCAPES) out.push(ESCAPES[next]);
      else if (next >= 0x30 && next <= 0x37) {
        let code = next - 0x30;
        for (let k = 0; k < 2 && bytes[i] >= 0x30 && bytes[i] <= 0x37; k++) {
          code = code * 8 + bytes[i++] - 0x30;
        }
        out.push(code & 0xff);
      } else if (next === 0x0d) {
        if (bytes[i] === 0x0a) i++;
      } else if (next !== 0x0a && next !== undefined) out.push(next);
    } else if (byte === 0x28) {
      depth++;
      out.push(byte);
    } else if (byte === 0x29) {
      if (--depth === 0) break;
      out.push(byte);
    } else out.push(byte);
  }
  return [Uint8Array.from(out), i];
}

function hexString(bytes: Uint8Array, start: number): [Uint8Array, number] {
  let digits = "";
  let i = start;
  while (i < bytes.length && bytes[i] !== 0x3e) {
    const c = String.fromCharCode(bytes[i++]);
    if (/[0-9a-fA-F]/.test(c)) digits += c;
  }
  if (digits.length % 2 === 1) digits += "0";
  const out = new Uint8Array(digits.length / 2);
  for (let k = 0; k < out.length; k++) out[k] = parseInt(digits.slice(2 * k, 2 * k + 2), 16);
  return [out, i + 1];
}

function skipInlineImage(bytes: Uint8Array, start: number): number {
  for (let i = start; i + 2 < bytes.length; i++) {
    if (
      WHITESPACE.has(bytes[i]) && bytes[i + 1] === 0x45 && bytes[i + 2] === 0x49 &&
      (i + 3 >= bytes.length || !isRegular(bytes[i + 3]))
    ) return i + 3;
  }
  return bytes.length;
}

/**
 * The text a content stream shows, one line per text line (pdf-lib's `drawText` puts each call
 * on its own line). Unknown constructs are skipped, never thrown on.
 */
export function extractContentText(
  content: Uint8Array,
  options: ContentTextOptions = {},
): string {
  const undecodable = options.undecodableFonts ?? new Set<string>();
  const stack: Operand[][] = [[]];
  let out = "";
  let decodable = true;
  let inText = false;

  function show(value: Operand | undefined): void {
    if (!inText || !decodable) return;
    if (value instanceof Uint8Array) out += WIN_ANSI.decode(value);
    else if (Array.isArray(value)) {
      for (const item of value) {
        if (item instanceof Uint8Array) out += WIN_ANSI.decode(item);
        else if (typeof item === "number" && item < -250) out += " ";
      }
    }
  }
  function newline(): void {
    if (out.length > 0 && !out.endsWith("\n")) out += "\n";
  }
  function operator(op: string, args: Operand[]): void {
    switch (op) {
      case "BT":
        inText = true;
        break;
      case "ET":
        newline();
        inText = false;
        break;
      case "Tf": {
        const font = args[0];
        decodable = !(typeof font === "object" && "name" in font && undecodable.has(font.name));
        break;
      }
      case "Tj":
        show(args[0]);
        break;
      case "TJ":
        show(args[0]);
        break;
      case "'":
        newline();
        show(args[0]);
        break;
      case '"':
        newline();
        show(args[2]);
        break;
      case "Td":
      case "TD":
        if (args[1] !== 0) newline();
        break;
      case "T*":
      case "Tm":
        newline();
        break;
    }
  }

  let i = 0;
  while (i < content.length) {
    const byte = content[i];
    const top = stack[stack.length - 1];
    if (WHITESPACE.has(byte)) i++;
    else if (byte === 0x25) {
      while (i < content.length && content[i] !== 0x0a && content[i] !== 0x0d) i++;
    } else if (byte === 0x28) {
      const [value, next] = literalString(content, i + 1);
      top.push(value);
      i = next;
    } else if (byte === 0x3c && content[i + 1] === 0x3c) {
      stack.push([]);
      i += 2;
    } else if (byte === 0x3e && content[i + 1] === 0x3e) {
      if (stack.length > 1) stack.pop();
      i += 2;
    } else if (byte === 0x3c) {
      const [value, next] = hexString(content, i + 1);
      top.push(value);
      i = next;
    } else if (byte === 0x5b) {
      stack.push([]);
      i++;
    } else if (byte === 0x5d) {
      if (stack.length > 1) {
        const array = stack.pop()!;
        stack[stack.length - 1].push(array);
      }
      i++;
    } else if (byte === 0x2f) {
      let j = i + 1;
      while (j < content.length && isRegular(content[j])) j++;
      top.push({ name: new TextDecoder().decode(content.subarray(i + 1, j)) });
      i = j;
    } else if (!isRegular(byte)) i++;
    else {
      let j = i;
      while (j < content.length && isRegular(content[j])) j++;
      const word = String.fromCharCode(...content.subarray(i, j));
      i = j;
      if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) top.push(Number(word));
      else if (word === "ID") {
        i = skipInlineImage(content, i);
        stack.length = 1;
        stack[0] = [];
      } else if (stack.length === 1) {
        operator(word, top);
        stack[0] = [];
      }
    }
  }
  return out.replace(/[ \t]+\n/g, "\n").trim();
}
