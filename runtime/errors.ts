/**
 * Every error the library raises is a SandboxError with a stable `code`. A brand symbol (shared
 * through the global symbol registry) lets `isSandboxError` recognise them across realms and
 * across two copies of the library, where `instanceof` would fail.
 */
import type { RemoteErrorData, WorkerHealthData } from './protocol/messages.js';
import type { Unsupported } from './confine/requirements.js';

const BRAND = Symbol.for('process-sandbox.error');

export type SandboxErrorCode =
  | 'ERR_SANDBOX_WORKER_CRASHED'
  | 'ERR_SANDBOX_CALL_TIMEOUT'
  | 'ERR_SANDBOX_REMOTE'
  | 'ERR_SANDBOX_POOL_CLOSED'
  | 'ERR_SANDBOX_PROTOCOL'
  | 'ERR_SANDBOX_WORKER_START'
  | 'ERR_SANDBOX_CONFIGURATION'
  | 'ERR_SANDBOX_VALIDATION'
  | 'ERR_SANDBOX_QUEUE_FULL'
  | 'ERR_SANDBOX_CIRCUIT_OPEN'
  | 'ERR_SANDBOX_ABORTED'
  | 'ERR_SANDBOX_CONFINEMENT_UNSUPPORTED'
  | 'ERR_SANDBOX_LEASE_LOST';

export abstract class SandboxError extends Error {
  abstract readonly code: SandboxErrorCode;
  readonly [BRAND] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(`[process-sandbox] ${message}`, options);
  }
}

/** An error's message without the library's prefix, to quote inside another of its messages. */
export function unprefixed(error: Error): string {
  return error.message.replace(/^\[process-sandbox\] /, '');
}

/** True for any error raised by process-sandbox, from any copy of the library. */
export function isSandboxError(error: unknown): error is SandboxError {
  return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[BRAND] === true;
}

/** Who ran (or was to run) a call; attached to errors about that call. */
export interface WorkerRef {
  /** The pool's number for this worker, stable for its life, never reused. */
  readonly workerId: number;
  readonly pid: number | undefined;
}

/** The worker process died while running a call. The call may or may not have had effects. */
export class WorkerCrashedError extends SandboxError {
  override readonly name = 'WorkerCrashedError';
  readonly code = 'ERR_SANDBOX_WORKER_CRASHED';
  readonly workerId: number;
  readonly pid: number | undefined;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly method: string;
  /** The last health report the worker sent before it died, if any. */
  readonly lastHealth: WorkerHealthData | undefined;
  /** How many workers ran the call (more than 1 only for @idempotent methods, which are retried). */
  readonly attempts: number;
  /**
   * An @idempotent call that crashed every worker it was tried on (maxRetries + 1): its input
   * looks poisonous, and it is not retried again.
   */
  readonly poisonous: boolean;

  constructor(args: WorkerRef & {
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    method: string;
    lastHealth?: WorkerHealthData | undefined;
    attempts?: number;
    poisonous?: boolean;
  }) {
    const how = args.signal !== null ? `was killed by signal ${args.signal}`
      : args.exitCode !== null ? `exited with code ${args.exitCode}`
      : 'closed its pipe';
    const attempts = args.attempts ?? 1;
    const poisonous = args.poisonous === true;
    const retried = poisonous ? `; the call was tried on ${attempts} workers and crashed all ${attempts}: its input looks poisonous, so it is not retried again`
      : attempts > 1 ? `; the call was tried on ${attempts} workers and each died` : '; the call was not retried';
    super(`worker ${args.workerId} (pid ${args.pid ?? '?'}) ${how} while running "${args.method}"${retried}`);
    this.attempts = attempts;
    this.poisonous = poisonous;
    this.workerId = args.workerId;
    this.pid = args.pid;
    this.exitCode = args.exitCode;
    this.signal = args.signal;
    this.method = args.method;
    this.lastHealth = args.lastHealth;
  }
}

