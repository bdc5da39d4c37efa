/**
 * What the pool needs from the operating system, behind one small interface. One implementation
 * per OS, chosen once in ./index.ts; the pool never checks process.platform itself.
 */
import type { ChildProcess } from 'node:child_process';
import type { ResourceSample } from './resources.js';

export interface Platform {
  readonly name: string;
  /** Spawn workers detached: on POSIX that makes each its own process group, so killTree takes its children too. */
  readonly detachWorkers: boolean;
  /** Makes the private place a pool's pipes live in (POSIX: a fresh 0700 directory); undefined where pipes need none. */
  createPipeHome(prefix: string): Promise<string | undefined>;
  /** The address of one worker's pipe. */
  pipePath(home: string | undefined, prefix: string, name: string): string;
  /** Removes what createPipeHome made. */
  removePipeHome(home: string | undefined): Promise<void>;
  /**
   * Signals a worker and everything it started. With `evenIfExited`, also reaches what it
   * started after the worker itself has exited.
   */
  killTree(child: ChildProcess, signal: NodeJS.Signals, evenIfExited?: boolean): void;
  /** Measures a worker from outside; undefined when it is gone. */
  sampleResources(pid: number): Promise<ResourceSample | undefined>;
  /**
   * The most memory a worker run by `executable` can use before allocations start failing in
   * it, for a worker whose address space is the bound (a 32-bit node.exe); the pool caps
   * maxMemoryMB below it. Absent, or undefined, where nothing but the machine sets a bound.
   */
  workerMemoryCeilingBytes?(executable: string): Promise<number | undefined>;
  /** Per-pool isolation (Windows: one Job Object per pool), made when the pool starts. */
  openIsolation(options: IsolationOptions): PoolIsolation;
}

export interface IsolationOptions {
  /** A hard per-process memory limit, where the OS enforces one (Windows Job Objects). */
  readonly processMemoryLimitBytes?: number | undefined;
}

export interface PoolIsolation {
  /**
   * Called right after a worker is spawned. The worker loads no user code until this has
   * settled: it waits for the parent's go-ahead, which is sent only then. A rejection fails
   * the worker's start.
   */
  adopt(child: ChildProcess): void | Promise<void>;
  /** Releases what openIsolation made; called when the pool has stopped its workers. */
  close(): void;
}

/** Isolation that needs nothing beyond what spawn already does. */
export const NO_ISOLATION: PoolIsolation = { adopt() {}, close() {} };
