/**
 * Pool configuration, named after the seed's ProcessPoolConfiguration in camelCase, durations in
 * milliseconds. `resolveConfig` checks every field at once and throws one ConfigurationError
 * that lists them all.
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_CIRCUIT_BREAKER, type CircuitBreakerOptions } from './circuit-breaker.js';
import { ConfigurationError, type ConfigurationIssue } from './errors.js';
import { defaultLogger, silentLogger, type Logger } from './logger.js';
import { DEFAULT_MAX_FRAME_BYTES } from './protocol/frames.js';
import { checkConfine, type ConfineOptions, type ResolvedConfine } from './confine/options.js';
import { checkInspect, type InspectOptions, type ResolvedInspect } from './inspect.js';

export type { InspectOptions, ResolvedInspect } from './inspect.js';

export interface PoolConfig {
  /** Path or file URL of the module that holds the implementation; loaded in each worker. */
  workerModule: string | URL;
  /**
   * The export of `workerModule` that implements the interface: a class (constructed once per
   * worker, with no arguments) or an object.
   * @default "default"
   */
  workerExport?: string;
  /** Calls that may wait for a worker; past it calls fail at once with QueueFullError. @default 10000 */
  maxQueueLength?: number;
  /**
   * How many more workers an @idempotent method's call may be tried on after its worker
   * crashed under it. Methods not tagged @idempotent are never retried. @default 2
   */
  maxRetries?: number;
  /**
   * Fails calls fast when most of them fail: once at least `minimumCalls` calls that reached a
   * worker ended within `windowMs` and the share of them whose worker crashed, broke the
   * protocol or timed out reaches `failureRatio`, the pool stops starting workers and calls fail
   * at once with CircuitOpenError, until `cooldownMs` has passed and a probe call succeeds. A
   * call whose implementation threw (RemoteError) is no failure here. A steady trickle of
   * poison inputs never opens it. `false` turns it off. Workers that cannot start have a
   * governor of their own (see maxConcurrentStarts). See docs/reliability.md.
   * @default { failureRatio: 0.5, minimumCalls: 20, windowMs: 10000, cooldownMs: 5000 }
   */
  circuitBreaker?: Partial<CircuitBreakerOptions> | false;
  /**
   * Workers starting at once, at most. Failed starts back off (100 ms doubling to 30 s, with
   * jitter), and while no worker of the pool can start, calls fail at once with the last
   * WorkerStartError instead of waiting. @default 2
   */
  maxConcurrentStarts?: number;
  /**
   * Workers started up front and kept alive, idle or not. 0: create() starts none, and a pool
   * idle for idleTimeoutMs holds no process (its next call waits for a start). @default 1
   */
  minPoolSize?: number;
  /**
   * Idle workers kept ready beyond those running calls (within maxPoolSize), so that after a
   * crash or a timeout the next call does not wait for a process to start. A pool that has had
   * no call for idleTimeoutMs keeps none: it shrinks to minPoolSize. @default 1
   */
  spareWorkers?: number;
  /** Most workers at once; calls beyond them wait in the queue (by priority, then in order). @default 5 */
  maxPoolSize?: number;
  /**
   * A worker that has served no call for this long is stopped (workerExit reason 'idle'), down
   * to minPoolSize; minPoolSize 0 lets a pool nobody calls hold no process at all. While calls
   * come in, the pool keeps spareWorkers idle ones beyond those in use, so a spare standing
   * behind busy workers is never stopped and restarted in a loop; once no call has come for this
   * long and none runs, spares are not kept either. Checked on one timer per pool (a tenth of
   * this), so a worker goes up to 10% later than this. `Infinity`: never. See docs/reliability.md.
   * @default 60000 (1 min)
   */
  idleTimeoutMs?: number;
  /**
   * A method of the interface every new worker runs before it takes calls (to load a model,
   * open a library, fill a cache): create() resolves once the first workers ran it, and
   * replacements (for recycling, after a crash, spares) run it before they take a call. It is
   * not a call: it counts toward neither processRecycleThreshold nor callsServed, and its
   * deadline is the method's own timeout (its @timeout, else methodCallTimeoutMs). If it
   * throws, crashes or times out, the worker failed to start (WorkerStartError, with the remote
   * error), with the backoff of any failed start. A method the interface lacks, or `args` its
   * validators refuse, is a ConfigurationError at create(), before any process starts. The
   * generated client's static `warmUp(method, ...args)` builds one typed against the interface.
   * @default undefined (none)
   */
  warmUp?: WarmUpConfig;
  /** The Node.js binary that runs workers. @default process.execPath */
  workerExecutable?: string;
  /** Node.js options for workers, before the entry script (`--max-old-space-size=512`). @default [] */
  execArgv?: readonly string[];
  /**
   * Workers' environment. With `confine` on Linux the default keeps only what a process needs to
   * run of process.env (PATH, HOME, the locale, TZ, TMPDIR, NODE_ENV: runtime/confine/confined-env.ts),
   * not the application's secrets.
   * @default process.env
   */
  env?: Readonly<Record<string, string | undefined>>;
  /** Working directory of workers. @default process.cwd() */
  cwd?: string;
  /** Recycle a worker whose working set or private bytes pass this many MiB (measured every monitorIntervalMs). @default 1024 */
  maxMemoryMB?: number;
  /**
   * A hard memory limit per worker, enforced by the OS (opt-in): Linux sets RLIMIT_DATA in the
   * worker before it loads user code, so allocations past it fail inside the worker; Windows
   * sets the pool's Job Object process-memory limit. @default undefined (none)
   */
  hardMemoryLimitMB?: number;
  /** Caps the worker's V8 heap (`--max-old-space-size`), opt-in. @default undefined (V8's own) */
  maxHeapMB?: number;
  /** Let crashing workers write core files; off by default (RLIMIT_CORE 0 on Linux). @default false */
  allowCoreDumps?: boolean;
  /** Recycle a worker past this many GDI objects (Windows). @default 10000 */
  maxGdiHandles?: number;
  /** Recycle a worker past this many USER objects (Windows). @default 10000 */
  maxUserHandles?: number;
  /** Recycle a worker past this many handles / file descriptors. @default 10000 */
  maxTotalHandles?: number;
  /**
   * Recycle a worker after its implementation throws (a RemoteError), in case the error left
   * native state corrupt. The failed call is not retried. @default false
   */
  recycleOnError?: boolean;
  /**
   * Recycle a worker after it has served this many calls. With overlappedRecycle (the default)
   * these recycles are paced per pool (one per ten start times at most, the first at once:
   * recycle-policy.ts), so that microsecond calls do not make the pool start processes back to
   * back; a worker waiting its turn serves on. Rare recycles come exactly at the threshold.
   * @default 1000
   */
  processRecycleThreshold?: number;
  /**
   * Overlapped recycling (IIS's default): a worker's replacement starts before the worker
   * reaches a threshold (at 90% of the calls or of a resource limit, or shortly before its
   * lifetime ends), waits on standby, and takes over once the old worker is due, so a recycle
   * never makes a call wait for a process start. While a replacement is on standby the pool runs
   * one process more than maxPoolSize; and if it is not ready yet when the old worker is due, the
   * old worker goes on serving until it is, so thresholds are soft (by the calls of one start,
   * and recycling for calls is paced: see processRecycleThreshold).
   * `false`: a worker due for recycling takes no further call, nothing is paced, and calls wait for its replacement
   * when the pool is at maxPoolSize (a hard cap: processRecycleThreshold 1 then means a fresh
   * process for every call). recycleOnError always retires the worker at once. @default true
   */
  overlappedRecycle?: boolean;
  /** Recycle a worker this long after it started, idle or not (checked on a timer). @default 3600000 (1 h) */
  maxProcessLifetimeMs?: number;
  /**
   * A call running longer than this fails with CallTimeoutError and its worker is killed. For a
   * method that streams its result (returns AsyncIterable<T>), it bounds the wait for each item
   * while the worker may send one: the clock stops while the consumer is behind and the worker
   * has no credit, and restarts with each item. @default 30000
   */
  methodCallTimeoutMs?: number;
  /** A worker not ready this long after spawn fails to start. @default 10000 */
  processStartTimeoutMs?: number;
  /**
   * How long a worker asked to stop may take before SIGTERM, and again before SIGKILL. Also how
   * long a worker asked to stop a stream (its consumer broke off) may take to return its
   * iterator before it is killed, and how long close() lets running streams be read before it
   * ends them (see docs/streams.md). @default 5000
   */
  shutdownGraceMs?: number;
  /**
   * For methods that stream their result (return AsyncIterable<T>): how many items a worker may
   * send ahead of the consumer. The worker asks the implementation for an item only while it has
   * credit, and the consumer's pulls give credit back, so a slow consumer holds at most this many
   * items in the application, and the implementation produces at most this many more than were
   * read. @default 16
   */
  streamHighWaterMark?: number;
  /** Names pipes (and, on POSIX, their directory) `<prefix>-…`. @default "ProcessSandbox" */
  pipeNamePrefix?: string;
  /** Largest frame either side may send, in bytes. @default 268435456 (256 MiB) */
  maxFrameBytes?: number;
  /** How often workers send health frames. @default 1000 */
  healthIntervalMs?: number;
  /** How often the parent measures each worker from outside (memory, handles) and checks the recycle thresholds. @default 1000 */
  monitorIntervalMs?: number;
  /** Where the pool logs; `false` for nothing. @default warnings and errors to stderr */
  logger?: Logger | false;
  /**
   * The generated worker entry (`IFoo.worker.js`). Generated clients set it to the file beside
   * themselves; set it yourself when a bundler moves files.
   */
  workerEntry?: string | URL;
  /**
   * Confines each worker to what it needs to run plus `read` and `write`: no other file, no
   * socket but its channel unless `network`, no program unless `childProcesses`, no signal to a
   * process outside it; enforced by the kernel on every thread, native code included (Linux:
   * Landlock, seccomp, no_new_privs). What this machine cannot enforce fails create() with
   * ConfinementUnsupportedError unless `onUnsupported` is 'warn'. `{}` is the strictest useful
   * worker. See docs/confinement.md. @default undefined (not confined)
   */
  confine?: ConfineOptions;
  /**
   * With a class export, each lease (`client.lease()`) gets an instance of its own, constructed
   * when the lease begins and dropped when it ends (its `[Symbol.asyncDispose]` or
   * `[Symbol.dispose]` called first, if it has one), as the .NET original's NewInstancePerProxy.
   * An object export has nothing to construct: every lease uses the one object. Process-global
   * state (a native library's static variables) outlives leases either way. @default true
   */
  newInstancePerLease?: boolean;
  /** A lease held this long ends: calls waiting on it, and later ones, fail with LeaseLostError. @default undefined (no limit) */
  maxLeaseMs?: number;
  /** A lease no call ran on for this long ends; later calls on it fail with LeaseLostError. @default undefined (no limit) */
  leaseIdleTimeoutMs?: number;
  /**
   * Starts each new worker with Node's inspector (`--inspect=host:port`, after execArgv), so that
   * Chrome DevTools or `node inspect` can attach to it. Its URL is logged (info) and reported in
   * workerReady and stats().workers[i].inspectorUrl. `true` is `{ host: "127.0.0.1", port: 0 }`;
   * port 0 gives each worker a free port. A fixed port needs maxPoolSize 1 and overlappedRecycle
   * false; with confine, it needs confine.network. While a debugger is attached to a worker, its
   * call does not time out: on Linux the parent sees the debugger's connection in /proc, and the
   * call gets a fresh timeout once it detaches; elsewhere no call times out under inspect. See
   * docs/observability.md, "Debugging a worker". @default undefined (off)
   */
  inspect?: boolean | InspectOptions;
}

