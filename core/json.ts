/** Safe accessors for untrusted JSON (events from the wire): never throw, never walk the prototype. */

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `v[key]` when `v` is a plain object that has `key` itself, else undefined. */
export function get(v: unknown, key: string): unknown {
  return isObj(v) && Object.prototype.hasOwnProperty.call(v, key) ? v[key] : undefined;
}
