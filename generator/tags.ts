/**
 * Per-method policy from JSDoc tags: `@timeout 5s` (also `250ms`, `2m`, `1h`) and
 * `@idempotent`. The runtime reads them from the method descriptor. The JSDoc text itself is
 * copied onto the generated client's method, so editors show it on hover.
 */
import { ts } from 'ts-morph';

export interface MethodTags {
  /** The JSDoc blocks' inner text, tags included, or undefined when there is none. */
  readonly doc: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly idempotent: boolean;
  /** A `@timeout` tag that did not parse: its text and where it is. */
  readonly badTimeout: { readonly text: string; readonly node: ts.Node; readonly start: number; readonly end: number } | undefined;
}

// setTimeout's own ceiling; the runtime's config uses the same bound.
const MAX_TIMEOUT_MS = 2_147_483_647;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function readTags(node: ts.Node): MethodTags {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs.map(innerText).filter((t) => t.length > 0).join('\n\n');
  let timeoutMs: number | undefined;
  let idempotent = false;
  let badTimeout: MethodTags['badTimeout'];
  for (const tag of docs.flatMap((d) => [...(d.tags ?? [])])) {
    const name = tag.tagName.text;
    if (name === 'idempotent') idempotent = true;
    if (name !== 'timeout') continue;
    const value = (ts.getTextOfJSDocComment(tag.comment) ?? '').trim();
    const parsed = parseDuration(value);
    if (parsed === undefined) badTimeout = { text: value, node: tag, start: tag.getStart(), end: tag.getEnd() };
    else timeoutMs = parsed;
  }
  return { doc: text.length > 0 ? text : undefined, timeoutMs, idempotent, badTimeout };
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
