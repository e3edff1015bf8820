/** Shared pieces of the seeded fuzz tests (not a test file). */

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Path = (string | number)[];

/** All paths to values inside a JSON value (arrays included), at most `maxDepth` deep. */
export function paths(v: unknown, maxDepth = Infinity, prefix: Path = [], out: Path[] = []): Path[] {
  if (prefix.length > 0) out.push(prefix);
  if (prefix.length >= maxDepth) return out;
  if (Array.isArray(v)) v.forEach((el, i) => paths(el, maxDepth, [...prefix, i], out));
  else if (v && typeof v === 'object') for (const k of Object.keys(v)) paths((v as Record<string, unknown>)[k], maxDepth, [...prefix, k], out);
  return out;
}

/** Set (or delete) the value at `p`; a `__proto__` key stays data (defineProperty, never a prototype). */
export function setAt(root: unknown, p: Path, value: unknown, remove = false): void {
  let node = root as Record<string | number, unknown>;
  for (let i = 0; i < p.length - 1; i++) {
    const next = node[p[i]];
    if (!next || typeof next !== 'object') return;
    node = next as Record<string | number, unknown>;
  }
  const last = p[p.length - 1];
  if (remove && !Array.isArray(node)) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
}