/** The call did not finish within its deadline; the worker running it was killed and replaced. */
export class CallTimeoutError extends SandboxError {
  override readonly name = 'CallTimeoutError';
  readonly code = 'ERR_SANDBOX_CALL_TIMEOUT';
  readonly method: string;
  readonly timeoutMs: number;
  readonly workerId: number | undefined;
  readonly pid: number | undefined;

  /** `item`: a stream's worker sent no next item (nor its end) within the timeout while it had credit. */
  constructor(args: { method: string; timeoutMs: number; worker: WorkerRef | undefined; item?: number | undefined }) {
    const where = args.worker !== undefined
      ? `on worker ${args.worker.workerId} (pid ${args.worker.pid ?? '?'}); the worker was killed and will be replaced`
      : 'while waiting in the queue for a worker';
    const what = args.item === undefined ? 'did not finish' : `sent no item ${args.item} (nor the end of its stream)`;
    super(`"${args.method}" ${what} within ${args.timeoutMs} ms ${where}. Raise methodCallTimeoutMs (or the method's @timeout) if it needs longer`);
    this.method = args.method;
    this.timeoutMs = args.timeoutMs;
    this.workerId = args.worker?.workerId;
    this.pid = args.worker?.pid;
  }
}

/** The implementation threw (or rejected) in the worker. Its error is kept as data. */
export class RemoteError extends SandboxError {
  override readonly name = 'RemoteError';
  readonly code = 'ERR_SANDBOX_REMOTE';
  readonly method: string;
  /** The name of the error the implementation threw, as the seed's ExceptionType. */
  readonly remoteName: string;
  /** Its message, as the seed's ExceptionMessage. */
  readonly remoteMessage: string;
  /** Its stack as the worker printed it, as the seed's StackTrace. */
  readonly remoteStack: string | undefined;
  /** Its `code` property, if it had a string or number one. */
  readonly remoteCode: string | number | undefined;

  constructor(method: string, data: RemoteErrorData) {
    super(`"${method}" threw in the worker: ${data.name}: ${data.message}`);
    this.method = method;
    this.remoteName = data.name;
    this.remoteMessage = data.message;
    this.remoteStack = data.stack ?? undefined;
    this.remoteCode = data.code ?? undefined;
  }
}

/** The pool is closing or closed; the call was never sent to a worker (or, for a stream, it was ended by close()). */
export class PoolClosedError extends SandboxError {
  override readonly name = 'PoolClosedError';
  readonly code = 'ERR_SANDBOX_POOL_CLOSED';
  readonly method: string | undefined;

  /** `ended`: a running stream that close() ended (it ran; the detail says why it was cut). */
  constructor(method: string | undefined, detail = 'the pool is closed', ended = false) {
    super(method === undefined ? `${detail}; create a new client to make more calls`
      : ended ? `"${method}" was ended: ${detail}`
      : `"${method}" was not run: ${detail}; create a new client to make more calls`);
    this.method = method;
  }
}

/** A worker broke the protocol (bad bytes, oversize frame, unexpected message); it was killed. */
export class ProtocolError extends SandboxError {
  override readonly name = 'ProtocolError';
  readonly code = 'ERR_SANDBOX_PROTOCOL';
  readonly workerId: number | undefined;
  readonly pid: number | undefined;
  readonly method: string | undefined;

  constructor(message: string, args: { worker?: WorkerRef | undefined; method?: string | undefined; cause?: unknown } = {}) {
    super(message, args.cause === undefined ? undefined : { cause: args.cause });
    this.workerId = args.worker?.workerId;
    this.pid = args.worker?.pid;
    this.method = args.method;
  }
}

/** A worker could not start: bad executable, module not found, export missing or incomplete. */
export class WorkerStartError extends SandboxError {
  override readonly name = 'WorkerStartError';
  readonly code = 'ERR_SANDBOX_WORKER_START';
  readonly workerId: number | undefined;
  readonly pid: number | undefined;
  /** The last lines the worker wrote to stderr, which usually say why. */
  readonly stderrTail: string;
  /** The worker's own account, when it got far enough to send one. */
  readonly remote: RemoteErrorData | undefined;

