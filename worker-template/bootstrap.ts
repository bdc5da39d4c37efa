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
  /** True when the pool started the worker with its inspector (`inspect`): its ready carries the URL. */
  readonly inspect?: boolean | undefined;
}

import { readSync } from 'node:fs';
import type { WorkerLimits } from './limits.js';
import type { WorkerConfinePlan } from '../runtime/confine/plan.js';

const MAX_LINE = 64 * 1024;

/**
 * Reads the line. On POSIX straight from descriptor 0 with blocking reads: the parent writes the
 * line at spawn and closes its end, so there is nothing to wait for but that, and Node's
 * process.stdin (a stream over a socket, set up on first use) would cost the start a few
 * milliseconds more. On Windows stdin is a named pipe that Node reads through libuv: the stream.
 */
export function readBootstrap(): Promise<Bootstrap> {
  if (process.platform === 'win32') return readStreamed();
  try {
    return Promise.resolve(parse(readLineSync(0)));
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

const TOO_LONG = 'the bootstrap line on stdin is too long';
const NOT_BY_HAND = 'stdin closed before the bootstrap line arrived: this file is a process-sandbox worker entry and is started by the pool, not by hand';

function readLineSync(fd: number): string {
  const buffer = Buffer.alloc(MAX_LINE + 1);
  let length = 0;
  for (;;) {
    let read: number;
    try {
      read = readSync(fd, buffer, length, buffer.length - length, null);
    } catch (error) {
      // A descriptor left non-blocking: the line is on its way.
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(PAUSE, 0, 0, 1);
      continue;
    }
    if (read === 0) throw new Error(NOT_BY_HAND);
    const newline = buffer.indexOf(10, length);
    length += read;
    if (newline >= 0 && newline < length) return buffer.toString('utf8', 0, newline);
    if (length > MAX_LINE) throw new Error(TOO_LONG);
  }
}

const PAUSE = new Int32Array(new SharedArrayBuffer(4));

function readStreamed(): Promise<Bootstrap> {
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
        done(new Error(TOO_LONG));
      }
    };
    const onEnd = (): void => done(new Error(NOT_BY_HAND));
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
