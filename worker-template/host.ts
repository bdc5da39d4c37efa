/**
 * The worker process: connects back to the parent, proves itself, loads the implementation when
 * the parent says so, then serves calls one at a time through the generated dispatch table.
 * It exits when the pipe closes, whoever closed it.
 */
import { checkArguments, type ServiceDescriptor } from '../runtime/service.js';
import { Channel } from '../runtime/protocol/channel.js';
import { Kind, PROTOCOL_VERSION, toRemoteErrorData, type WorkerHealthData } from '../runtime/protocol/messages.js';
import { readBootstrap } from './bootstrap.js';
import { tieToParent } from './harden.js';
import { applyLimits } from './limits.js';
import { beginCall, endCall, runObserved } from './call-context.js';
import { loadImplementation, type Implementation } from './load.js';
import { runStopHooks } from './stop-hooks.js';
import { StreamProducer } from './stream.js';

/** One entry of the generated dispatch table: calls the method on the implementation. */
export type Handler<T> = (impl: T, args: unknown[]) => unknown;

/** The generated worker entry calls this once. */
export function serveWorker<T>(service: ServiceDescriptor, handlers: readonly Handler<T>[]): void {
  run(service, handlers as readonly Handler<unknown>[]).catch((error: unknown) => {
    process.stderr.write(`[process-sandbox] worker ${process.pid} failed: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(70);
  });
}

async function run(service: ServiceDescriptor, handlers: readonly Handler<unknown>[]): Promise<void> {
  const boot = await readBootstrap();
  // Only a confined worker loads the confinement code (about 5 ms of a start on Node 20, with the
  // built-in modules it needs); the bundle keeps it in a chunk of its own (bundle.mjs).
  const confine = boot.confine === undefined ? undefined : await import('./confine/index.js');
  // On Linux its first image restricted it and executed this entry (confine/first-image.ts).
  confine?.checkFirstImageRan(boot.confine!);
  let loaded: Implementation | undefined;
  /** What calls run on: the worker's instance, or the one made for the lease that holds it. */
  let impl: Record<string, unknown> | undefined;
  /** The instance made for the current lease, if one was. */
  let leaseInstance: Record<string, unknown> | undefined;
  let callsServed = 0;
  let healthTimer: NodeJS.Timeout | undefined;
  /** The stream being served, if the current call streams its result. */
  let stream: StreamProducer | undefined;
  /** The pool's methodCallTimeoutMs, for a call's deadline (callContext()). */
  let callTimeoutMs = Infinity;
  /** Set once the worker is on its way out (stop()). */
  let stopping = false;

  const channel: Channel = await Channel.connect(boot.pipe, boot.maxFrameBytes, {
    message: (message) => {
      switch (message[0]) {
        case Kind.Call:
          onCall(message[1] as number, message[2] as number, message[3], message[4]);
          break;
        case Kind.LeaseBegin:
          onLeaseBegin(message[1] as number, message[2] === true);
          break;
        case Kind.LeaseEnd:
          void onLeaseEnd(message[1] as number);
          break;
        case Kind.Welcome:
          void onWelcome(message[1] as string, message[2] as string, message[3] as number, message[4] as number);
          break;
        case Kind.StreamCredit:
          // A credit or a cancel for a stream that has just ended crossed its end: nothing to do.
          if (stream !== undefined && stream.id === message[1] && typeof message[2] === 'number' && message[2] > 0) stream.credit(message[2]);
          break;
        case Kind.Cancel:
          if (stream !== undefined && stream.id === message[1]) stream.stop();
          break;
        case Kind.Shutdown:
          // The stop hooks first (stop-hooks.ts), then the channel's end, then the exit.
          void stop(() => channel.end(() => process.exit(0)));
          break;
        case Kind.Refused:
          process.stderr.write(`[process-sandbox] the parent refused this worker: ${String(message[1])}\n`);
          process.exit(78);
          break;
        default:
          process.stderr.write(`[process-sandbox] unexpected message kind ${String(message[0])} from the parent\n`);
          process.exit(76);
      }
    },
    violation: (reason) => {
      process.stderr.write(`[process-sandbox] bad frame from the parent: ${reason}\n`);
      process.exit(76);
    },
    // The parent is gone or done with us: nothing left to serve.
    close: () => void stop(() => process.exit(0)),
  });

  /** Runs the stop hooks once, whichever of the Shutdown and the channel's close comes first, then `exit`. */
  async function stop(exit: () => void): Promise<void> {
    if (stopping) return;
    stopping = true;
    await runStopHooks();
    exit();
  }

  // Confined: the filter goes on once the channel's socket exists, and the worker reports what it
  // found when it checked itself; the parent refuses it if that is less than the pool asked for.
  const confinement = confine === undefined ? null : await confine.confineConnected(boot.confine!);
  channel.send([Kind.Hello, boot.secret, process.pid, PROTOCOL_VERSION, service.interfaceHash, service.name, confinement]);
  // Tied to the parent and limited before any user code loads (the go-ahead waits for this), but
  // after the hello is on its way: loading koffi takes a few milliseconds, which the parent's
  // checks and its go-ahead overlap. Until then nothing runs here but this file's own code.
  const hardened = tieToParent(boot.parentPid).then(() => applyLimits(boot.limits));
  // Its failure (a hardMemoryLimitMB too low to start) is reported when the go-ahead awaits it.
  hardened.catch(() => {});

  async function onWelcome(workerModule: string, workerExport: string, healthIntervalMs: number, timeoutMs: number): Promise<void> {
    callTimeoutMs = timeoutMs;
    try {
      await hardened;
      loaded = await loadImplementation(service, workerModule, workerExport);
      impl = loaded.impl;
    } catch (error) {
      channel.send([Kind.StartFailed, toRemoteErrorData(error)]);
      channel.end(() => process.exit(1));
      return;
    }
    // Under inspect (--inspect, and the bootstrap says so) the ready tells the inspector's URL;
    // otherwise node:inspector is never loaded. Absent when the inspector could not listen.
    channel.send(boot.inspect === true ? [Kind.Ready, (await import('node:inspector')).url()] : [Kind.Ready]);
    healthTimer = setInterval(sendHealth, healthIntervalMs);
    healthTimer.unref();
  }

  function sendHealth(): void {
    const usage = process.memoryUsage();
    const health: WorkerHealthData = {
      callsServed,
      heapUsedBytes: usage.heapUsed,
      heapTotalBytes: usage.heapTotal,
      externalBytes: usage.external,
      rssBytes: usage.rss,
    };
    channel.send([Kind.Health, health]);
  }

  function onCall(id: number, methodId: number, args: unknown, trace: unknown): void {
    const method = service.methods[methodId];
    const handler = handlers[methodId];
    if (impl === undefined || method === undefined || handler === undefined || !Array.isArray(args) || !isTrace(trace)) {
      const why = impl === undefined ? 'a call arrived before the implementation was loaded'
        : !isTrace(trace) ? 'a call\'s trace context is not [traceparent, tracestate?] strings' : `no method with id ${methodId} taking an argument list`;
      channel.send([Kind.Error, id, { name: 'ProtocolError', message: why }]);
      return;
    }
    const observed = beginCall(service.name, method.name, id, method.timeoutMs ?? callTimeoutMs, trace);
    let result: unknown;
    try {
      checkArguments(method, args);
      const target = impl;
      result = observed ? runObserved(() => handler(target, args)) : handler(target, args);
    } catch (error) {
      reply(id, method.name, error, true);
      return;
    }
    if (method.stream === true) {
      const producer = new StreamProducer(channel, id, method.name, (error) => {
        callsServed++;
        if (stream === producer) stream = undefined;
        endCall(error);
      });
      stream = producer;
      // Its items are produced later, by the pump start begins: inside the observations too.
      if (observed) runObserved(() => producer.start(result));
      else producer.start(result);
      return;
    }
    if (isThenable(result)) {
      result.then((value) => reply(id, method.name, value, false), (error: unknown) => reply(id, method.name, error, true));
    } else {
      reply(id, method.name, result, false);
    }
  }

  /** A lease begins: with freshInstance and a class export, its calls get an instance of their own. */
  function onLeaseBegin(id: number, freshInstance: boolean): void {
    if (loaded === undefined) {
      channel.send([Kind.Error, id, { name: 'ProtocolError', message: 'a lease began before the implementation was loaded' }]);
      return;
    }
    if (!freshInstance || loaded.construct === undefined) {
      channel.send([Kind.Result, id, false]);
      return;
    }
    try {
      leaseInstance = loaded.construct();
    } catch (error) {
      channel.send([Kind.Error, id, toRemoteErrorData(error)]);
      return;
    }
    impl = leaseInstance;
    channel.send([Kind.Result, id, true]);
  }

  /** The lease ends: its instance, if it had one, is disposed and dropped. */
  async function onLeaseEnd(id: number): Promise<void> {
    const instance = leaseInstance;
    leaseInstance = undefined;
    impl = loaded?.impl;
    try {
      if (instance !== undefined) await dispose(instance);
      channel.send([Kind.Result, id, null]);
    } catch (error) {
      channel.send([Kind.Error, id, toRemoteErrorData(error)]);
    }
  }

  function reply(id: number, methodName: string, value: unknown, failed: boolean): void {
    callsServed++;
    if (failed) {
      endCall(value);
      channel.send([Kind.Error, id, toRemoteErrorData(value)]);
      return;
    }
    try {
      channel.send([Kind.Result, id, value]);
      endCall(undefined);
    } catch (error) {
      const encodeError = { name: 'EncodeError', message: `the result of "${methodName}" could not be encoded: ${(error as Error).message}` };
      endCall(Object.assign(new Error(encodeError.message), { name: encodeError.name }));
      channel.send([Kind.Error, id, encodeError]);
    }
  }
}

/** Calls an instance's `[Symbol.asyncDispose]` or `[Symbol.dispose]`, if it has one. */
async function dispose(instance: Record<string | symbol, unknown>): Promise<void> {
  const asyncDispose = (Symbol as { asyncDispose?: symbol }).asyncDispose;
  const syncDispose = (Symbol as { dispose?: symbol }).dispose;
  const method = (asyncDispose !== undefined ? instance[asyncDispose] : undefined) ?? (syncDispose !== undefined ? instance[syncDispose] : undefined);
  if (typeof method === 'function') await (method as () => unknown).call(instance);
}

/** A call frame's optional trace context: `[traceparent, tracestate?]`. */
function isTrace(value: unknown): value is readonly [string, string?] | undefined {
  return value === undefined || (Array.isArray(value) && value.length >= 1 && value.length <= 2 && value.every((part) => typeof part === 'string'));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