/** See PoolConfig.warmUp. */
export interface WarmUpConfig {
  /** The name of a method of the interface. */
  readonly method: string;
  /** Its arguments, checked by its validators at create(). @default [] */
  readonly args?: readonly unknown[];
}

export interface ResolvedConfig {
  readonly workerModule: string;
  readonly workerExport: string;
  readonly maxQueueLength: number;
  readonly maxRetries: number;
  readonly circuitBreaker: CircuitBreakerOptions | false;
  readonly maxConcurrentStarts: number;
  readonly minPoolSize: number;
  readonly maxPoolSize: number;
  readonly spareWorkers: number;
  /** `Infinity`: never. */
  readonly idleTimeoutMs: number;
  readonly warmUp: { readonly method: string; readonly args: readonly unknown[] } | undefined;
  readonly workerExecutable: string;
  readonly execArgv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether the pool's options set env (else it is process.env). */
  readonly envGiven: boolean;
  readonly cwd: string;
  readonly maxMemoryMB: number;
  readonly hardMemoryLimitMB: number | undefined;
  readonly maxHeapMB: number | undefined;
  readonly allowCoreDumps: boolean;
  readonly maxGdiHandles: number;
  readonly maxUserHandles: number;
  readonly maxTotalHandles: number;
  readonly recycleOnError: boolean;
  readonly processRecycleThreshold: number;
  readonly overlappedRecycle: boolean;
  readonly maxProcessLifetimeMs: number;
  readonly methodCallTimeoutMs: number;
  readonly processStartTimeoutMs: number;
  readonly shutdownGraceMs: number;
  readonly streamHighWaterMark: number;
  readonly pipeNamePrefix: string;
  readonly maxFrameBytes: number;
  readonly healthIntervalMs: number;
  readonly monitorIntervalMs: number;
  readonly logger: Logger;
  readonly workerEntry: string;
  readonly confine: ResolvedConfine | undefined;
  readonly newInstancePerLease: boolean;
  readonly maxLeaseMs: number | undefined;
  readonly leaseIdleTimeoutMs: number | undefined;
  /** Where each worker's inspector listens; undefined: off. */
  readonly inspect: ResolvedInspect | undefined;
}

