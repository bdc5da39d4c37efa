/**
 * Helpers the generated validators call. The validators themselves are generated code, one
 * function per type, that return `undefined` when a value fits and an Issue when it does not;
 * they build no strings and allocate nothing on the success path. Paths are built only on
 * failure, by prepending keys as the issue travels back up through the nested validators.
 */
import { ValidationError } from './errors.js';

/** Where and why a value does not fit its declared type. */
export interface Issue {
  /** Keys from the checked value down to the offending part, outermost first. */
  readonly path: (string | number)[];
  readonly expected: string;
  readonly value: unknown;
  /** What was found instead, when the value's kind does not say it (`unexpected property "x"`). */
  readonly received?: string | undefined;
}

/** A generated validator: `undefined` when the value fits. */
export type Check = (value: unknown) => Issue | undefined;

/** A fresh issue at the current value; `received` overrides the description of what was found. */
export function issue(expected: string, value: unknown, received?: string): Issue {
  return received === undefined ? { path: [], expected, value } : { path: [], expected, value, received };
}

/**
 * An issue at a discriminated union's tag that holds none of the allowed values: what was found
 * is the value itself when it is a short primitive (`"triangle"`, `4`), which says more than its type.
 */
export function tagIssue(expected: string, value: unknown): Issue {
  const type = typeof value;
  const shown = type === 'string' ? ((value as string).length <= 40 ? JSON.stringify(value) : undefined)
    : type === 'number' || type === 'boolean' ? String(value)
    : type === 'bigint' ? `${String(value)}n`
    : undefined;
  return issue(expected, value, shown);
}

/** Prepends `key` to the issue's path: call it on the way back up from a nested check. */
export function at(found: Issue, key: string | number): Issue {
  found.path.unshift(key);
  return found;
}

/**
 * For a union none of whose members fits: the issue of the member closest to the value, the one
 * with the fewest `misses` (properties that do not fit, keys it does not declare); on a tie, the
 * one whose issue lies deepest (it got furthest), then the first. Called only on failure.
 */
export function closest(issues: readonly Issue[], misses: readonly number[]): Issue {
  let best = 0;
  for (let i = 1; i < issues.length; i++) {
    const d = misses[i]! - misses[best]!;
    if (d < 0 || (d === 0 && issues[i]!.path.length > issues[best]!.path.length)) best = i;
  }
  return issues[best]!;
}

/**
 * A plain object: its prototype is Object.prototype or null. Arrays, Dates, Maps, binary and
 * class instances are not (a class instance would arrive without its prototype, its getters and
 * its methods, so it is refused where the interface declares an object type).
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Names what a value is, for "expected X, got Y". */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'array';
  if (Buffer.isBuffer(value)) return 'Buffer';
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (value instanceof Date) return 'Date';
  const type = typeof value;
  if (type === 'number' && Number.isNaN(value)) return 'NaN';
  if (type === 'object') {
    const proto = Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null;
    const name = proto?.constructor?.name;
    return proto === null || proto === Object.prototype || name === undefined || name === 'Object' ? 'object' : `${name} instance`;
  }
  return type;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `options.size.width`, `items[3].name`, `tags["a b"]`. */
export function formatPath(root: string, path: readonly (string | number)[]): string {
  let out = root;
  for (const key of path) {
    out += typeof key === 'number' ? `[${key}]` : IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** Builds the ValidationError for an issue found in an argument, a result or a streamed item. */
export function validationError(method: string, where: { argument: string } | { item: number } | 'result', found: Issue): ValidationError {
  const path = where === 'result' ? formatPath('result', found.path)
    : 'item' in where ? formatPath(`item ${where.item}`, found.path)
    : `argument "${formatPath(where.argument, found.path)}"`;
  return new ValidationError({ method, path, expected: found.expected, received: found.received ?? describeValue(found.value) });
}
