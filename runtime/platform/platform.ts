/**
 * What the pool needs from the operating system, behind one small interface. One implementation
 * per OS, chosen once in ./index.ts; the pool never checks process.platform itself.
 */
import { spawnDirect, type DirectSpawnOptions } from './direct-spawn.js';
import type { ResourceSample } from './resources.js';
import type { SpawnRequest, WorkerChild } from './worker-child.js';

export type { SpawnRequest, WorkerChild } from './worker-child.js';

export interface Platform {
  readonly name: string;
  /** Spawn workers detached: on POSIX that makes each its own process group, so a kill takes its children too. */
  readonly detachWorkers: boolean;
  /** Makes the private place a pool's pipes live in (POSIX: a fresh 0700 directory); undefined where pipes need none. */
  createPipeHome(prefix: string): Promise<string | undefined>;
  /** The address of one worker's pipe. */
  pipePath(home: string | undefined, prefix: string, name: string): string;
  /** Removes what createPipeHome made. */
  removePipeHome(home: string | undefined): Promise<void>;
  /** Measures a worker from outside; undefined when it is gone. */
  sampleResources(pid: number): Promise<ResourceSample | undefined>;
  /**
   * The most memory a worker run by `executable` can use before allocations start failing in
   * it, for a worker whose address space is the bound (a 32-bit node.exe); the pool caps
   * maxMemoryMB below it. Absent, or undefined, where nothing but the machine sets a bound.
   */
  workerMemoryCeilingBytes?(executable: string): Promise<number | undefined>;
  /**
   * Whether a debugger is attached to the inspector a worker listens with on `port` (the
   * `inspect` option), asked only when one of its calls overran its deadline. Absent where the
   * platform cannot tell (Windows, macOS): there, no call of a pool with `inspect` times out.
   */
  debuggerAttached?(pid: number, port: number): Promise<boolean>;
  /**
   * Where a pool's workers live (Windows: one Job Object per pool; Linux: the application's
   * spawner, shared by its pools, and cgroups), made when the pool starts.
   */
  openIsolation(options: IsolationOptions): PoolIsolation;
}

export interface IsolationOptions {
  /** A hard per-process memory limit, where the OS enforces one (Windows Job Objects). */
  readonly processMemoryLimitBytes?: number | undefined;
}

export interface PoolIsolation {
  /**
   * Starts one of the pool's workers. Throws when it cannot even try; a failure to start
   * arrives as the child's 'error' event.
   */
  spawn(request: SpawnRequest): WorkerChild;
  /**
   * Called once the worker runs (its 'spawn' event). The worker loads no user code until this
   * has settled: it waits for the parent's go-ahead, which is sent only then. A rejection fails
   * the worker's start.
   */
  adopt(child: WorkerChild): void | Promise<void>;
  /**
   * Releases what openIsolation made; called when the pool has stopped its workers. A promise,
   * where there is one, settles when everything it held has ended (Linux: the spawner, when this
   * was the last pool using it), and never rejects.
   */
  close(): void | Promise<void>;
}

/** Isolation that needs nothing beyond child_process.spawn: macOS, and the Windows tests' control case. */
export function directIsolation(options: DirectSpawnOptions): PoolIsolation {
  return { spawn: (request) => spawnDirect(request, options), adopt() {}, close() {} };
}
