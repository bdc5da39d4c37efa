/**
 * The application's end of the spawner (Linux; spawner/main.cts is the process itself). One
 * spawner per application, started by the first pool that spawns a worker, shared by every pool,
 * stopped when the last pool using it closes. It is started with the application's own Node,
 * no flags, and an environment without NODE_OPTIONS (the application's preloads are not its
 * business) and NODE_EXTRA_CA_CERTS (it makes no TLS connection, and reading the certificates
 * costs 35-100 ms at every start); its handle and channel are unref'd, so it never keeps the
 * application alive.
 *
 * If it dies while the application lives, its workers die with it (their parent-death signal):
 * each is reported exited by SIGKILL, a worker not yet started fails with a SpawnerError, and the
 * next spawn starts a new spawner.
 *
 * The spawner is started by the spawn of a first worker, and that worker boots beside it rather
 * than after it (a Node start, 20-60 ms, off the first pool's start-up): the application starts
 * `/bin/sh`, which forks the worker, with the application's pipes as its stdio, and then execs
 * the spawner in its own pid, so the worker is the spawner's child like every other. Without a
 * usable /bin/sh (or an executable it could not run), the spawner starts alone and spawns it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants as fs } from 'node:fs';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { Readable, type Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { FromSpawner, ToSpawner } from '../protocol/spawner-messages.js';
import { bootstrapLine, SpawnerError, type SpawnRequest, type WorkerChild, type WorkerChildEvents } from './worker-child.js';

/**
 * The spawner's entry, and the shell that starts it with a first worker beside it (undefined: the
 * spawner starts alone). Properties, so a test can point them elsewhere.
 */
export const spawnerEntry: { path: string; shell: string | undefined } = {
  path: fileURLToPath(new URL('../../spawner/main.cjs', import.meta.url)),
  shell: '/bin/sh',
};

/**
 * Run by the shell with: spawner's node, spawner's entry, application pid, worker id, then the
 * worker's command line. The worker gets fds 4-6 as stdin, stdout and stderr, and neither the
 * IPC channel (fd 3) nor Node's variables naming it; the spawner keeps only the channel, unsets
 * what it must not inherit (as when it starts alone), and leaves the workers' cwd for /.
 */
const FORK_THEN_EXEC = [
  'node=$1 entry=$2 application=$3 id=$4; shift 4',
  '(unset NODE_CHANNEL_FD NODE_CHANNEL_SERIALIZATION_MODE; exec "$@" <&4 >&5 2>&6 3>&- 4<&- 5>&- 6>&-) &',
  'worker=$!',
  'exec 4<&- 5>&- 6>&-',
  'unset NODE_OPTIONS NODE_EXTRA_CA_CERTS',
  'cd / && exec "$node" "$entry" "$application" "$worker" "$id"',
].join('\n');

/** How long the spawner may take to exit once released before it is killed. */
const STOP_TIMEOUT_MS = 6000;
/** How long after a worker's exit its leftovers may take before it is called gone anyway. */
const GONE_TIMEOUT_MS = 5000;
const STDERR_TAIL_CHARS = 2000;

export interface SpawnerLease {
  /** Starts a worker through the spawner, starting the spawner first if none runs. */
  spawn(request: SpawnRequest): WorkerChild;
  /** Gives the lease back; the last one stops the spawner and resolves when it has exited. */
  release(): Promise<void>;
}

let current: Spawner | undefined;
let leases = 0;

/** One per pool. */
export function leaseSpawner(): SpawnerLease {
  leases++;
  let released = false;
  return {
    spawn(request) {
      if (released) throw new SpawnerError('the pool has closed: it starts no more workers');
      if (current !== undefined && !current.ended) return current.spawn(request);
      const spawner = new Spawner((ended) => { if (current === ended) current = undefined; }, request);
      current = spawner;
      return spawner.first;
    },
    release() {
      if (released) return Promise.resolve();
      released = true;
      if (--leases > 0 || current === undefined) return Promise.resolve();
      const spawner = current;
      current = undefined;
      return spawner.stop();
    },
  };
}

