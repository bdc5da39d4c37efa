/**
 * A worker's stdout and stderr are logs, never signals: split into lines, each bounded, tagged
 * with the worker, handed to the logger. The last few stderr lines are kept to explain a worker
 * that fails to start.
 */
import type { Readable } from 'node:stream';

const MAX_LINE = 8 * 1024;
const TAIL_LINES = 20;

export class LineSplitter {
  #partial = '';
  readonly #tail: string[] = [];
  readonly #onLine: (line: string) => void;

  constructor(stream: Readable, onLine: (line: string) => void) {
    this.#onLine = onLine;
    stream.setEncoding('utf8');
    stream.on('data', (text: string) => this.#push(text));
    stream.on('end', () => this.flush());
    stream.on('error', () => {});
  }

  /** The last lines seen, oldest first. */
  get tail(): string {
    const lines = this.#partial.length > 0 ? [...this.#tail, this.#partial] : this.#tail;
    return lines.join('\n');
  }

  flush(): void {
    if (this.#partial.length > 0) {
      this.#emit(this.#partial);
      this.#partial = '';
    }
  }

  #push(text: string): void {
    let start = 0;
    for (let nl = text.indexOf('\n'); nl >= 0; nl = text.indexOf('\n', start)) {
      this.#emit(this.#partial + text.slice(start, nl));
      this.#partial = '';
      start = nl + 1;
    }
    this.#partial += text.slice(start);
    // A line without an end must not grow without bound: cut it into pieces.
    while (this.#partial.length > MAX_LINE) {
      this.#emit(`${this.#partial.slice(0, MAX_LINE)} …(line continues)`);
      this.#partial = this.#partial.slice(MAX_LINE);
    }
  }

  #emit(line: string): void {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    const bounded = text.length > MAX_LINE ? `${text.slice(0, MAX_LINE)} …(truncated)` : text;
    this.#tail.push(bounded);
    if (this.#tail.length > TAIL_LINES) this.#tail.shift();
    this.#onLine(bounded);
  }
}
