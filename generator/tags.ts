/**
 * Per-method policy from JSDoc tags: `@timeout 5s` (also `250ms`, `2m`, `1h`) and
 * `@idempotent`. The runtime reads them from the method descriptor.
 */
import type { JSDocableNode } from 'ts-morph';

export interface MethodTags {
  /** The JSDoc blocks' inner text, tags included, or undefined when there is none. */
  readonly doc: string | undefined;
  readonly timeoutMs: number | undefined;
  readonly idempotent: boolean;
  /** A `@timeout` tag that did not parse: its text and where it is. */
  readonly badTimeout: { readonly text: string; readonly start: number; readonly end: number } | undefined;
}

// setTimeout's own ceiling; the runtime's config uses the same bound.
const MAX_TIMEOUT_MS = 2_147_483_647;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function readTags(node: JSDocableNode): MethodTags {
  const docs = node.getJsDocs();
  const text = docs.map((d) => d.getInnerText().trim()).filter((t) => t.length > 0).join('\n\n');
  let timeoutMs: number | undefined;
  let idempotent = false;
  let badTimeout: MethodTags['badTimeout'];
  for (const tag of docs.flatMap((d) => d.getTags())) {
    const name = tag.getTagName();
    if (name === 'idempotent') idempotent = true;
    if (name !== 'timeout') continue;
    const value = (tag.getCommentText() ?? '').trim();
    const parsed = parseDuration(value);
    if (parsed === undefined) badTimeout = { text: value, start: tag.getStart(), end: tag.getEnd() };
    else timeoutMs = parsed;
  }
  return { doc: text.length > 0 ? text : undefined, timeoutMs, idempotent, badTimeout };
}

/** `5s` → 5000, `250ms` → 250, `1.5m` → 90000; undefined unless a whole, positive, timer-sized number of ms. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/.exec(text);
  if (match === null) return undefined;
  const ms = Number(match[1]) * UNIT_MS[match[2]!]!;
  return Number.isInteger(ms) && ms > 0 && ms <= MAX_TIMEOUT_MS ? ms : undefined;
}