class Spawner {
  /** The worker whose spawn started this spawner. */
  readonly first: WorkerChild;
  readonly #process: ChildProcess | undefined;
  readonly #workers = new Map<number, SpawnedWorker>();
  readonly #closed: Promise<void>;
  readonly #onEnd: (spawner: Spawner) => void;
  #nextId = 1;
  /** The environments this spawner has been sent, by identity (a pool's workers share one object). */
  readonly #envIds = new Map<object, number>();
  #startError: Error | undefined;
  #ended: string | undefined;
  #stderr = '';

  constructor(onEnd: (spawner: Spawner) => void, first: SpawnRequest) {
    this.#onEnd = onEnd;
    const beside = besideable(first);
    let child: ChildProcess | undefined;
    try {
      child = beside ? this.#startWith(first) : this.#startAlone();
    } catch (error) {
      this.#startError = error as Error;
    }
    this.#process = child;
    if (child === undefined) {
      this.#closed = Promise.resolve();
      this.#end(`could not be started: ${this.#startError!.message}`);
      this.first = this.spawn(first);
      return;
    }
    // Ended once it has exited, its channel is read to the end (no message lost) and its stderr
    // too. Not 'close': that never comes after a disconnect() from this side.
    let exit = '';
    let waiting = 3;
    this.#closed = new Promise((resolve) => {
      const step = (): void => {
        if (--waiting > 0) return;
        this.#end(exit);
        resolve();
      };
      child.once('exit', (code, signal) => {
        exit = signal !== null ? `was killed by signal ${signal}` : `exited with code ${code}`;
        step();
      });
      child.once('disconnect', step);
      child.stderr!.once('close', step);
    });
    child.on('error', (error) => {
      if (child.pid === undefined) this.#end(`could not be started: ${error.message}`);
    });
    child.on('message', (message: FromSpawner) => this.#onMessage(message));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => { this.#stderr = (this.#stderr + text).slice(-STDERR_TAIL_CHARS); });
    child.unref();
    child.channel?.unref();
    (child.stderr as Socket).unref();
    if (!beside) {
      this.first = this.spawn(first);
      return;
    }
    const worker = new SpawnedWorker(this.#nextId++, this, first.executable);
    this.#workers.set(worker.id, worker);
    this.first = worker;
    const stdio = child.stdio as unknown as readonly (Readable | Writable)[];
    const [stdin, stdout, stderr] = [stdio[4] as Writable, stdio[5] as Readable, stdio[6] as Readable];
    stdin.on('error', () => {});
    stdin.end(bootstrapLine(first, child.pid!));
    worker.takeOutput(stdout, stderr);
  }

  /** The spawner alone, with the application's Node, no flags, and neither NODE_OPTIONS nor NODE_EXTRA_CA_CERTS. */
  #startAlone(): ChildProcess {
    const env = { ...process.env };
    delete env['NODE_OPTIONS'];
    delete env['NODE_EXTRA_CA_CERTS'];
    return spawn(process.execPath, [spawnerEntry.path, String(process.pid)], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env,
      // Holds no directory busy; workers get their own cwd.
      cwd: '/',
      // Its own session: a terminal's Ctrl-C or hang-up, meant for the application, does not reach it.
      detached: true,
      serialization: 'json',
    });
  }

  /**
   * The shell that forks `first` and becomes the spawner (FORK_THEN_EXEC): started in the
   * worker's environment and directory, which the spawner then drops as it would have.
   */
  #startWith(first: SpawnRequest): ChildProcess {
    const args = ['-c', FORK_THEN_EXEC, 'process-sandbox-spawner', process.execPath, spawnerEntry.path, String(process.pid), String(this.#nextId), first.executable, ...first.args];
    return spawn(spawnerEntry.shell!, args, {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc', 'pipe', 'pipe', 'pipe'],
      env: first.env as NodeJS.ProcessEnv,
      cwd: first.cwd,
      detached: true,
      serialization: 'json',
    });
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  get ended(): boolean {
    return this.#ended !== undefined;
  }

  spawn(request: SpawnRequest): WorkerChild {
    const worker = new SpawnedWorker(this.#nextId++, this, request.executable);
    if (this.#ended !== undefined) {
      // Reported as the child's 'error', after the caller has had a chance to listen.
      process.nextTick(() => worker.onSpawnerEnded(this.#describe()));
      return worker;
    }
    this.#workers.set(worker.id, worker);
    let envId = this.#envIds.get(request.env);
    const known = envId !== undefined;
    if (envId === undefined) {
      envId = this.#envIds.size + 1;
      this.#envIds.set(request.env, envId);
    }
    this.send({ t: 'spawn', id: worker.id, executable: request.executable, args: request.args, envId, ...(known ? {} : { env: request.env }), cwd: request.cwd, bootstrap: request.bootstrap });
    return worker;
  }

  send(message: ToSpawner): void {
    // A failed send means the spawner is gone; its 'close' reports that.
    if (this.#process?.connected) this.#process.send(message, undefined, {}, () => {});
  }

  forget(worker: SpawnedWorker): void {
    this.#workers.delete(worker.id);
  }

  /** Closes the channel: the spawner kills whatever is left (normally nothing) and exits. */
  stop(): Promise<void> {
    if (this.#ended !== undefined) return Promise.resolve();
    const child = this.#process;
    if (child?.connected) child.disconnect();
    if (child !== undefined) {
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      timer.unref();
      void this.#closed.then(() => clearTimeout(timer));
    }
    return this.#closed;
  }

  #onMessage(message: FromSpawner): void {
    const worker = this.#workers.get(message.id);
    if (worker === undefined) return;
    switch (message.t) {
      case 'spawned': worker.onSpawned(message.pid); break;
      case 'failed': worker.onFailed(message.code, message.message); break;
      case 'out': worker.onOutput(message.fd, message.text); break;
      case 'eof': worker.onOutput(message.fd, null); break;
      case 'exit': worker.onExit(message.code, message.signal, undefined); break;
      case 'gone': worker.onGone(); break;
    }
  }

  #end(how: string): void {
    if (this.#ended !== undefined) return;
    this.#ended = how;
    this.#onEnd(this);
    const end = this.#describe();
    for (const worker of this.#workers.values()) worker.onSpawnerEnded(end);
    this.#workers.clear();
  }

  /** What happened to the spawner, and its last stderr lines, for the messages of its workers. */
  #describe(): SpawnerEnd {
    const who = this.pid === undefined ? 'the spawner process' : `the spawner process (pid ${this.pid})`;
    const stderr = this.#stderr.trim();
    return {
      what: `${who}, which starts this application's workers on Linux (${process.execPath} ${spawnerEntry.path}), ${this.#ended}`,
      stderr: stderr.length > 0 ? `\n--- spawner stderr (last lines) ---\n${stderr}` : '',
    };
  }
}

/**
 * Whether `request` can boot beside the spawner: a shell to fork it, and an executable the
 * shell can run (else the spawner spawns it, and its failure is reported as spawn's ENOENT or
 * EACCES, with the fix, rather than as the shell's exit code 127).
 */
function besideable(request: SpawnRequest): boolean {
  if (spawnerEntry.shell === undefined) return false;
  try {
    accessSync(spawnerEntry.shell, fs.X_OK);
    accessSync(request.executable, fs.X_OK);
    return true;
  } catch {
    return false;
  }
}

interface SpawnerEnd {
  readonly what: string;
  readonly stderr: string;
}

/** A worker as the spawner reports it. */
class SpawnedWorker extends EventEmitter<WorkerChildEvents> implements WorkerChild {
  readonly id: number;
  readonly stdout = new Readable({ read() {} });
  readonly stderr = new Readable({ read() {} });
  readonly gone: Promise<void>;
  pid: number | undefined;
  readonly #spawner: Spawner;
  readonly #executable: string;
  #state: 'requested' | 'running' | 'exited' | 'gone' = 'requested';
  #resolveGone!: () => void;

  constructor(id: number, spawner: Spawner, executable: string) {
    super();
    this.id = id;
    this.#spawner = spawner;
    this.#executable = executable;
    this.gone = new Promise((resolve) => { this.#resolveGone = resolve; });
  }

  kill(signal: NodeJS.Signals): void {
    // After the exit there is nothing to ask for: the spawner kills and reaps what a worker leaves at every exit.
    if (this.#state !== 'requested' && this.#state !== 'running') return;
    if (this.#state === 'running') {
      // The worker itself at once, from here: a timed-out worker spinning on a CPU stops now, not
      // when the spawner next runs (2-5 ms later on a busy 2-CPU machine, a CPU the next call's
      // worker needs). The spawner has not reported its exit, so the pid is still the worker's
      // (reaped an instant ago at most: a pid is reused only after the kernel's pid counter wraps).
      try { process.kill(this.pid!, signal); } catch { /* exited meanwhile */ }
    }
    // Its process group (what it started), through the spawner, which holds it.
    this.#spawner.send({ t: 'kill', id: this.id, signal });
  }

  onSpawned(pid: number): void {
    if (this.#state !== 'requested') return;
    this.pid = pid;
    this.#state = 'running';
    this.emit('spawn');
  }

  onFailed(code: string | undefined, message: string): void {
    if (this.#state !== 'requested') return;
    this.#finish();
    this.emit('error', Object.assign(new Error(message), { code, path: this.#executable }));
  }

  onOutput(fd: 1 | 2, text: string | null): void {
    (fd === 1 ? this.stdout : this.stderr).push(text);
  }

  /** Output that comes on the application's own pipes (the worker forked beside the spawner), not through the spawner. */
  takeOutput(stdout: Readable, stderr: Readable): void {
    for (const [from, to] of [[stdout, this.stdout], [stderr, this.stderr]] as const) {
      from.setEncoding('utf8');
      from.on('data', (text: string) => to.push(text));
      from.on('end', () => to.push(null));
      from.on('error', () => {});
      (from as Socket).unref();
    }
  }

  onExit(code: number | null, signal: NodeJS.Signals | null, why: string | undefined): void {
    if (this.#state !== 'running') return;
    this.#state = 'exited';
    // The spawner's account of the leftovers should follow at once; do not wait on it forever.
    const timer = setTimeout(() => this.onGone(), GONE_TIMEOUT_MS);
    timer.unref();
    void this.gone.then(() => clearTimeout(timer));
    this.emit('exit', code, signal, why);
  }

  onGone(): void {
    if (this.#state === 'gone') return;
    this.#finish();
  }

  onSpawnerEnded(end: SpawnerEnd): void {
    switch (this.#state) {
      case 'requested':
        this.#finish();
        this.emit('error', new SpawnerError(`${end.what} before it started this worker. The next worker starts a new spawner; if this repeats, its stderr says why${end.stderr}`));
        return;
      case 'running': {
        // The worker died with it (its parent-death signal). What is left of its process group
        // is ours to end now: nobody else will.
        try { process.kill(-this.pid!, 'SIGKILL'); } catch { /* no member left */ }
        this.onExit(null, 'SIGKILL', `${end.what}, and the worker died with it (its parent-death signal). The next worker starts a new spawner${end.stderr}`);
        this.#finish();
        return;
      }
      case 'exited':
        this.#finish();
        return;
      case 'gone':
    }
  }

  #finish(): void {
    this.#state = 'gone';
    this.#spawner.forget(this);
    // Output that never ended (the spawner died first) ends here.
    if (!this.stdout.readableEnded) this.stdout.push(null);
    if (!this.stderr.readableEnded) this.stderr.push(null);
    this.#resolveGone();
  }
}
