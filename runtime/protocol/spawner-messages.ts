/**
 * What the application and its spawner process (Linux) say to each other, as Node IPC messages
 * (JSON) on the spawner's private channel. Types only, so the spawner imports nothing from here
 * at run time. Each worker is named by the application's number for it (`id`), since its pid is
 * not known until the spawner has spawned it.
 */

/** Application to spawner. */
export type ToSpawner =
  | {
    readonly t: 'spawn';
    readonly id: number;
    readonly executable: string;
    readonly args: readonly string[];
    /**
     * The environment, by the application's number for it: sent with the first spawn that uses
     * it (`env`) and named by `envId` alone after that (every worker of a pool has the same one,
     * and serializing it on every start cost a third of a millisecond of the application's thread).
     */
    readonly envId: number;
    readonly env?: Readonly<Record<string, string | undefined>>;
    readonly cwd: string;
    /** Written to the worker's stdin as one JSON line, with the spawner's pid as `parentPid`. */
    readonly bootstrap: Readonly<Record<string, unknown>>;
  }
  /** Signal the worker's process group (the worker alone, if it has none); ignored once it has exited. */
  | { readonly t: 'kill'; readonly id: number; readonly signal: NodeJS.Signals };

/** Spawner to application, in order for each worker: spawned or failed, out and eof, exit, gone. */
export type FromSpawner =
  /** The worker runs, and the spawner is the subreaper of everything it will start. */
  | { readonly t: 'spawned'; readonly id: number; readonly pid: number }
  /** Nothing ran (ENOENT, EACCES); `code` is the errno name. */
  | { readonly t: 'failed'; readonly id: number; readonly code: string | undefined; readonly message: string }
  /** Output of the worker on its stdout (1) or stderr (2), decoded as UTF-8. */
  | { readonly t: 'out'; readonly id: number; readonly fd: 1 | 2; readonly text: string }
  | { readonly t: 'eof'; readonly id: number; readonly fd: 1 | 2 }
  | { readonly t: 'exit'; readonly id: number; readonly code: number | null; readonly signal: NodeJS.Signals | null }
  /** After exit: every process the worker left behind has been killed and reaped. */
  | { readonly t: 'gone'; readonly id: number };
