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
  /** Signals a worker and everything it started. */
  killTree(child: ChildProcess, signal: NodeJS.Signals): void;
  /** Measures a worker from outside; undefined when it is gone. */
  sampleResources(pid: number): Promise<ResourceSample | undefined>;
}
