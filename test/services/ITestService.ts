/** The service most runtime tests run against: real work, and every way a worker can fail. */
export interface Shape {
  name: string;
  sides: number;
  tags?: string[];
  origin: { x: number; y: number } | null;
}

export interface ITestService {
  add(a: number, b: number): number;
  concat(parts: string[], separator?: string): string;
  echo(data: Uint8Array): Uint8Array;
  echoBuffer(data: Buffer): Promise<Buffer>;
  describe(shape: Shape): Shape;
  maybe(flag: boolean): string | null | undefined;
  nothing(): void;
  /** Resolves after `ms` milliseconds with the worker's pid. */
  sleep(ms: number): Promise<number>;
  pid(): number;
  /** Dereferences a NULL pointer in native code (strlen(NULL) through koffi): a real SIGSEGV. */
  segfault(): number;
  /** Calls process.exit(code) in the worker. */
  exit(code: number): number;
  /** Never returns: a synchronous busy loop the event loop cannot interrupt. */
  hang(): number;
  /**
   * Never returns either, but its own deadline is short.
   * @timeout 300ms
   */
  hangBriefly(): number;
  /** Returns, then ignores SIGTERM and blocks the worker's event loop for good: a worker that will not stop. */
  wedge(): number;
  /** Appends one line to `file`, then returns the worker's pid; used to prove a call ran once. */
  touch(file: string): number;
  /** Appends one line to `file`, then crashes: the call ran, and its worker died with it. */
  touchThenCrash(file: string): number;
  fail(message: string, code?: string): number;
  /**
   * Appends a line to `file`; crashes the worker (SIGSEGV) while the file has at most `crashes`
   * lines, else returns the line count.
   * @idempotent
   */
  flaky(file: string, crashes: number): number;
  /** Returns a value of the wrong type, to prove the client validates results. */
  lie(): number;
  /** mallocs `mib` MiB in native code, touches every page, never frees it; returns the worker's pid. */
  leakNative(mib: number): number;
  /** Opens `count` file descriptors and never closes them; returns the worker's pid. */
  leakHandles(count: number): number;
  /** Tries to malloc `mib` MiB in native code (and frees it): false when the allocation failed. */
  tryAllocate(mib: number): boolean;
  /** Starts a child process (`sleep`) of the worker and returns its pid. */
  spawnGrandchild(): number;
  /** Writes a line to stdout and one to stderr. */
  chatter(text: string): number;
  /** Segfaults in native code while `flagFile` exists (a fault that is later fixed); else returns the worker's pid. */
  crashWhileFlagged(flagFile: string): number;
  /** Appends `id` as a line to `file` and returns it: proves which calls ran, and how often. */
  mark(file: string, id: number): number;
  /** Blocks the worker's event loop for good after returning (it cannot read a shutdown request), but leaves SIGTERM's default. */
  block(): number;
  /**
   * Starts `sleep 600` and returns its pid: 'plain' as a child of the worker; 'setsid-double-fork'
   * through an intermediate process that starts it in a session of its own (setsid) and exits,
   * so the sleep is orphaned, outside the worker's process group and session.
   */
  spawnChild(mode: 'plain' | 'setsid-double-fork'): Promise<number>;
}
