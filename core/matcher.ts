/**
 * An offline evaluator of EventBridge event patterns, so that what rootwatch deploys
 * (core/patterns.ts) can be tested and explained without AWS (`rootwatch simulate`,
 * the notifier's classification).
 *
 * Semantics follow the EventBridge user guide ("Event pattern syntax", "Comparison operators
 * for use in event patterns", "Arrays in event patterns", "Matching null values"):
 * - every field named in a pattern object must match (AND); `$or` holds sub-patterns of which
 *   at least one must match the same level of the event;
 * - a field's value is either a nested pattern object or an array of matchers (OR);
 * - matchers: exact strings, numbers (compared numerically), booleans and null; `prefix`,
 *   `suffix` (both also with `equals-ignore-case`), `equals-ignore-case`, `anything-but`
 *   (a value, a list, or `{prefix|suffix|equals-ignore-case|wildcard}`), `numeric`, `exists`,
 *   `wildcard`, `cidr` (IPv4);
 * - an event array matches when any element matches; arrays of objects are tried element by
 *   element (all fields of a nested pattern must match within the same element);
 * - a field that is missing, an object, or an empty array is not a leaf value: only
 *   `exists: false` matches it;
 * - null and "" are different values.
 *
 * Unknown operators and malformed patterns never match. The matcher never throws.
 */
import type { EventPattern } from './patterns';
import { get, hasOwn, isObj } from './json';

export type { EventPattern };

/** Bound on nested arrays inside event values (JSON from EventBridge is shallow anyway). */
const MAX_ARRAY_DEPTH = 32;
/** Bound on pattern nesting (deployed patterns are a few levels deep). */
const MAX_PATTERN_DEPTH = 64;

type Leaf = string | number | boolean | null;

/**
 * Does `event` match `pattern`? False when either is not a JSON object, or for any input that
 * cannot be evaluated; never throws.
 */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  try {
    if (!isObj(pattern) || !isObj(event)) return false;
    return matchObject(pattern, event, 0);
  } catch {
    return false;
  }
}

/** Match a pattern object against one level of the event (`node` may be anything). */
function matchObject(pattern: Record<string, unknown>, node: unknown, depth: number): boolean {
  if (depth > MAX_PATTERN_DEPTH) return false;
  const obj = isObj(node) ? node : undefined;
  for (const key of Object.keys(pattern)) {
    const sub = pattern[key];
    if (key === '$or') {
      if (!Array.isArray(sub) || sub.length === 0) return false;
      if (!sub.some((alt) => isObj(alt) && matchObject(alt, node, depth + 1))) return false;
      continue;
    }
    const present = obj !== undefined && hasOwn(obj, key);
    const child = present ? get(obj, key) : undefined;
    if (Array.isArray(sub)) {
      if (!matchField(sub, present, child)) return false;
    } else if (isObj(sub)) {
      if (!matchNested(sub, child, depth + 1)) return false;
    } else {
      return false; // malformed pattern: a field must hold an array or an object
    }
  }
  return true;
}

/** A nested pattern against a child value: objects descend, arrays try each element. */
function matchNested(pattern: Record<string, unknown>, child: unknown, depth: number): boolean {
  if (Array.isArray(child)) {
    const objects = child.filter(isObj);
    if (objects.some((el) => matchObject(pattern, el, depth))) return true;
    // no element matched: the nested fields may still match as "absent" (exists:false)
    return objects.length === 0 && matchObject(pattern, undefined, depth);
  }
  return matchObject(pattern, child, depth);
}

/** Collect the leaf values of an event field (arrays flattened, objects are not leaves). */
function leafValues(value: unknown, out: Leaf[], depth = 0): Leaf[] {
  if (depth > MAX_ARRAY_DEPTH) return out;
  if (Array.isArray(value)) {
    for (const el of value) leafValues(el, out, depth + 1);
  } else if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    out.push(value);
  } else if (typeof value === 'number' && Number.isFinite(value)) {
    out.push(value);
  }
  return out;
}

/** An array of matchers (OR) against one event field. */
function matchField(matchers: unknown[], present: boolean, value: unknown): boolean {
  const values = present ? leafValues(value, []) : [];
  const exists = values.length > 0;
  for (const m of matchers) {
    if (isObj(m) && hasOwn(m, 'exists')) {
      const want = Object.keys(m).length === 1 ? get(m, 'exists') : undefined;
      if (want === true && exists) return true;
      if (want === false && !exists) return true;
      continue;
    }
    if (!exists) continue;
    if (values.some((v) => matchValue(m, v))) return true;
  }
  return false;
}

