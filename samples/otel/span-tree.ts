/**
 * The span tree of one run: the application's spans, and the worker's as its ConsoleSpanExporter
 * printed them (through the pool's logger). Only for showing the tree: a real application sends
 * both processes' spans to one collector, which puts them together by their ids.
 */
import { SpanKind } from '@opentelemetry/api';

export interface TreeSpan {
  readonly name: string;
  readonly id: string;
  readonly parent: string | undefined;
  readonly kind: SpanKind;
  readonly where: string;
}

/** Gathers the worker's printed spans, one `{ … }` block of console.dir output each. */
export class WorkerSpans {
  readonly #found: TreeSpan[] = [];
  #block: string[] = [];

  line(message: string): void {
    const match = /^\[worker (\d+)\] (.*)$/.exec(message);
    if (match === null) return;
    const text = match[2]!;
    if (text === '{') this.#block = [];
    this.#block.push(text);
    if (text !== '}') return;
    const block = this.#block.join('\n');
    const name = /^ {2}name: '(.*)',$/m.exec(block)?.[1];
    const id = /^ {2}id: '([0-9a-f]{16})',$/m.exec(block)?.[1];
    const parent = /^ {2}parentSpanContext: \{[^}]*?spanId: '([0-9a-f]{16})'/m.exec(block)?.[1];
    const kind = Number(/^ {2}kind: (\d+),$/m.exec(block)?.[1] ?? SpanKind.INTERNAL) as SpanKind;
    if (name !== undefined && id !== undefined) this.#found.push({ name, id, parent, kind, where: `worker ${match[1]}` });
  }

  spans(): TreeSpan[] {
    return [...this.#found];
  }
}

/** Prints each span under its parent: `name (KIND, where) id`. */
export function printTree(spans: readonly TreeSpan[]): void {
  const ids = new Set(spans.map((s) => s.id));
  const print = (span: TreeSpan, depth: number): void => {
    console.log(`${'  '.repeat(depth)}${depth > 0 ? '└─ ' : ''}${span.name} (${SpanKind[span.kind]}, ${span.where}) ${span.id}`);
    for (const child of spans.filter((s) => s.parent === span.id)) print(child, depth + 1);
  };
  for (const root of spans.filter((s) => s.parent === undefined || !ids.has(s.parent))) print(root, 0);
}
