/** Safe accessors for untrusted JSON (events from the wire): never throw, never walk the prototype. */

export function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Does `obj` have `key` itself (not from its prototype)? */
export function hasOwn(obj: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(obj, key);
}

/** `v[key]` when `v` is a plain object that has `key` itself, else undefined. */
export function get(v: unknown, key: string): unknown {
  return isObj(v) && hasOwn(v, key) ? v[key] : undefined;
}

/** Depth bound of events carried in alerts: EventBridge events are a few levels deep. */
const EVENT_MAX_DEPTH = 32;
/** Node bound of events carried in alerts (objects, arrays and values counted). */
const EVENT_MAX_NODES = 20_000;
/** What stands in for a value cut by `boundedJson`. */
export const CUT_MARKER = '[rootwatch: cut, nested too deep or too many values]';

/**
 * `value` as a JSON value no deeper than `maxDepth` and with at most `maxNodes` nodes: deeper or
 * further values become CUT_MARKER, non-JSON values (undefined, functions, non-finite numbers)
 * become null. The same object comes back when nothing had to change, so ordinary events are not
 * copied. Never throws and never recurses deeper than `maxDepth` (a 5,000-level event would make
 * JSON.stringify throw RangeError; this is what keeps such an event alerting).
 */
export function boundedJson(value: unknown, maxDepth = EVENT_MAX_DEPTH, maxNodes = EVENT_MAX_NODES): { value: unknown; cut: boolean } {
  let nodes = 0;
  let cut = false;
  const walk = (v: unknown, depth: number): unknown => {
    nodes++;
    if (nodes > maxNodes) {
      cut = true;
      return CUT_MARKER;
    }
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (typeof v !== 'object') return null;
    if (depth >= maxDepth) {
      cut = true;
      return CUT_MARKER;
    }
    if (Array.isArray(v)) {
      let changed = false;
      const out = v.map((el) => {
        const b = walk(el, depth + 1);
        if (b !== el) changed = true;
        return b;
      });
      return changed ? out : v;
    }
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(v)) {
      const el = (v as Record<string, unknown>)[key];
      const b = walk(el, depth + 1);
      if (b !== el) changed = true;
      // defineProperty: a "__proto__" key stays data, never a prototype
      Object.defineProperty(out, key, { value: b, enumerable: true, writable: true, configurable: true });
    }
    return changed ? out : v;
  };
  try {
    const out = walk(value, 0);
    return { value: out, cut };
  } catch {
    return { value: CUT_MARKER, cut: true };
  }
}
