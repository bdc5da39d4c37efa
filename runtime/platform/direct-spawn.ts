/**
 * Workers started by child_process.spawn from this process, as Windows and macOS do. (Linux
 * starts them through the spawner, ./spawner-client.ts, so that it can hold their whole tree.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { bootstrapLine, type SpawnRequest, type WorkerChild, type WorkerChildEvents } from './worker-child.js';

export interface DirectSpawnOptions {
  /** Spawn detached: on POSIX each worker leads its own process group; on Windows it is outside libuv's job. */
  readonly detached: boolean;
  /** Kill the worker's process group, not the worker alone (POSIX, with `detached`). */
  readonly groupKill: boolean;
  /**
   * Write the bootstrap only when `releaseBootstrap()` is called (Windows confinement: once the
   * worker is in its job, so that everything it checks about itself holds already).
   */
  readonly holdBootstrap?: boolean;
}

/** A worker whose bootstrap waits for `releaseBootstrap()` (spawned with holdBootstrap). */
export interface HeldChild extends WorkerChild {
  releaseBootstrap(): void;
}

/** Throws what child_process.spawn throws synchronously (EINVAL, EAGAIN); ENOENT and EACCES arrive as 'error'. */
export function spawnDirect(request: SpawnRequest, options: DirectSpawnOptions): HeldChild {
  return new DirectChild(request, options);
}

class DirectChild extends EventEmitter<WorkerChildEvents> implements HeldChild {
  readonly #child: ChildProcess;
  #bootstrap: string | undefined;
  readonly #groupKill: boolean;
  readonly gone: Promise<void>;

  constructor(request: SpawnRequest, options: DirectSpawnOptions) {
    super();
    this.#groupKill = options.groupKill;
    const child = spawn(request.executable, request.args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: request.env as NodeJS.ProcessEnv,
      cwd: request.cwd,
      detached: options.detached,
      windowsHide: true,
    });
    this.#child = child;
    this.gone = new Promise((resolve) => child.once('exit', () => resolve()));
    child.once('spawn', () => this.emit('spawn'));
    child.on('error', (error) => {
      // Spawn failures (ENOENT, EACCES) arrive here, with no 'exit' to follow when nothing ran.
      if (child.pid === undefined) this.emit('error', error);
      else this.emit('warning', error.message);
    });
    child.on('exit', (code, signal) => this.emit('exit', code, signal, undefined));
    child.stdin!.on('error', () => {});
    this.#bootstrap = bootstrapLine(request, process.pid);
    if (options.holdBootstrap !== true) this.releaseBootstrap();
    // An idle worker must not keep the application alive; busy ones do, through their socket.
    child.unref();
    (child.stdout as unknown as Socket).unref?.();
    (child.stderr as unknown as Socket).unref?.();
  }

  releaseBootstrap(): void {
    if (this.#bootstrap === undefined) return;
    this.#child.stdin!.end(this.#bootstrap);
    this.#bootstrap = undefined;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get stdout(): Readable {
    return this.#child.stdout!;
  }

  get stderr(): Readable {
    return this.#child.stderr!;
  }

  kill(signal: NodeJS.Signals, evenIfExited = false): void {
    const child = this.#child;
    if (child.pid === undefined) return;
    const exited = child.exitCode !== null || child.signalCode !== null;
    if (exited && !evenIfExited) return;
    if (this.#groupKill) {
      try {
        // The worker leads its own process group (spawned detached): a negative pid reaches them all.
        process.kill(-child.pid, signal);
        return;
      } catch {
        // No group (it never became one, or every member is gone): fall back to the worker itself.
      }
    }
    if (!exited) {
      try { child.kill(signal); } catch { /* already gone */ }
    }
  }
}
