/** What the priority, scale-down and warm-up tests call: calls that take a while, and warm-ups that work or fail. */
export interface Probe {
  pid: number;
  /** The levels of the warm-ups this worker ran, in order. */
  warmUps: number[];
}

export interface IElastic {
  /** Resolves with `tag` after `ms` milliseconds. */
  work(tag: string, ms: number): Promise<string>;
  /**
   * Returns `tag`; its calls wait at priority 5 unless a call says otherwise.
   * @priority 5
   */
  urgent(tag: string): string;
  /**
   * Crashes its worker the first time (it creates `file`, then SIGKILLs itself); returns `tag` once `file` exists.
   * @idempotent
   */
  crashOnce(file: string, tag: string): string;
  /** The worker's pid and the warm-ups it ran. */
  probe(): Probe;
  /** A warm-up: waits `ms` (0 by default), then records `level` and returns it. */
  warm(level: number, ms?: number): Promise<number>;
  /** A warm-up that throws an Error with `message` while `flagFile` exists (always, without one). */
  warmFails(message: string, flagFile?: string): void;
  /** A warm-up whose process exits with code 3. */
  warmExits(): void;
  /**
   * A warm-up that never returns.
   * @timeout 300ms
   */
  warmHangs(): Promise<void>;
  /** SIGKILLs its own worker. */
  crash(): number;
}