  constructor(message: string, args: { worker?: WorkerRef | undefined; stderrTail?: string; remote?: RemoteErrorData | undefined; cause?: unknown } = {}) {
    const tail = args.stderrTail ? `\n--- worker stderr (last lines) ---\n${args.stderrTail}` : '';
    super(`${message}${tail}`, args.cause === undefined ? undefined : { cause: args.cause });
    this.workerId = args.worker?.workerId;
    this.pid = args.worker?.pid;
    this.stderrTail = args.stderrTail ?? '';
    this.remote = args.remote;
  }
}

/** One invalid configuration field and why. */
export interface ConfigurationIssue {
  readonly field: string;
  readonly problem: string;
}

/** The configuration has invalid fields; all of them are listed, not just the first. */
export class ConfigurationError extends SandboxError {
  override readonly name = 'ConfigurationError';
  readonly code = 'ERR_SANDBOX_CONFIGURATION';
  readonly issues: readonly ConfigurationIssue[];

  constructor(issues: readonly ConfigurationIssue[]) {
    const lines = issues.map((i) => `  - ${i.field}: ${i.problem}`).join('\n');
    super(`invalid pool configuration (${issues.length} field${issues.length === 1 ? '' : 's'}):\n${lines}`);
    this.issues = issues;
  }
}

/**
 * An argument or result does not match the interface's declared type. Raised in the caller for
 * bad arguments (the call is never sent), and for results the worker sent back.
 */
export class ValidationError extends SandboxError {
  override readonly name = 'ValidationError';
  readonly code = 'ERR_SANDBOX_VALIDATION';
  readonly method: string;
  /** `argument "name"` / `result`, with the path inside the value, as in the message. */
  readonly path: string;
  readonly expected: string;
  readonly received: string;

  constructor(args: { method: string; path: string; expected: string; received: string }) {
    super(`${args.method}: ${args.path}: expected ${args.expected}, got ${args.received}`);
    this.method = args.method;
    this.path = args.path;
    this.expected = args.expected;
    this.received = args.received;
  }
}

/** The queue already holds maxQueueLength calls; this one was refused at once. */
export class QueueFullError extends SandboxError {
  override readonly name = 'QueueFullError';
  readonly code = 'ERR_SANDBOX_QUEUE_FULL';
  readonly method: string;
  readonly maxQueueLength: number;

  constructor(method: string, maxQueueLength: number) {
    super(`"${method}" was not queued: ${maxQueueLength} calls are already waiting for a worker (maxQueueLength). Slow down, or raise maxQueueLength or maxPoolSize`);
    this.method = method;
    this.maxQueueLength = maxQueueLength;
  }
}

/**
 * Most calls have been failing (their workers crashed, broke the protocol or timed out): the
 * pool stopped starting workers and fails calls at once until a cool-down has passed and a probe
 * call succeeds.
 */
export class CircuitOpenError extends SandboxError {
  override readonly name = 'CircuitOpenError';
  readonly code = 'ERR_SANDBOX_CIRCUIT_OPEN';
  readonly method: string;
  /** When the pool will let a probe call through. */
  readonly retryAt: Date;
  /** The failed calls and all calls counted in the window when it opened. */
  readonly failures: number;
  readonly calls: number;
  /** The last failure, in words: `worker 3 (pid 4121) died of SIGSEGV running "decode"`. */
  readonly lastFailure: string;
  /** The last lines the last failed worker wrote to stderr. */
  readonly stderrTail: string;

  constructor(args: { method: string; failures: number; calls: number; windowMs: number; retryAt: Date; lastFailure: string; stderrTail: string }) {
    const tail = args.stderrTail ? `\n--- last failed worker's stderr ---\n${args.stderrTail}` : '';
    super(`"${args.method}" was not run: ${args.failures} of the last ${args.calls} calls within ${args.windowMs} ms failed (last: ${args.lastFailure}), so the pool stopped starting workers until ${args.retryAt.toISOString()}, when a probe call goes through; see circuitBreaker in the configuration${tail}`);
    this.method = args.method;
    this.retryAt = args.retryAt;
    this.failures = args.failures;
    this.calls = args.calls;
    this.lastFailure = args.lastFailure;
    this.stderrTail = args.stderrTail;
  }
}

