/**
 * The service the application calls. sandbox-gen reads this file and generates
 * INativeLibraryClient (every method returns a promise), the worker entry and the validators.
 */
export interface INativeLibrary {
  /** e^x from the first `n` terms of its Taylor series, computed in C. */
  compute(x: number, n: number): number;
  /** The length of `text`, computed in C; an empty string dereferences NULL (SIGSEGV). */
  parseLength(text: string): number;
  /** Leaks `kib` KiB of touched memory in C; returns the KiB this process has leaked so far. */
  leak(kib: number): number;
  /** Spins forever in C: the worker's event loop never runs again. */
  hang(): void;
  /** Increments a static counter in C; each worker process has its own. */
  counterNext(): number;
  /** The worker's process id. */
  pid(): number;
  /** Opens a document in C memory; the number names it in this instance of the library only. */
  openDocument(): number;
  /** Adds a line with a value to an open document, in C; returns its line count. */
  addLine(doc: number, value: number): number;
  /** Closes a document (freeing its C memory) and returns the sum of its values. */
  closeDocument(doc: number): number;
  /** The partial sums of e^x's Taylor series, computed in C, one item per term as it is computed: a streamed result. */
  partialSums(x: number, terms: number): AsyncIterable<number>;
}
