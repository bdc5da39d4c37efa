/**
 * A worker process as the platform hands it to WorkerProcess, however it was started: by
 * child_process.spawn in this process (Windows, macOS) or by the pool's spawner process (Linux).
 * It carries only what WorkerProcess uses: the pid, the output streams, the exit, and a kill that
 * reaches what the worker started.
 */
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';

/** What to start. The bootstrap travels on the worker's stdin, never in argv or the environment. */
export interface SpawnRequest {
  readonly executable: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /**
   * Written to the worker's stdin as one JSON line, with `parentPid` added: the pid of the
   * process that spawned the worker, which the worker checks against getppid().
   */
  readonly bootstrap: Readonly<Record<string, unknown>>;
}

/** The line a worker reads first on its stdin: the bootstrap, with the pid of the process that spawned it. */
export function bootstrapLine(request: SpawnRequest, parentPid: number): string {
  return `${JSON.stringify({ ...request.bootstrap, parentPid })}\n`;
}

export interface WorkerChildEvents {
  /** The process runs and `pid` is known; the platform is ready for `adopt`. */
  spawn: [];
  /** The process could not be started (nothing ran); no exit follows. */
  error: [error: Error];
  /** The process ended. `why`, when given, says what ended it from outside (the spawner died). */
  exit: [code: number | null, signal: NodeJS.Signals | null, why: string | undefined];
  /** Something worth a log line that changes nothing (a kill that failed). */
  warning: [message: string];
}

export interface WorkerChild extends EventEmitter<WorkerChildEvents> {
  /** Known once the process runs (from the 'spawn' event on). */
  readonly pid: number | undefined;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /**
   * Settles after 'exit', once whatever the worker started is gone too, as far as the platform
   * can reach it (Linux: the spawner has killed and reaped every orphan the worker left).
   */
  readonly gone: Promise<void>;
  /** Signals the worker and everything it started; after its exit, only what it left behind, where the platform can. */
  kill(signal: NodeJS.Signals, evenIfExited?: boolean): void;
}

/**
 * The process that starts workers failed (Linux: the spawner could not start or died), not
 * the worker's executable: the message says so and what to do.
 */
export class SpawnerError extends Error {
  override readonly name = 'SpawnerError';
}
