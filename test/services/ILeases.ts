/** A stateful service for the lease tests: sessions in native memory and per-instance state. */
export interface Identity {
  pid: number;
  /** Which instance ran the call, numbered in the order this process made them. */
  instance: number;
  /** Instances this process has constructed and disposed so far. */
  constructed: number;
  disposed: number;
}

export interface ILeases {
  /** Opens a session: a counter in memory malloc'd by libc; returns its address, which means something only in this process. */
  openSession(start: number): number;
  /** Adds `n` to the session's counter, in native memory, and returns it; fails for an address this process did not give out. */
  addTo(session: number, n: number): number;
  /** Frees the session's memory and returns its last value. */
  closeSession(session: number): number;
  /** Sessions open in this process. */
  openSessions(): number;
  whoAmI(): Identity;
  /** Keeps a value on the instance that runs the call. */
  remember(value: string): void;
  recall(): string | null;
  sleep(ms: number): Promise<number>;
  /** Dereferences NULL in native code: a real SIGSEGV. */
  segfault(): number;
  /**
   * Segfaults too, but may be retried on another worker, except on a lease.
   * @idempotent
   */
  segfaultIdempotent(): number;
  hang(): number;
  fail(message: string): number;
  /** Adds 1 to the session's counter `n` times, in native memory, yielding each value. */
  countUp(session: number, n: number): AsyncIterable<number>;
  /** Yields 0 … n - 1, then dereferences NULL in native code: a real SIGSEGV mid-stream. */
  crashAfter(n: number): AsyncIterable<number>;
}
