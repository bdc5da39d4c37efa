/** The service the stream tests run against: streamed results, and every way a stream can end. */
export interface Row {
  index: number;
  text: string;
}

/** An item of `produce`: how many items the implementation had produced when it yielded this one. */
export interface Produced {
  index: number;
  produced: number;
  pid: number;
}

export interface IStreams {
  /** Yields 0, 1, …, n - 1. */
  count(n: number): AsyncIterable<number>;
  /** Yields n rows from an async generator. */
  rows(n: number): AsyncGenerator<Row>;
  /** Yields n rows from an iterator written by hand, whose return() is its own. */
  rowsByHand(n: number): AsyncIterableIterator<Row>;
  /** Yields the worker's pid n times. */
  pids(n: number): AsyncIterable<number>;
  /**
   * Yields forever. Before each item it writes to `file` how many it has produced (so a test reads
   * the worker's count while the worker is busy), and when its iterator is returned it appends
   * " returned".
   */
  produce(file: string): AsyncIterable<Produced>;
  /**
   * Yields 0 … n - 1 with a deadline of its own, then ends.
   * @timeout 300ms
   */
  countBriefly(n: number): AsyncIterable<number>;
  /** Yields 0 … n - 1, then throws RangeError(message) with code "E_AFTER". */
  failAfter(n: number, message: string): AsyncIterable<number>;
  /** Yields 0 … n - 1, then dereferences NULL in native code (strlen through koffi): a real SIGSEGV. */
  crashAfter(n: number): AsyncIterable<number>;
  /**
   * Yields 0 … n - 1, then waits for ever.
   * @timeout 300ms
   */
  stallAfter(n: number): AsyncIterable<number>;
  /**
   * Yields 0 … n - 1, then a string where the interface says number, then numbers for ever; when
   * its iterator is returned it appends " returned" to `file`.
   */
  lieAfter(n: number, file: string): AsyncIterable<number>;
  /** Yields forever; returned, it appends " returned" to `file` and then never finishes its finally block. */
  stubborn(file: string): AsyncIterable<number>;
  /** Yields n items of `size` bytes, item i filled with i % 256, all from one buffer it fills again for each. */
  chunks(n: number, size: number): AsyncIterable<Uint8Array>;
  /**
   * Appends a line to `file`; while the file has at most `crashes` lines it crashes before its
   * first item, else yields the line count and its pid.
   * @idempotent
   */
  flakyBeforeFirst(file: string, crashes: number): AsyncIterable<number>;
  /**
   * Appends a line to `file`, yields it, then crashes.
   * @idempotent
   */
  crashAfterFirst(file: string): AsyncIterable<number>;
  /** Declared a stream, but returns an array or a promise that rejects (as an implementation in plain JavaScript might). */
  notAStream(what: 'array' | 'rejected promise'): AsyncIterable<number>;
  pid(): number;
}
