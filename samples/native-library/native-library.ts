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

export default class NativeLibrary implements INativeLibrary {
  readonly #compute: (x: number, n: number) => number;
  readonly #parseLength: (s: string) => number;
  readonly #leak: (kib: number) => number;
  readonly #hang: () => void;
  readonly #counterNext: () => number;

  constructor() {
    const lib = koffi.load(libraryPath);
    this.#compute = lib.func('double compute(double x, int n)') as (x: number, n: number) => number;
    this.#parseLength = lib.func('int parse_length(const char *s)') as (s: string) => number;
    this.#leak = lib.func('int leak(int kib)') as (kib: number) => number;
    this.#hang = lib.func('void hang()') as () => void;
    this.#counterNext = lib.func('int counter_next()') as () => number;
  }

  compute(x: number, n: number): number { return this.#compute(x, n); }
  parseLength(text: string): number { return this.#parseLength(text); }
  leak(kib: number): number { return this.#leak(kib); }
  hang(): void { this.#hang(); }
  counterNext(): number { return this.#counterNext(); }
  pid(): number { return process.pid; }
}
