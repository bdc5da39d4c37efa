/**
 * Per-method policy from JSDoc tags: `@timeout 5s` (also `250ms`, `2m`, `1h`), `@idempotent`
 * and `@priority 5` (any decimal number, negative too). The runtime reads them from the method
 * descriptor. The JSDoc text itself is
 * copied onto the generated client's method, so editors show it on hover.
 */
import { ts } from 'ts-morph';

export interface MethodTags {
  /** The JSDoc blocks' inner text, tags included, or undefined when there is none. */
  readonly doc: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly idempotent: boolean;
  readonly priority: number | undefined;
  /** A `@timeout` tag that did not parse: its text and where it is. */
  readonly badTimeout: BadTag | undefined;
  /** A `@priority` tag that did not parse. */
  readonly badPriority: BadTag | undefined;
}

/** A tag whose value did not parse: the value and where the tag is. */
export interface BadTag { readonly text: string; readonly node: ts.Node; readonly start: number; readonly end: number }

// setTimeout's own ceiling; the runtime's config uses the same bound.
const MAX_TIMEOUT_MS = 2_147_483_647;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function readTags(node: ts.Node): MethodTags {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs.map(innerText).filter((t) => t.length > 0).join('\n\n');
  let timeoutMs: number | undefined;
  let idempotent = false;
  let priority: number | undefined;
  let badTimeout: BadTag | undefined;
  let badPriority: BadTag | undefined;
  for (const tag of docs.flatMap((d) => [...(d.tags ?? [])])) {
    const name = tag.tagName.text;
    if (name === 'idempotent') idempotent = true;
    if (name !== 'timeout' && name !== 'priority') continue;
    const value = (ts.getTextOfJSDocComment(tag.comment) ?? '').trim();
    const bad = { text: value, node: tag, start: tag.getStart(), end: tag.getEnd() };
    if (name === 'timeout') {
      const parsed = parseDuration(value);
      if (parsed === undefined) badTimeout = bad;
      else timeoutMs = parsed;
    } else {
      const parsed = parsePriority(value);
      if (parsed === undefined) badPriority = bad;
      else priority = parsed;
    }
  }
  return { doc: text.length > 0 ? text : undefined, timeoutMs, idempotent, priority, badTimeout, badPriority };
}

/** A JSDoc block without its delimiters and the leading `*` of each line. */
function innerText(doc: ts.JSDoc): string {
  const lines = doc.getText().replace(/^\/\*\*/, '').replace(/\*\/$/, '').split(/\r?\n/);
  return lines.map((l) => l.replace(/^\s*\* ?/, '').trimEnd()).join('\n').trim();
}

/** `5s` → 5000, `250ms` → 250, `1.5m` → 90000; undefined unless a whole, positive, timer-sized number of ms. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(text);
  if (match === null) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return Number.isInteger(ms) && ms > 0 && ms <= MAX_TIMEOUT_MS ? ms : undefined;
}

/** `5` → 5, `-1` → -1, `0.5` → 0.5; undefined unless a plain decimal number that is finite. */
export function parsePriority(text: string): number | undefined {
  if (!/^-?\d+(?:\.\d+)?$/.test(text)) return undefined;
  const value = Number(text);
  // -0 would print as 0 anyway; normalise it so the descriptor says what it means.
  return Number.isFinite(value) ? value + 0 : undefined;
}