/**
 * The caller's AbortSignal fired. Queued: the call was never sent. Running: its worker was killed;
 * a running stream's worker was asked to stop it instead (its iterator's return()).
 */
export class CallAbortedError extends SandboxError {
  override readonly name = 'AbortError';
  readonly code = 'ERR_SANDBOX_ABORTED';
  readonly method: string;
  /** Whether the call had reached a worker (which was then killed, or for a stream asked to stop). */
  readonly wasRunning: boolean;

  constructor(method: string, wasRunning: boolean, reason: unknown, stream = false) {
    super(!wasRunning ? `"${method}" was aborted before it reached a worker; it was never sent`
      : stream ? `"${method}" was aborted while streaming; its worker was asked to return the stream's iterator`
      : `"${method}" was aborted while running; its worker was killed and will be replaced`, { cause: reason });
    this.method = method;
    this.wasRunning = wasRunning;
  }
}

/**
 * The pool's `confine` option asks for what this machine cannot enforce (docs/confinement.md);
 * `unsupported` names each knob and what it would need. With `onUnsupported: 'warn'` the pool
 * logs this message and starts with what is enforced instead.
 */
export class ConfinementUnsupportedError extends SandboxError {
  override readonly name = 'ConfinementUnsupportedError';
  readonly code = 'ERR_SANDBOX_CONFINEMENT_UNSUPPORTED';
  readonly unsupported: readonly Unsupported[];

  constructor(unsupported: readonly Unsupported[], onUnsupported: 'fail' | 'warn') {
    const list = unsupported.map((u) => `${u.knob}: needs ${u.needs}`).join('; ');
    super(onUnsupported === 'fail'
      ? `confine cannot be enforced on this machine: ${list}. Run the workers on a kernel that has it, allow what you need (confine.network or confine.childProcesses: true), or set confine.onUnsupported to 'warn' to run with what this machine enforces`
      : `confine is only partly enforced on this machine (onUnsupported: 'warn'): ${list}. pool.confinement shows what is enforced`);
    this.unsupported = unsupported;
  }
}

/** Why a lease ended before the call that fails with LeaseLostError. */
export type LeaseEndReason =
  /** Its worker died: crashed, timed out, broke the protocol, or was killed for an aborted call. */
  | 'worker-exit'
  /** It was held past maxLeaseMs. */
  | 'max-lease'
  /** No call ran on it for leaseIdleTimeoutMs. */
  | 'idle'
  /** Its holder released it. */
  | 'released'
  /** The pool closed. */
  | 'closed';

/**
 * A call on a lease that is over: its worker died (the state the lease's calls built died with
 * it, so the lease is never moved to another worker), it was held too long or idle too long, it
 * was released, or the pool closed. `cause` is what ended it, when that was an error.
 */
export class LeaseLostError extends SandboxError {
  override readonly name = 'LeaseLostError';
  readonly code = 'ERR_SANDBOX_LEASE_LOST';
  readonly method: string;
  readonly leaseId: number;
  readonly reason: LeaseEndReason;
  readonly workerId: number;
  readonly pid: number | undefined;

  constructor(args: WorkerRef & { method: string; leaseId: number; reason: LeaseEndReason; why: string; cause?: unknown }) {
    const fix = args.reason === 'released' || args.reason === 'closed' ? 'make calls on a lease before releasing it' : 'acquire a new lease and start the session again';
    super(`"${args.method}" was not run: lease ${args.leaseId} on worker ${args.workerId} (pid ${args.pid ?? '?'}) is over: ${args.why}. A lease is never moved to another worker, since the state its calls built is gone with it; ${fix}`,
      args.cause === undefined ? undefined : { cause: args.cause });
    this.method = args.method;
    this.leaseId = args.leaseId;
    this.reason = args.reason;
    this.workerId = args.workerId;
    this.pid = args.pid;
  }
}