const KNOWN_FIELDS = new Set<string>([
  'workerModule', 'workerExport', 'maxQueueLength', 'maxRetries', 'circuitBreaker', 'maxConcurrentStarts', 'minPoolSize', 'maxPoolSize', 'spareWorkers', 'idleTimeoutMs', 'warmUp', 'workerExecutable', 'execArgv', 'env', 'cwd',
  'maxMemoryMB', 'hardMemoryLimitMB', 'maxHeapMB', 'allowCoreDumps', 'maxGdiHandles', 'maxUserHandles', 'maxTotalHandles', 'recycleOnError', 'processRecycleThreshold', 'overlappedRecycle',
  'maxProcessLifetimeMs', 'methodCallTimeoutMs', 'processStartTimeoutMs', 'shutdownGraceMs', 'streamHighWaterMark', 'pipeNamePrefix',
  'maxFrameBytes', 'healthIntervalMs', 'monitorIntervalMs', 'logger', 'workerEntry', 'confine',
  'newInstancePerLease', 'maxLeaseMs', 'leaseIdleTimeoutMs', 'inspect',
]);

// setTimeout's own ceiling: a longer delay fires at once, which would turn "never" into "now".
const MAX_TIMER_MS = 2_147_483_647;

/** Checks every field and fills in defaults; throws one ConfigurationError listing all problems. */
export function resolveConfig(config: PoolConfig): ResolvedConfig {
  const issues: ConfigurationIssue[] = [];
  const bad = (field: string, problem: string): void => { issues.push({ field, problem }); };
  if (typeof config !== 'object' || config === null) {
    throw new ConfigurationError([{ field: 'config', problem: `expected an object, got ${config === null ? 'null' : typeof config}` }]);
  }
  const raw = config as unknown as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!KNOWN_FIELDS.has(key)) bad(key, `unknown option; the options are ${[...KNOWN_FIELDS].join(', ')}`);
  }

  const int = (field: keyof PoolConfig, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number => {
    const value = raw[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      bad(field, `expected a whole number from ${min} to ${max}, got ${describe(value)}`);
      return fallback;
    }
    return value;
  };
  const path = (field: keyof PoolConfig, required: boolean): string | undefined => {
    const value = raw[field];
    if (value === undefined) {
      if (required) bad(field, 'is required: the path or file URL of the module that implements the interface');
      return undefined;
    }
    if (value instanceof URL) {
      if (value.protocol !== 'file:') { bad(field, `expected a file: URL, got ${value.protocol} URL`); return undefined; }
      return fileURLToPath(value);
    }
    if (typeof value !== 'string' || value.length === 0) { bad(field, `expected a non-empty path or file URL, got ${describe(value)}`); return undefined; }
    return value.startsWith('file:') ? fileURLToPath(value) : value;
  };
  const str = (field: keyof PoolConfig, fallback: string, pattern?: RegExp, rule?: string): string => {
    const value = raw[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value.length === 0) { bad(field, `expected a non-empty string, got ${describe(value)}`); return fallback; }
    if (pattern !== undefined && !pattern.test(value)) { bad(field, `${JSON.stringify(value)} ${rule ?? 'is not allowed'}`); return fallback; }
    return value;
  };

  const bool = (field: keyof PoolConfig, fallback: boolean): boolean => {
    const value = raw[field];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') { bad(field, `expected true or false, got ${describe(value)}`); return fallback; }
    return value;
  };

  const breaker = (): CircuitBreakerOptions | false => {
    const value = raw['circuitBreaker'];
    if (value === false) return false;
    if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
      bad('circuitBreaker', `expected false or { failureRatio, minimumCalls, windowMs, cooldownMs }, got ${describe(value)}`);
      return false;
    }
    const v = (value ?? {}) as Record<string, unknown>;
    for (const key of Object.keys(v)) {
      if (key === 'failures') {
        bad('circuitBreaker.failures', 'is gone: the breaker now decides on the failed share of calls, not a count of crashes; use failureRatio (0.5) and minimumCalls (20) instead');
      } else if (!(key in DEFAULT_CIRCUIT_BREAKER)) {
        bad(`circuitBreaker.${key}`, `unknown option; the options are ${Object.keys(DEFAULT_CIRCUIT_BREAKER).join(', ')}`);
      }
    }
    const d = DEFAULT_CIRCUIT_BREAKER;
    const field = (key: 'minimumCalls' | 'windowMs' | 'cooldownMs', min: number): number => {
      const x = v[key];
      if (x === undefined) return d[key];
      if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > MAX_TIMER_MS) {
        bad(`circuitBreaker.${key}`, `expected a whole number from ${min} to ${MAX_TIMER_MS}, got ${describe(x)}`);
        return d[key];
      }
      return x;
    };
    const ratio = v['failureRatio'];
    let failureRatio = d.failureRatio;
    if (ratio !== undefined) {
      if (typeof ratio !== 'number' || !(ratio > 0 && ratio <= 1)) bad('circuitBreaker.failureRatio', `expected a number above 0 and at most 1 (0.5 opens when half the calls fail), got ${describe(ratio)}`);
      else failureRatio = ratio;
    }
    return { failureRatio, minimumCalls: field('minimumCalls', 1), windowMs: field('windowMs', 1), cooldownMs: field('cooldownMs', 1) };
  };

  const workerModule = path('workerModule', true);
  const workerEntry = path('workerEntry', false);
  if (raw['workerEntry'] === undefined) {
    bad('workerEntry', 'is required: the generated IFoo.worker.js; generated clients set it, so create the pool through IFooClient.create()');
  }
  const minPoolSize = int('minPoolSize', 1, 0, 1024);
  const maxPoolSize = int('maxPoolSize', 5, 1, 1024);
  if (maxPoolSize < minPoolSize) bad('maxPoolSize', `is ${maxPoolSize}, below minPoolSize (${minPoolSize}); raise maxPoolSize or lower minPoolSize`);

  const idleTimeoutMs = (): number => {
    const value = raw['idleTimeoutMs'];
    if (value === Infinity) return Infinity;
    if (value === 0) {
      bad('idleTimeoutMs', 'is 0, which would stop every worker the moment it is idle; use Infinity to keep idle workers for good');
      return 60_000;
    }
    return int('idleTimeoutMs', 60_000, 1, MAX_TIMER_MS);
  };
  const warmUp = (): ResolvedConfig['warmUp'] => {
    const value = raw['warmUp'];
    if (value === undefined) return undefined;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      bad('warmUp', `expected { method, args? }, got ${describe(value)}`);
      return undefined;
    }
    const v = value as Record<string, unknown>;
    for (const key of Object.keys(v)) {
      if (key !== 'method' && key !== 'args') bad(`warmUp.${key}`, 'unknown option; the options are method, args');
    }
    const { method, args } = v;
    if (typeof method !== 'string' || method.length === 0) bad('warmUp.method', `expected the name of a method of the interface, got ${describe(method)}`);
    if (args !== undefined && !Array.isArray(args)) bad('warmUp.args', `expected an array of the method's arguments, got ${describe(args)}`);
    return { method: String(method), args: Array.isArray(args) ? [...(args as unknown[])] : [] };
  };

  const execArgv = raw['execArgv'];
  if (execArgv !== undefined && (!Array.isArray(execArgv) || !execArgv.every((a) => typeof a === 'string'))) {
    bad('execArgv', `expected an array of strings, got ${describe(execArgv)}`);
  }
  const env = raw['env'];
  if (env !== undefined && (typeof env !== 'object' || env === null || Array.isArray(env)
      || !Object.values(env).every((v) => v === undefined || typeof v === 'string'))) {
    bad('env', 'expected an object of string values');
  }
  const logger = raw['logger'];
  if (logger !== undefined && logger !== false && !isLogger(logger)) {
    bad('logger', 'expected an object with debug, info, warn and error methods, or false');
  }

  const overlappedRecycle = bool('overlappedRecycle', true);
  const confine = checkConfine(raw['confine'], bad);
  const inspect = checkInspect(raw['inspect'], { maxPoolSize, overlappedRecycle, confineNetwork: raw['confine'] === undefined ? undefined : confine?.network }, bad);

  const resolved: ResolvedConfig = {
    workerModule: workerModule ?? '',
    workerExport: str('workerExport', 'default'),
    maxQueueLength: int('maxQueueLength', 10_000, 0),
    maxRetries: int('maxRetries', 2, 0, 100),
    circuitBreaker: breaker(),
    maxConcurrentStarts: int('maxConcurrentStarts', 2, 1, 1024),
    minPoolSize,
    maxPoolSize,
    spareWorkers: int('spareWorkers', 1, 0, 1024),
    idleTimeoutMs: idleTimeoutMs(),
    warmUp: warmUp(),
    workerExecutable: str('workerExecutable', process.execPath),
    execArgv: Array.isArray(execArgv) ? [...(execArgv as string[])] : [],
    env: (env as Record<string, string | undefined> | undefined) ?? process.env,
    envGiven: env !== undefined,
    cwd: str('cwd', process.cwd()),
    maxMemoryMB: int('maxMemoryMB', 1024, 1),
    hardMemoryLimitMB: raw['hardMemoryLimitMB'] === undefined ? undefined : int('hardMemoryLimitMB', 0, 64, 1024 * 1024),
    maxHeapMB: raw['maxHeapMB'] === undefined ? undefined : int('maxHeapMB', 0, 16, 1024 * 1024),
    allowCoreDumps: bool('allowCoreDumps', false),
    maxGdiHandles: int('maxGdiHandles', 10_000, 1),
    maxUserHandles: int('maxUserHandles', 10_000, 1),
    maxTotalHandles: int('maxTotalHandles', 10_000, 1),
    recycleOnError: bool('recycleOnError', false),
    processRecycleThreshold: int('processRecycleThreshold', 1000, 1),
    overlappedRecycle,
    maxProcessLifetimeMs: int('maxProcessLifetimeMs', 3_600_000, 1, MAX_TIMER_MS),
    methodCallTimeoutMs: int('methodCallTimeoutMs', 30_000, 1, MAX_TIMER_MS),
    processStartTimeoutMs: int('processStartTimeoutMs', 10_000, 1, MAX_TIMER_MS),
    shutdownGraceMs: int('shutdownGraceMs', 5_000, 0, MAX_TIMER_MS),
    streamHighWaterMark: int('streamHighWaterMark', 16, 1, 65_536),
    pipeNamePrefix: str('pipeNamePrefix', 'ProcessSandbox', /^[A-Za-z0-9._-]{1,32}$/, 'must be 1 to 32 letters, digits, ".", "_" or "-"'),
    maxFrameBytes: int('maxFrameBytes', DEFAULT_MAX_FRAME_BYTES, 1024, 0xffff_ffff),
    healthIntervalMs: int('healthIntervalMs', 1000, 10, MAX_TIMER_MS),
    monitorIntervalMs: int('monitorIntervalMs', 1000, 10, MAX_TIMER_MS),
    logger: logger === false ? silentLogger : (logger as Logger | undefined) ?? defaultLogger,
    workerEntry: workerEntry ?? '',
    confine,
    newInstancePerLease: bool('newInstancePerLease', true),
    maxLeaseMs: raw['maxLeaseMs'] === undefined ? undefined : int('maxLeaseMs', 0, 1, MAX_TIMER_MS),
    leaseIdleTimeoutMs: raw['leaseIdleTimeoutMs'] === undefined ? undefined : int('leaseIdleTimeoutMs', 0, 1, MAX_TIMER_MS),
    inspect,
  };
  if (issues.length > 0) throw new ConfigurationError(issues);
  return resolved;
}

function isLogger(value: unknown): value is Logger {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return ['debug', 'info', 'warn', 'error'].every((k) => typeof v[k] === 'function');
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return String(value);
  return typeof value;
}