/** One matcher against one leaf value. */
function matchValue(m: unknown, v: Leaf): boolean {
  if (m === null) return v === null;
  if (typeof m === 'string') return v === m;
  if (typeof m === 'number') return typeof v === 'number' && v === m;
  if (typeof m === 'boolean') return v === m;
  if (!isObj(m)) return false;
  const keys = Object.keys(m);
  if (keys.length !== 1) return false;
  const op = keys[0];
  const arg = m[op];
  switch (op) {
    case 'prefix':
      return typeof v === 'string' && stringOp(arg, (s, ci) => (ci ? lower(v).startsWith(lower(s)) : v.startsWith(s)));
    case 'suffix':
      return typeof v === 'string' && stringOp(arg, (s, ci) => (ci ? lower(v).endsWith(lower(s)) : v.endsWith(s)));
    case 'equals-ignore-case':
      return typeof v === 'string' && typeof arg === 'string' && lower(v) === lower(arg);
    case 'wildcard':
      return typeof v === 'string' && typeof arg === 'string' && wildcardMatch(arg, v);
    case 'anything-but':
      return anythingBut(arg, v);
    case 'numeric':
      return typeof v === 'number' && numericMatch(arg, v);
    case 'cidr':
      return typeof v === 'string' && typeof arg === 'string' && cidrMatch(arg, v);
    default:
      return false;
  }
}

function lower(s: string): string {
  return s.toLowerCase();
}

/** `prefix`/`suffix` take a string, or `{ "equals-ignore-case": string }`. */
function stringOp(arg: unknown, test: (s: string, ignoreCase: boolean) => boolean): boolean {
  if (typeof arg === 'string') return test(arg, false);
  if (isObj(arg) && Object.keys(arg).length === 1 && typeof arg['equals-ignore-case'] === 'string') {
    return test(arg['equals-ignore-case'] as string, true);
  }
  return false;
}

function anythingBut(arg: unknown, v: Leaf): boolean {
  if (typeof arg === 'string' || typeof arg === 'number' || typeof arg === 'boolean' || arg === null) {
    return !matchValue(arg, v);
  }
  if (Array.isArray(arg)) {
    return !arg.some((a) => (typeof a === 'string' || typeof a === 'number') && matchValue(a, v));
  }
  if (isObj(arg)) {
    const keys = Object.keys(arg);
    if (keys.length !== 1) return false;
    const op = keys[0];
    const inner = arg[op];
    if (op === 'prefix' || op === 'suffix' || op === 'wildcard') {
      if (typeof inner !== 'string') return false;
      // a non-string value cannot start/end with the string: it is "anything but" it
      return typeof v !== 'string' || !matchValue({ [op]: inner }, v);
    }
    if (op === 'equals-ignore-case') {
      const list = Array.isArray(inner) ? inner : [inner];
      if (!list.every((s) => typeof s === 'string')) return false;
      return typeof v !== 'string' || !list.some((s) => lower(s as string) === lower(v));
    }
  }
  return false;
}

/** `numeric`: [op, n] or [op, n, op, n] with =, <, <=, >, >=. */
function numericMatch(arg: unknown, v: number): boolean {
  if (!Array.isArray(arg) || arg.length === 0 || arg.length % 2 !== 0 || arg.length > 4) return false;
  for (let i = 0; i < arg.length; i += 2) {
    const op = arg[i];
    const n = arg[i + 1];
    if (typeof n !== 'number' || !Number.isFinite(n)) return false;
    let ok: boolean;
    switch (op) {
      case '=': ok = v === n; break;
      case '<': ok = v < n; break;
      case '<=': ok = v <= n; break;
      case '>': ok = v > n; break;
      case '>=': ok = v >= n; break;
      default: return false;
    }
    if (!ok) return false;
  }
  return true;
}

/** `*` matches any run of characters (no other special characters). Linear-time. */
function wildcardMatch(pattern: string, value: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === value;
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (value.length < first.length + last.length) return false;
  if (!value.startsWith(first) || !value.endsWith(last)) return false;
  let pos = first.length;
  const end = value.length - last.length;
  for (let i = 1; i < parts.length - 1; i++) {
    const p = parts[i];
    if (p === '') continue;
    const at = value.indexOf(p, pos);
    if (at < 0 || at + p.length > end) return false;
    pos = at + p.length;
  }
  return true;
}

function parseIpv4(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const octet = Number(m[i]);
    if (octet > 255) return null;
    n = n * 256 + octet;
  }
  return n;
}

/** IPv4 CIDR only (IPv6 ranges never match here). */
function cidrMatch(cidr: string, ip: string): boolean {
  const [base, bitsText, extra] = cidr.split('/');
  if (extra !== undefined || bitsText === undefined || !/^\d{1,2}$/.test(bitsText)) return false;
  const bits = Number(bitsText);
  const b = parseIpv4(base);
  const a = parseIpv4(ip);
  if (bits > 32 || a === null || b === null) return false;
  if (bits === 0) return true;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}
