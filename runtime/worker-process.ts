/**
 * One worker process as the parent sees it: spawn, handshake over its private pipe, one call at
 * a time, and its end, deliberate or not. The pool decides what to run where; this class keeps
 * the promise that each call it was given settles exactly once, and says why the process ended.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import type { ResolvedConfig } from './config.js';
import { CallTimeoutError, ProtocolError, RemoteError, unprefixed, WorkerCrashedError, WorkerStartError, type WorkerRef } from './errors.js';
import { LineSplitter } from './output.js';
import { platform } from './platform/index.js';
import type { PoolIsolation } from './platform/platform.js';
import { SpawnerError, type WorkerChild } from './platform/worker-child.js';
import { Channel } from './protocol/channel.js';
import { encodeFrame } from './protocol/frames.js';
import { isRemoteErrorData, Kind, type CallMessage, type CancelMessage, type RemoteErrorData, type StreamCreditMessage, type WorkerHealthData } from './protocol/messages.js';
import type { ResourceSample } from './platform/resources.js';
import { jitteredLimits, type LimitCrossed, type RecycleReason, type WorkerLimits } from './recycle-policy.js';
import { nextCallId, type PendingCall } from './call.js';
import type { StreamWorker } from './stream.js';
import { checkResult, type ServiceDescriptor } from './service.js';
import type { PoolConfinement } from './confine/index.js';
import { confinementLacks, helloMismatch, readyInspector } from './worker-greeting.js';
import type { WarmUp } from './warm-up.js';
import { inspectArg, isInspectorNotice } from './inspect.js';
import { CallDeadline } from './call-deadline.js';

/**
 * starting → idle ⇄ busy → (retiring: finishing its last call) → stopping → exited. Only an idle
 * worker takes a call from the pool; a leased one (idle → leased ⇄ busy → idle) takes only its
 * lease's calls; a retiring one counts no longer toward the pool's size. With a warm-up, a
 * worker runs it while still starting, after its ready: it is idle once the warm-up returned.
 */
export type WorkerState = 'starting' | 'idle' | 'leased' | 'busy' | 'retiring' | 'stopping' | 'exited';

/** What a worker needs of the lease that holds it (lease.ts). */
export interface WorkerLease {
  /** The worker finished a call of the lease (or began it): the lease's next call may go. */
  free(): void;
}

/** Why a worker's process ended. */
export type ExitReason = 'crash' | 'timeout' | 'protocol' | 'recycle' | 'idle' | 'shutdown' | 'start-failed' | 'cancelled';

export interface ExitInfo {
  readonly reason: ExitReason;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
}

export interface WorkerEvents {
  /** The process exists: its pid is known. */
  spawned(worker: WorkerProcess): void;
  /** The worker finished its call (it is idle, or retiring and now stopping). */
  idle(worker: WorkerProcess): void;
  /** The process died with a call it had been sent; the pool settles it (or retries it, if idempotent). */
  lost(worker: WorkerProcess, call: PendingCall, error: WorkerCrashedError): void;
  /** The process is gone; its call, if any, has been handed to `lost` or settled. */
  exited(worker: WorkerProcess, info: ExitInfo): void;
  timeout(worker: WorkerProcess, method: string, timeoutMs: number): void;
}

const HELLO_MAX_BYTES = 4096;
const HELLO_DEADLINE_MS = 5000;
const MAX_UNPROVEN_CONNECTIONS = 8;
/** How long after its pipe closes a worker may take to exit before it is killed. */
const EXIT_AFTER_EOF_MS = 1000;
const STDERR_GRACE_MS = 250;

export class WorkerProcess implements WorkerRef, StreamWorker {
  readonly workerId: number;
  state: WorkerState = 'starting';
  callsServed = 0;
  readonly startedAt = Date.now();
  lastHealth: WorkerHealthData | undefined;
  /** Whether the last call ended with the implementation throwing. */
  lastCallThrew = false;
  /** The last measurement the parent took of this process from outside. */
  lastSample: ResourceSample | undefined;
  /** This worker's (jittered) recycle thresholds. */
  readonly limits: WorkerLimits;
  /**
   * Overlapped recycling, kept by the pool: `near` once this worker is close to a threshold (its
   * replacement should start), `due` once it has passed one (it leaves when the replacement is
   * ready), `successor` the worker that replaces it, and on that worker `standbyFor` this one:
   * ready or not, a successor takes no call while the worker it replaces is still serving.
   */
  near = false;
  due: RecycleReason | undefined;
  successor: WorkerProcess | undefined;
  standbyFor: WorkerProcess | undefined;
  /** The lease holding this worker, kept by the pool: while set, it takes no call from the pool's queue. */
  lease: WorkerLease | undefined;
  /**
   * A recycle decided while the worker was leased, done when the lease ends (a lease keeps its
   * worker; a hard limit, a timeout or a crash still ends it); `leaseEnded` tells the pool to look.
   */
  deferredRecycle: { readonly reason: RecycleReason; readonly trigger?: LimitCrossed | undefined } | undefined;
  leaseEnded = false;

