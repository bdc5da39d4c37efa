/**
 * What the parent tells a new worker before anything else, as one JSON line on its stdin: the
 * pipe to connect to and the one-time secret that proves the connection is the worker's. stdin
 * rather than argv or the environment, because other local processes can read those.
 */
export interface Bootstrap {
  readonly pipe: string;
  readonly secret: string;
  /** The process that spawned the worker (on Linux the pool's spawner), checked against getppid(). */
  readonly parentPid: number;
  readonly maxFrameBytes: number;
  readonly limits: WorkerLimits;
  /** Present when the pool confines its workers: what to enforce (worker-template/confine/). */
  readonly confine?: WorkerConfinePlan | undefined;
}

import type { WorkerLimits } from './limits.js';
import type { WorkerConfinePlan } from '../runtime/confine/plan.js';

const MAX_LINE = 64 * 1024;

export function readBootstrap(): Promise<Bootstrap> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    let text = '';
    const done = (error: Error | undefined, value?: Bootstrap): void => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', onError);
      // Let go of stdin: the implementation may use it, and it must not keep the worker alive.
      stdin.pause();
      if (error !== undefined) reject(error);
      else resolve(value!);
    };
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('utf8');
      const newline = text.indexOf('\n');
      if (newline >= 0) {
        try {
          done(undefined, parse(text.slice(0, newline)));
        } catch (error) {
          done(error as Error);
        }
      } else if (text.length > MAX_LINE) {
        done(new Error('the bootstrap line on stdin is too long'));
      }
    };
    const onEnd = (): void => done(new Error('stdin closed before the bootstrap line arrived: this file is a process-sandbox worker entry and is started by the pool, not by hand'));
    const onError = (error: Error): void => done(error);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', onError);
  });
}

function parse(line: string): Bootstrap {
  const value = JSON.parse(line) as Partial<Bootstrap>;
  if (typeof value.pipe !== 'string' || typeof value.secret !== 'string'
    || typeof value.parentPid !== 'number' || typeof value.maxFrameBytes !== 'number'
    || typeof value.limits !== 'object' || value.limits === null) {
    throw new Error('the bootstrap line on stdin is malformed');
  }
  return value as Bootstrap;
}
