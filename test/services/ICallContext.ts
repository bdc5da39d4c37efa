/** What the callContext tests call: methods that report what callContext() and call observers saw. */
export interface Seen {
  service: string;
  method: string;
  callId: number;
  deadline: number;
  traceparent: string | null;
  tracestate: string | null;
  /** Date.now() in the worker as the call began. */
  now: number;
  /** callContext()'s callId after an await inside the call, or null when it was undefined. */
  callIdAfterAwait: number | null;
  /** What the store of the test's observer held during the call (its run() sets it), or null. */
  store: string | null;
}

export interface ICallContext {
  /** What callContext() says in this call, before and after waiting `ms`. */
  seen(ms: number): Promise<Seen>;
  /**
   * The same, under a method timeout of its own.
   * @timeout 2s
   */
  seenTimed(): Promise<Seen>;
  /** Yields what callContext() says, once per item. */
  seenStreamed(n: number): AsyncIterable<Seen>;
  /** callContext() seen by a timer this call leaves behind, read by the next call of lastLeftBehind (-1 when undefined). */
  leaveTimer(): void;
  lastLeftBehind(): number;
  /** Registers a call observer that logs each call's begin, run and end, and holds a store during run(). */
  observe(): void;
  /** The observer's log so far. */
  observed(): string[];
  /** Throws an Error with `message`. */
  fail(message: string): number;
}