  readonly #config: ResolvedConfig;
  readonly #service: ServiceDescriptor;
  readonly #events: WorkerEvents;
  readonly #secret = randomBytes(32);
  readonly #pipe: string;
  #child: WorkerChild | undefined;
  #server: Server | undefined;
  #channel: Channel | undefined;
  #stdout: LineSplitter | undefined;
  #stderr: LineSplitter | undefined;
  #current: PendingCall | undefined;
  #currentId = 0;
  /** The running call's deadline: its expiry kills the worker (#expire). */
  readonly #deadline: CallDeadline;
  #startTimer: NodeJS.Timeout | undefined;
  #killReason: ExitReason | undefined;
  /** What the worker said when it could not load its implementation, until its exit fails the start. */
  #startFailure: { message: string; remote: RemoteErrorData | undefined } | undefined;
  #settleStart: ((error: WorkerStartError | undefined) => void) | undefined;
  /** Set once the process's exit has been handled; the worker is 'exited' when what it left is gone too. */
  #exitHandled = false;
  #exited: Promise<ExitInfo>;
  #exitInfo: ExitInfo | undefined;
  #resolveExited!: (info: ExitInfo) => void;
  readonly #unproven = new Set<Socket>();
  readonly #isolation: PoolIsolation;
  readonly #confinement: PoolConfinement | undefined;
  readonly #warmUp: WarmUp | undefined;
  /** The warm-up's call id while it runs. */
  #warmUpId: number | undefined;
  /** When it became ready (Date.now()). */
  #readyAt: number | undefined;
  /** Settles once the platform has taken the process in hand (Windows: in the pool's job). */
  #adopted: Promise<void> = Promise.resolve();
  /** Under `inspect`: the URL its ready message gave. */
  #inspectorUrl: string | undefined;

