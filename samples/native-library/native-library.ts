/**
 * The implementation of INativeLibrary: thin koffi bindings to build/libnative.so. It runs only
 * inside worker processes (the client names this module as workerModule), never in the
 * application, so whatever the C code does happens to a worker.
 */
import { fileURLToPath } from 'node:url';
import koffi from 'koffi';
import type { INativeLibrary } from './INativeLibrary.js';

// Beside the compiled module: dist/native-library.js -> build/libnative.so.
const libraryPath = fileURLToPath(new URL('../build/libnative.so', import.meta.url));
// The C library's document handle, declared once per process (every lease constructs an instance).
koffi.opaque('document');

export default class NativeLibrary implements INativeLibrary {
  readonly #compute: (x: number, n: number) => number;
  readonly #parseLength: (s: string) => number;
  readonly #leak: (kib: number) => number;
  readonly #hang: () => void;
  readonly #counterNext: () => number;
  readonly #docOpen: () => unknown;
  readonly #docAdd: (d: unknown, value: number) => number;
  readonly #docTotal: (d: unknown) => number;
  readonly #docClose: (d: unknown) => void;
  /** This instance's open documents. Each lease gets an instance of its own (newInstancePerLease). */
  readonly #documents = new Map<number, unknown>();
  #nextDocument = 1;

  constructor() {
    const lib = koffi.load(libraryPath);
    this.#compute = lib.func('double compute(double x, int n)') as (x: number, n: number) => number;
    this.#parseLength = lib.func('int parse_length(const char *s)') as (s: string) => number;
    this.#leak = lib.func('int leak(int kib)') as (kib: number) => number;
    this.#hang = lib.func('void hang()') as () => void;
    this.#counterNext = lib.func('int counter_next()') as () => number;
    this.#docOpen = lib.func('document *doc_open()') as () => unknown;
    this.#docAdd = lib.func('int doc_add(document *d, double value)') as (d: unknown, value: number) => number;
    this.#docTotal = lib.func('double doc_total(const document *d)') as (d: unknown) => number;
    this.#docClose = lib.func('void doc_close(document *d)') as (d: unknown) => void;
  }

  compute(x: number, n: number): number { return this.#compute(x, n); }
  parseLength(text: string): number { return this.#parseLength(text); }
  leak(kib: number): number { return this.#leak(kib); }
  hang(): void { this.#hang(); }
  counterNext(): number { return this.#counterNext(); }
  pid(): number { return process.pid; }

  openDocument(): number {
    const doc = this.#nextDocument++;
    this.#documents.set(doc, this.#docOpen());
    return doc;
  }

  addLine(doc: number, value: number): number { return this.#docAdd(this.#document(doc), value); }

  async *partialSums(x: number, terms: number): AsyncGenerator<number> {
    for (let n = 1; n <= terms; n++) yield this.#compute(x, n);
  }

  closeDocument(doc: number): number {
    const d = this.#document(doc);
    const total = this.#docTotal(d);
    this.#docClose(d);
    this.#documents.delete(doc);
    return total;
  }

  #document(doc: number): unknown {
    const d = this.#documents.get(doc);
    if (d === undefined) throw new Error(`document ${doc} is not open here (pid ${process.pid}): make the calls of one session on one lease`);
    return d;
  }
}
