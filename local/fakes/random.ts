/**
 * Seeded pseudo-random numbers for the fake job world: a string hash (xmur3) seeds a small fast
 * generator (sfc32), so every posting is reproducible from its seed text on every platform.
 *
 * @module
 */

/** A 32-bit unsigned hash of `text` (the xmur3 mixer); `salt` gives independent hashes. */
export function hashString(text: string, salt = 0): number {
  let h = (1779033703 ^ text.length ^ Math.imul(salt, 0x9e3779b1)) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  h = Math.imul(h ^ (h >>> 16), 2246822507);
  h = Math.imul(h ^ (h >>> 13), 3266489909);
  return (h ^ (h >>> 16)) >>> 0;
}

/** `count` lowercase hex digits derived only from `text` (no generator state). */
export function hashHex(text: string, count: number): string {
  let out = "";
  for (let salt = 1; out.length < count; salt++) {
    out += hashString(text, salt).toString(16).padStart(8, "0");
  }
  return out.slice(0, count);
}

/** A seeded generator with the few draws the fakes need. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** Up to `count` distinct elements, in random order. */
  sample<T>(items: readonly T[], count: number): T[];
  /** One value, drawn in proportion to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** `count` decimal digits, the first never 0. */
  digits(count: number): string;
  /** `count` lowercase hex digits. */
  hex(count: number): string;
}

/** A generator seeded from `seedText` (sfc32 over four xmur3 hashes of it). */
export function createRandom(seedText: string): Random {
  let [a, b, c, d] = [1, 2, 3, 4].map((salt) => hashString(seedText, salt));
  function next(): number {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  }
  for (let i = 0; i < 12; i++) next();
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const draw = (count: number, first: number, base: number) => {
    let out = int(first, base - 1).toString(base);
    while (out.length < count) out += int(0, base - 1).toString(base);
    return out;
  };
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[Math.floor(next() * items.length)],
    sample(items, count) {
      const pool = [...items];
      const out = [];
      while (out.length < count && pool.length > 0) {
        out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]);
      }
      return out;
    },
    weighted(entries) {
      let roll = next() * entries.reduce((sum, [, weight]) => sum + weight, 0);
      for (const [value, weight] of entries) {
        roll -= weight;
        if (roll < 0) return value;
      }
      return entries[entries.length - 1][0];
    },
    digits: (count) => draw(count, 1, 10),
    hex: (count) => draw(count, 0, 16),
  };
}