  constructor(workerId: number, home: { pipeHome: string | undefined; isolation: PoolIsolation; confinement?: PoolConfinement | undefined; warmUp?: WarmUp | undefined }, config: ResolvedConfig, service: ServiceDescriptor, events: WorkerEvents) {
    this.workerId = workerId;
    this.#isolation = home.isolation;
    this.#confinement = home.confinement;
    this.#warmUp = home.warmUp;
    this.limits = jitteredLimits(config);
    this.#config = config;
    this.#service = service;
    this.#events = events;
    this.#pipe = platform.pipePath(home.pipeHome, config.pipeNamePrefix, `w${workerId}-${randomBytes(8).toString('hex')}`);
    this.#exited = new Promise((resolve) => { this.#resolveExited = resolve; });
    this.#deadline = new CallDeadline(this, {
      // A retiring worker's last call has a deadline too.
      runningCall: () => (this.state === 'busy' || this.state === 'retiring' ? this.#current : undefined),
      expire: (call, timeoutMs) => this.#expire(call, timeoutMs),
    }, config.logger);
  }

  /** How long its start took (spawn decision → ready); undefined until it is ready. */
  get startMs(): number | undefined {
    return this.#readyAt === undefined ? undefined : this.#readyAt - this.startedAt;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** The call being run, if any. */
  get current(): PendingCall | undefined {
    return this.#current;
  }

  /** Whether the pool stopped it on purpose (shutdown, recycling, idle): its end is no failure. */
  get stopRequested(): boolean {
    return this.#killReason === 'shutdown' || this.#killReason === 'recycle' || this.#killReason === 'idle';
  }

  /** How the process ended, once it has. */
  get exitInfo(): ExitInfo | undefined {
    return this.#exitInfo;
  }

  /** Resolves when the process has exited, with why. */
  get exited(): Promise<ExitInfo> {
    return this.#exited;
  }

  /** The inspector's WebSocket URL (`ws://127.0.0.1:port/uuid`), once ready, under `inspect`. */
  get inspectorUrl(): string | undefined {
    return this.#inspectorUrl;
  }

  get label(): string {
    return `worker ${this.workerId} (pid ${this.pid ?? '?'})`;
  }

  /** Spawns the process and resolves once it is ready to take calls; rejects with WorkerStartError. */
  start(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#settleStart = (error) => {
        this.#settleStart = undefined;
        clearTimeout(this.#startTimer);
        if (error === undefined) resolve();
        else reject(error);
      };
      this.#startTimer = setTimeout(() => {
        this.#failStart(`${this.label} was not ready within ${this.#config.processStartTimeoutMs} ms (processStartTimeoutMs); it was killed`);
        this.#kill('start-failed');
      }, this.#config.processStartTimeoutMs);
      this.#listen().then(() => this.#spawn(), (error: unknown) => {
        this.#failStart(`cannot listen on the worker's pipe ${this.#pipe}: ${(error as Error).message}`, error);
        this.#markExited({ reason: 'start-failed', exitCode: null, signal: null });
      });
    });
  }

  /** Holds the worker for a lease: from now on it takes only the lease's calls. */
  beginLease(lease: WorkerLease): void {
    this.lease = lease;
    if (this.state === 'idle') this.state = 'leased';
  }

  /** The lease is over: the worker is the pool's again (the pool hears of it as it goes idle). */
  endLease(): void {
    this.lease = undefined;
    this.leaseEnded = true;
    if (this.state === 'leased') this.state = 'idle';
  }

  /** Sends a call; the worker must be idle (or leased, for a call of its lease). */
  run(call: PendingCall): void {
    const timeoutMs = call.method.timeoutMs ?? this.#config.methodCallTimeoutMs;
    this.state = 'busy';
    this.#current = call;
    call.runningOn = this;
    const id = call.id;
    this.#currentId = id;
    this.#channel!.socket.ref();
    try {
      this.#channel!.send(call.kind === 'call' ? callMessage(call, id)
        : call.kind === 'lease-begin' ? [Kind.LeaseBegin, id, call.args[0] === true] : [Kind.LeaseEnd, id]);
      call.attempts++;
      call.lastWorker = this;
      // A stream's first credit: the worker asks its iterator for nothing before it has some.
      if (call.stream !== undefined) call.stream.begin(this, id, timeoutMs);
    } catch (error) {
      // The arguments could not be encoded; nothing was sent, the worker is still good.
      this.#finishCall();
      call.settle(new ProtocolError(`the arguments of "${call.method.name}" could not be encoded: ${(error as Error).message}`, { method: call.method.name, cause: error }));
      this.#events.idle(this);
      return;
    }
    const now = performance.now();
    call.sentAt = now;
    // Sent as it was made: it waited for no worker.
    if (call.madeAt === 0) call.madeAt = now;
    this.#deadline.start(now, timeoutMs);
  }

  /**
   * Takes the worker out of service: an idle (or starting) one stops now, a busy one finishes
   * its call first (state 'retiring'), then stops.
   */
  retire(): void {
    if (this.state === 'busy') this.state = 'retiring';
    else if (this.state === 'idle' || this.state === 'leased' || this.state === 'starting') void this.stop('recycle');
  }

  /** Asks the worker to exit after its current call; SIGTERM, then SIGKILL, if it takes too long. */
  stop(reason: 'recycle' | 'idle' | 'shutdown'): Promise<ExitInfo> {
    if (this.state === 'exited') return this.#exited;
    if (this.state === 'stopping') return this.#exited;
    this.state = 'stopping';
    this.#killReason ??= reason;
    if (this.#channel === undefined) {
      this.#kill(reason);
      return this.#exited;
    }
    this.#channel.send([Kind.Shutdown]);
    const grace = this.#config.shutdownGraceMs;
    const term = setTimeout(() => {
      this.#signal('SIGTERM');
      const kill = setTimeout(() => this.#signal('SIGKILL'), grace);
      void this.#exited.then(() => clearTimeout(kill));
    }, grace);
    void this.#exited.then(() => clearTimeout(term));
    return this.#exited;
  }

  /** Kills the process (and its process group) now. */
  kill(reason: ExitReason): void {
    this.#kill(reason);
  }

  // ---- the stream it runs (runtime/stream.ts) -------------------------------------------------

  sendStream(message: StreamCreditMessage | CancelMessage): void {
    if (this.#current?.stream === undefined || message[1] !== this.#currentId || this.state === 'stopping' || this.state === 'exited') return;
    this.#channel!.send(message);
  }

  expectWithin(id: number, ms: number | undefined): void {
    if (this.#current === undefined || id !== this.#currentId) return;
    // No credit, nothing due.
    if (ms === undefined) this.#deadline.suspend();
    else this.#deadline.start(performance.now(), ms);
  }

  // ---- start-up -------------------------------------------------------------------------------

  #listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      // Paused: the channel moves each accepted handle to a socket that reads into its frame buffers.
      const server = createServer({ pauseOnConnect: true }, (socket) => this.#onConnection(socket));
      this.#server = server;
      server.once('error', reject);
      server.listen(this.#pipe, () => {
        server.off('error', reject);
        server.on('error', (error) => this.#config.logger.warn(`${this.label}: pipe listener error: ${error.message}`));
        resolve();
      });
    });
  }

  #spawn(): void {
    if (this.state !== 'starting') return;
    const heap = this.#config.maxHeapMB === undefined ? [] : [`--max-old-space-size=${this.#config.maxHeapMB}`];
    // After execArgv, so that the pool's inspector address wins over one given there.
    const inspect = this.#config.inspect === undefined ? [] : [inspectArg(this.#config.inspect)];
    const firstImage = this.#confinement?.firstImage === undefined ? [] : [this.#confinement.firstImage];
    const limits = {
      dataBytes: this.#config.hardMemoryLimitMB === undefined ? undefined : this.#config.hardMemoryLimitMB * 1024 * 1024,
      coreDumps: this.#config.allowCoreDumps,
    };
    let child: WorkerChild;
    try {
      child = this.#isolation.spawn({
        executable: this.#config.workerExecutable,
        // A confined worker on Linux starts as its first image, which executes this command line.
        args: [...firstImage, ...heap, ...this.#config.execArgv, ...inspect, this.#config.workerEntry],
        env: this.#confinement?.env ?? this.#config.env,
        cwd: this.#config.cwd,
        // The spawning process adds its own pid as parentPid.
        bootstrap: { pipe: this.#pipe, secret: this.#secret.toString('hex'), maxFrameBytes: this.#config.maxFrameBytes, limits, confine: this.#confinement?.plan, ...(inspect.length > 0 ? { inspect: true } : {}) },
      });
    } catch (error) {
      this.#failStart(this.#spawnFailure(error as Error), error);
      this.#markExited({ reason: 'start-failed', exitCode: null, signal: null });
      return;
    }
    this.#child = child;
    const isolation = this.#isolation;
    // The go-ahead waits for this: the platform takes the process in hand once it runs.
    child.once('spawn', () => this.#events.spawned(this));
    this.#adopted = new Promise<void>((resolve) => child.once('spawn', resolve)).then(() => isolation.adopt(child));
    this.#adopted.catch((error: unknown) => {
      this.#failStart(`cannot isolate ${this.label}: ${(error as Error).message}`, error);
      this.#kill('start-failed');
    });
    child.on('error', (error) => {
      // Nothing ran (ENOENT, EACCES, or no spawner), and no exit follows.
      this.#failStart(this.#spawnFailure(error), error);
      this.#markExited({ reason: 'start-failed', exitCode: null, signal: null });
    });
    child.on('warning', (message) => this.#config.logger.warn(`${this.label}: ${message}`));
    child.on('exit', (code, signal, why) => this.#onExit(code, signal, why));
    this.#stdout = new LineSplitter(child.stdout, (line) => this.#config.logger.info(`[worker ${this.workerId}] ${line}`, { workerId: this.workerId, pid: this.pid }));
    const inspecting = this.#config.inspect !== undefined;
    this.#stderr = new LineSplitter(child.stderr, (line) => {
      // Under inspect, Node's own "Debugger listening on …" and "Debugger attached." are no warnings.
      const log = inspecting && isInspectorNotice(line) ? this.#config.logger.info : this.#config.logger.warn;
      log.call(this.#config.logger, `[worker ${this.workerId}] ${line}`, { workerId: this.workerId, pid: this.pid });
    });
  }

  #spawnFailure(error: Error): string {
    if (error instanceof SpawnerError) return `worker ${this.workerId} could not be started: ${error.message}`;
    return `cannot spawn workerExecutable "${this.#config.workerExecutable}": ${error.message}. Set workerExecutable to a Node.js binary`;
  }

  #onConnection(accepted: Socket): void {
    if (this.#channel !== undefined || this.state !== 'starting' || this.#unproven.size >= MAX_UNPROVEN_CONNECTIONS) {
      accepted.destroy();
      return;
    }
    const deadline = setTimeout(() => refuse('sent no hello in time'), HELLO_DEADLINE_MS);
    deadline.unref();
    const refuse = (why: string): void => {
      clearTimeout(deadline);
      this.#unproven.delete(socket);
      this.#config.logger.warn(`refused a connection to ${this.label}'s pipe: ${why}`);
      if (!socket.destroyed) socket.end(encodeFrame([Kind.Refused, why]), () => socket.destroy());
    };
    const channel: Channel = Channel.accept(accepted, HELLO_MAX_BYTES, {
      message: (message) => {
        if (this.#channel === channel) {
          this.#onMessage(message);
          return;
        }
        clearTimeout(deadline);
        if (message[0] !== Kind.Hello || typeof message[1] !== 'string' || !this.#secretMatches(message[1])) {
          refuse('it did not prove itself with the worker\'s secret');
          return;
        }
        this.#unproven.delete(socket);
        this.#adopt(channel, message);
      },
      violation: (reason) => {
        if (this.#channel === channel) this.#onViolation(reason);
        else refuse(`it sent bytes that are not a frame: ${reason}`);
      },
      close: () => {
        this.#unproven.delete(socket);
        clearTimeout(deadline);
        if (this.#channel === channel) this.#onChannelClosed();
      },
    });
    // The channel's socket, which may not be the accepted one (see Channel.accept).
    const socket = channel.socket;
    this.#unproven.add(socket);
  }

  #secretMatches(candidate: string): boolean {
    const given = Buffer.from(candidate, 'hex');
    return given.length === this.#secret.length && timingSafeEqual(given, this.#secret);
  }

  #adopt(channel: Channel, hello: unknown[]): void {
    this.#channel = channel;
    channel.maxFrameBytes = this.#config.maxFrameBytes;
    // One worker, one connection: stop listening and drop anyone else who knocked.
    this.#server?.close();
    for (const other of this.#unproven) other.destroy();
    this.#unproven.clear();

    const [, , , version, hash, name, confinement] = hello;
    const mismatch = helloMismatch(this.label, version, hash, name, this.#service);
    if (mismatch !== undefined) {
      this.#refuseWorker(mismatch);
      return;
    }
    // The go-ahead to load user code waits until the platform has the process in hand, and, for a
    // confined worker, until its report and what /proc shows of it are checked.
    this.#adopted.then(() => confinementLacks(confinement, this.#confinement, this.pid)).then(
      (lacks) => {
        if (lacks.length === 0) channel.send([Kind.Welcome, this.#config.workerModule, this.#config.workerExport, this.#config.healthIntervalMs, this.#config.methodCallTimeoutMs]);
        else this.#refuseWorker(`${this.label} is less confined than its pool requires (${lacks.join('; ')}): it was refused before loading any user code. Its stderr may say why`);
      },
      () => { /* reported by #spawn */ },
    );
  }

  #refuseWorker(message: string): void {
    this.#channel?.send([Kind.Refused, message]);
    this.#failStart(message);
    this.#kill('start-failed');
  }

  #failStart(message: string, cause?: unknown, remote?: { name: string; message: string; stack?: string | undefined }): void {
    if (this.#settleStart === undefined) return;
    this.#settleStart(new WorkerStartError(message, { worker: this, stderrTail: this.stderrTail, remote, cause }));
  }

  // ---- messages -------------------------------------------------------------------------------

  #onMessage(message: unknown[]): void {
    switch (message[0]) {
      case Kind.Result:
        this.#onReply(message[1], undefined, message[2]);
        return;
      case Kind.Error:
        if (!isRemoteErrorData(message[2])) {
          this.#onViolation('an error reply without a name and a message');
          return;
        }
        this.#onReply(message[1], message[2], undefined);
        return;
      case Kind.StreamItem:
      case Kind.StreamEnd:
        this.#onStreamMessage(message);
        return;
      case Kind.Health:
        this.#onHealth(message[1]);
        return;
      case Kind.Ready:
        // Killed while starting (a start timeout): its ready comes too late to matter.
        if (this.state === 'stopping') return;
        if (this.state !== 'starting' || this.#settleStart === undefined || this.#warmUpId !== undefined) {
          this.#onViolation('a second ready message');
          return;
        }
        if (!this.#takeInspectorUrl(message[1])) return;
        if (this.#warmUp !== undefined) this.#runWarmUp(this.#warmUp);
        else this.#becomeReady();
        return;
      case Kind.StartFailed: {
        const data = message[1];
        const text = isRemoteErrorData(data) ? data.message : 'the worker could not load its implementation';
        // Its stderr, which usually says why, may still be on its way: the start fails once the
        // process has exited (#onExit waits briefly for stderr), quoting it.
        this.#startFailure = { message: `${this.label} could not start: ${text}`, remote: isRemoteErrorData(data) ? data : undefined };
        this.#kill('start-failed');
        return;
      }
      default:
        this.#onViolation(`a message of unknown kind ${String(message[0])}`);
    }
  }

  /** The ready message's inspector URL (worker-greeting.ts). False after a violation. */
  #takeInspectorUrl(url: unknown): boolean {
    const inspector = readyInspector(url, this.#config.inspect);
    switch (inspector.kind) {
      case 'none':
        return true;
      case 'missing':
        this.#config.logger.warn(`${this.label} started without its inspector (inspect): its stderr says why, usually that ${inspector.inspect.host}:${inspector.inspect.port} is in use`, { workerId: this.workerId, pid: this.pid });
        return true;
      case 'violation':
        this.#onViolation(inspector.reason);
        return false;
      case 'url':
        this.#inspectorUrl = inspector.url;
        this.#deadline.askDebuggerFirst(inspector.port);
        return true;
    }
  }

  #becomeReady(): void {
    this.state = 'idle';
    this.#readyAt = Date.now();
    this.#channel!.socket.unref();
    this.#settleStart!(undefined);
  }

  /**
   * Sends the warm-up as a call; the worker stays starting until it returns. Its deadline is the
   * method's timeout, on the start timer (so its end, however it comes, clears it). Not counted
   * in callsServed.
   */
  #runWarmUp(warmUp: WarmUp): void {
    const id = nextCallId();
    this.#currentId = id;
    this.#warmUpId = id;
    const { method } = warmUp;
    const timeoutMs = method.timeoutMs ?? this.#config.methodCallTimeoutMs;
    clearTimeout(this.#startTimer);
    this.#startTimer = setTimeout(() => {
      this.#failStart(`${this.label}'s warm-up "${method.name}" did not return within ${timeoutMs} ms (${method.timeoutMs === undefined ? 'methodCallTimeoutMs' : 'its @timeout'}); it was killed`);
      this.#kill('start-failed');
    }, timeoutMs);
    try {
      this.#channel!.send([Kind.Call, id, method.id, warmUp.args]);
    } catch (error) {
      this.#failStart(`the warmUp arguments of "${method.name}" could not be encoded: ${(error as Error).message}`, error);
      this.#kill('start-failed');
    }
  }

  #onWarmUpReply(error: RemoteErrorData | undefined, value: unknown): void {
    this.#warmUpId = undefined;
    // Stopped while warming up (close(), a start timeout): nothing is waiting for it.
    if (this.state !== 'starting' || this.#settleStart === undefined) return;
    const method = this.#warmUp!.method;
    let failure: Error | undefined;
    if (error !== undefined) failure = new RemoteError(method.name, error);
    else {
      try {
        checkResult(method, value);
      } catch (invalid) {
        failure = invalid as Error;
      }
    }
    if (failure === undefined) {
      this.#becomeReady();
      return;
    }
    const why = unprefixed(failure);
    this.#failStart(`${this.label} could not start: its warm-up ${error !== undefined ? why : `"${method.name}" returned what its interface refuses (${why})`}`, failure, error);
    this.#kill('start-failed');
  }

  #onReply(id: unknown, error: RemoteErrorData | undefined, value: unknown): void {
    if (id === this.#warmUpId && id !== undefined) {
      this.#onWarmUpReply(error, value);
      return;
    }
    const call = this.#current;
    if (call === undefined || id !== this.#currentId) {
      this.#onViolation(`a reply to call ${String(id)}, which is not the call it was given`);
      return;
    }
    // A stream's error ends it as its StreamEnd does; a result is no answer to a stream call.
    if (call.stream !== undefined) {
      if (error === undefined) this.#onViolation(`a result to "${call.method.name}", which streams its result`);
      else this.#endStream(call, error);
      return;
    }
    // The start and end of a lease are no calls of the interface: they count toward no threshold.
    if (call.kind === 'call') this.callsServed++;
    this.#finishCall();
    // Its last call is done: a retiring worker leaves now.
    if (this.state === 'retiring') void this.stop('recycle');
    this.lastCallThrew = error !== undefined;
    if (error !== undefined) {
      call.settle(new RemoteError(call.method.name, error));
    } else {
      try {
        checkResult(call.method, value);
        call.settle(undefined, value);
      } catch (failure) {
        call.settle(failure as Error);
      }
    }
    this.#events.idle(this);
  }

  /** An item or the end of the stream it runs; an error ending it comes as an error reply (#onReply). */
  #onStreamMessage(message: unknown[]): void {
    const call = this.#current;
    if (call?.stream === undefined || message[1] !== this.#currentId) {
      this.#onViolation(`a stream ${message[0] === Kind.StreamItem ? 'item' : 'end'} for call ${String(message[1])}, which is not a stream it runs`);
      return;
    }
    if (message[0] === Kind.StreamEnd) {
      this.#endStream(call, undefined);
      return;
    }
    const problem = call.stream.item(message[2]);
    if (problem !== undefined) this.#onViolation(problem);
  }

  /** The stream it ran is over: one call served, whether it ended, threw, or was stopped. */
  #endStream(call: PendingCall, error: RemoteErrorData | undefined): void {
    call.stream!.ended();
    this.callsServed++;
    this.#finishCall();
    if (this.state === 'retiring') void this.stop('recycle');
    this.lastCallThrew = error !== undefined;
    // Settled already when the consumer stopped it (or an item was bad): the answer only frees the worker.
    call.settle(error === undefined ? undefined : new RemoteError(call.method.name, error));
    this.#events.idle(this);
  }

  #onHealth(data: unknown): void {
    if (typeof data !== 'object' || data === null || typeof (data as WorkerHealthData).callsServed !== 'number') {
      this.#onViolation('a health message of the wrong shape');
      return;
    }
    this.lastHealth = data as WorkerHealthData;
  }

  #finishCall(): void {
    // The deadline timer stays armed: when it fires with no call running it just goes away.
    if (this.#current !== undefined) this.#current.runningOn = undefined;
    this.#current = undefined;
    if (this.state === 'busy') this.state = this.lease !== undefined ? 'leased' : 'idle';
    this.#channel?.socket.unref();
  }

  /** The call overran its deadline (call-deadline.ts): its worker is killed. */
  #expire(call: PendingCall, timeoutMs: number): void {
    const stream = call.stream;
    if (stream?.stopping === true) {
      this.#config.logger.warn(`${this.label} did not stop the stream of "${call.method.name}" within ${timeoutMs} ms of being asked (shutdownGraceMs); killing it`);
      this.#kill('cancelled');
      return;
    }
    this.#kill('timeout');
    call.settle(new CallTimeoutError({ method: call.method.name, timeoutMs, worker: this, item: stream?.received }));
    this.#events.timeout(this, call.method.name, timeoutMs);
  }

  #onViolation(reason: string): void {
    const error = new ProtocolError(`${this.label} broke the protocol: ${reason}; it was killed and will be replaced`, { worker: this, method: this.#current?.method.name });
    this.#config.logger.error(error.message, { workerId: this.workerId, pid: this.pid });
    if (this.#current !== undefined) this.#current.settle(error);
    // The start error adds its own prefix.
    this.#failStart(unprefixed(error));
    this.#kill('protocol');
  }

  #onChannelClosed(): void {
    if (this.state === 'exited') return;
    // The pipe is gone; the exit (with its code or signal) should follow at once. If it does not,
    // the worker is wedged without its pipe: kill it.
    const timer = setTimeout(() => this.#kill(this.#killReason ?? 'crash'), EXIT_AFTER_EOF_MS);
    void this.#exited.then(() => clearTimeout(timer));
  }

  // ---- the end --------------------------------------------------------------------------------

  #kill(reason: ExitReason): void {
    this.#killReason ??= reason;
    // Doomed: it must take no new call between now and its exit.
    if (this.state !== 'stopping' && this.state !== 'exited') this.state = 'stopping';
    if (this.#child === undefined) {
      this.#markExited({ reason: this.#killReason, exitCode: null, signal: null });
      return;
    }
    this.#signal('SIGKILL');
  }

  #signal(signal: NodeJS.Signals, evenIfExited = false): void {
    this.#child?.kill(signal, evenIfExited);
  }

  #onExit(exitCode: number | null, signal: NodeJS.Signals | null, why: string | undefined): void {
    if (why !== undefined) this.#config.logger.warn(`${this.label}: ${why}`);
    const stderr = this.#child?.stderr;
    if (this.#settleStart !== undefined && stderr && !stderr.readableEnded) {
      // A worker that dies while starting usually says why on stderr, which may still be in
      // flight: wait for it briefly so the start error can quote it.
      const timer = setTimeout(() => this.#onExitNow(exitCode, signal, why), STDERR_GRACE_MS);
      stderr.once('close', () => { clearTimeout(timer); this.#onExitNow(exitCode, signal, why); });
      return;
    }
    this.#onExitNow(exitCode, signal, why);
  }

  #onExitNow(exitCode: number | null, signal: NodeJS.Signals | null, why: string | undefined): void {
    if (this.state === 'exited' || this.#exitHandled) return;
    this.#exitHandled = true;
    // Whatever the worker started dies with it, however it ended: its process group outlives
    // its leader only while members remain, and those are what this reaches.
    this.#signal('SIGKILL', true);
    const reason: ExitReason = this.#killReason ?? (this.state === 'stopping' ? 'shutdown' : this.state === 'starting' ? 'start-failed' : 'crash');
    this.#stdout?.flush();
    this.#stderr?.flush();
    if (this.#settleStart !== undefined && this.#startFailure !== undefined) {
      this.#failStart(this.#startFailure.message, undefined, this.#startFailure.remote);
    } else if (this.#settleStart !== undefined) {
      const how = signal !== null ? `was killed by signal ${signal}` : `exited with code ${exitCode}`;
      const warming = this.#warmUpId === undefined ? '' : ` (while running its warm-up "${this.#warmUp!.method.name}")`;
      this.#failStart(`${this.label} ${how} before it was ready${warming}${why === undefined ? '' : `: ${why}`}`);
    }
    const call = this.#current;
    if (call !== undefined) {
      this.#finishCall();
      if (!call.settled) this.#events.lost(this, call, new WorkerCrashedError({ workerId: this.workerId, pid: this.pid, exitCode, signal, method: call.method.name, lastHealth: this.lastHealth, attempts: call.attempts }));
    }
    // Its call is settled; the worker takes no other while the platform reaps what it left (on
    // Linux the spawner kills and reaps its orphans, a few milliseconds), and only then counts as
    // exited, so that close() leaves nothing of its tree behind.
    this.state = 'stopping';
    const info: ExitInfo = { reason, exitCode, signal };
    void this.#child!.gone.then(() => this.#markExited(info));
  }

  #markExited(info: ExitInfo): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    clearTimeout(this.#startTimer);
    this.#deadline.dispose();
    this.#server?.close();
    for (const other of this.#unproven) other.destroy();
    this.#channel?.destroy();
    this.#exitInfo = info;
    this.#resolveExited(info);
    this.#events.exited(this, info);
  }

  /** The last lines the worker wrote to stderr. */
  get stderrTail(): string {
    return this.#stderr?.tail ?? '';
  }
}

/** A call's frame; with the caller's trace context when a tracer set one (diagnostics.ts). */
function callMessage(call: PendingCall, id: number): CallMessage {
  const traceparent = call.trace?.traceparent;
  if (typeof traceparent !== 'string') return [Kind.Call, id, call.method.id, call.args];
  const tracestate = call.trace!.tracestate;
  return [Kind.Call, id, call.method.id, call.args, typeof tracestate === 'string' && tracestate !== '' ? [traceparent, tracestate] : [traceparent]];
}
