import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { AsyncLocalStorage } from 'node:async_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { CallAbortedError, CallTimeoutError, CircuitOpenError, QueueFullError, RemoteError, ValidationError, WorkerCrashedError, type CallTraceContext } from 'process-sandbox';
import { testClient, waitFor } from '../helpers.js';
import { streamsClient } from './streams-client.js';

type Event = 'start' | 'end' | 'asyncStart' | 'asyncEnd' | 'error';

/** Every event of `process-sandbox:call`, in order, each with a copy of its context as it was then. */
function recordCalls(): { events: { event: Event; context: CallTraceContext }[]; stop(): void } {
  const calls = tracingChannel<unknown, CallTraceContext>('process-sandbox:call');
  const events: { event: Event; context: CallTraceContext }[] = [];
  const on = (event: Event) => (context: CallTraceContext) => { events.push({ event, context: { ...context } }); };
  const handlers = { start: on('start'), end: on('end'), asyncStart: on('asyncStart'), asyncEnd: on('asyncEnd'), error: on('error') };
  calls.subscribe(handlers);
  const stop = (): void => { calls.unsubscribe(handlers); };
  stops.push(stop);
  return { events, stop };
}

/** The point channel's messages, from now on. */
function recordPoint(name: string): unknown[] {
  const seen: unknown[] = [];
  const onMessage = (message: unknown): void => { seen.push(message); };
  subscribe(name, onMessage);
  stops.push(() => unsubscribe(name, onMessage));
  return seen;
}

const stops: (() => void)[] = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

function sequence(events: { event: Event; context: CallTraceContext }[], callId: number): Event[] {
  return events.filter((e) => e.context.callId === callId).map((e) => e.event);
}

describe('the process-sandbox:call tracing channel', () => {
  it('at the defaults, traces a call: start and end in the caller, then asyncStart and asyncEnd with where and how long it ran', async () => {
    const c = await testClient();
    const { events } = recordCalls();
    expect(await c.add(2, 3)).toBe(5);
    const ids = new Set(events.map((e) => e.context.callId));
    expect(ids.size).toBe(1);
    const [callId] = [...ids];
    expect(sequence(events, callId!)).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
    const start = events[0]!.context;
    expect(start).toEqual({ poolId: c.pool.id, service: 'ITestService', method: 'add', callId, leased: false, stream: false });
    const done = events.at(-1)!.context;
    const worker = c.pool.stats().workers.find((w) => w.workerId === done.workerId);
    expect(worker?.pid).toBe(done.pid);
    expect(done.outcome).toBe('ok');
    expect(done.priority).toBe(0);
    expect(done.queuedMs).toBeGreaterThanOrEqual(0);
    expect(done.runMs).toBeGreaterThan(0);
    expect(done.error).toBeUndefined();
    // Metadata only: neither the arguments nor the result are in the context.
    expect(JSON.stringify(done)).not.toMatch(/"args"|"result"/);
  });

  it('gives every call of the process its own id, across pools', async () => {
    const a = await testClient();
    const b = await testClient();
    const { events } = recordCalls();
    await Promise.all([a.add(1, 1), b.add(1, 1), a.add(2, 2), b.add(2, 2)]);
    const starts = events.filter((e) => e.event === 'start');
    expect(new Set(starts.map((e) => e.context.callId)).size).toBe(4);
    expect(new Set(starts.map((e) => e.context.poolId))).toEqual(new Set([a.pool.id, b.pool.id]));
  });

  it('publishes error with the outcome for each way a call fails: remote error, crash, timeout, abort, and a refusal in the caller', async () => {
    const c = await testClient({ methodCallTimeoutMs: 300, circuitBreaker: false });
    const { events } = recordCalls();
    await expect(c.fail('no', 'E_NO')).rejects.toBeInstanceOf(RemoteError);
    await expect(c.segfault()).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(c.hang()).rejects.toBeInstanceOf(CallTimeoutError);
    const controller = new AbortController();
    const aborted = c.sleep(10_000, { signal: controller.signal });
    await waitFor(() => c.pool.stats().running === 1);
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(CallAbortedError);
    await expect(c.add('x' as unknown as number, 1)).rejects.toBeInstanceOf(ValidationError);
    await expect(c.lie()).rejects.toBeInstanceOf(ValidationError);
    const ended = events.filter((e) => e.event === 'asyncEnd').map((e) => [e.context.method, e.context.outcome, e.context.error?.constructor.name]);
    expect(ended).toEqual([
      ['fail', 'remote_error', 'RemoteError'],
      ['segfault', 'crashed', 'WorkerCrashedError'],
      ['hang', 'timeout', 'CallTimeoutError'],
      ['sleep', 'aborted', 'CallAbortedError'],
      ['add', 'rejected', 'ValidationError'],
      // The worker's answer failed the caller's validation: the worker's fault, not the caller's.
      ['lie', 'remote_error', 'ValidationError'],
    ]);
    for (const e of events.filter((x) => x.event === 'asyncEnd')) {
      const callId = e.context.callId;
      expect(sequence(events, callId)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    }
    // Refused in the caller: it never reached a worker, so no worker and no times.
    const refused = events.find((e) => e.event === 'asyncEnd' && e.context.method === 'add')!.context;
    expect(refused.workerId).toBeUndefined();
    expect(refused.runMs).toBeUndefined();
  });

  it('keeps end before the async events when a call is refused during its admission (the queue full)', async () => {
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, maxQueueLength: 1 });
    const { events } = recordCalls();
    const queueFull = recordPoint('process-sandbox:pool:queue-full');
    const running = c.sleep(300);
    await waitFor(() => c.pool.stats().running === 1);
    const queued = c.sleep(1);
    await expect(c.add(1, 1)).rejects.toBeInstanceOf(QueueFullError);
    await Promise.all([running, queued]);
    const refused = events.find((e) => e.context.method === 'add')!.context.callId;
    expect(sequence(events, refused)).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    expect(events.find((e) => e.event === 'asyncEnd' && e.context.callId === refused)?.context.outcome).toBe('rejected');
    expect(queueFull).toEqual([{ poolId: c.pool.id, service: 'ITestService', method: 'add', maxQueueLength: 1 }]);
  });

  it('runs the call\'s admission inside the stores bound to start, as tracePromise does, so a tracer can make its span current there', async () => {
    const c = await testClient();
    const calls = tracingChannel<unknown, CallTraceContext>('process-sandbox:call');
    const store = new AsyncLocalStorage<string>();
    calls.start.bindStore(store, (context) => `span of ${context.method}`);
    stops.push(() => calls.start.unbindStore(store));
    let inside: string | undefined;
    const handlers = { start: (): void => { queueMicrotask(() => { inside = store.getStore(); }); } };
    calls.subscribe(handlers as never);
    stops.push(() => calls.unsubscribe(handlers as never));
    await c.add(1, 2);
    expect(inside).toBe('span of add');
    // Only there: the caller's own context is untouched.
    expect(store.getStore()).toBeUndefined();
  });

  it('traces a lease\'s calls (leased) and streams (stream), but not the begin and end of the lease', async () => {
    const c = await testClient();
    const { events } = recordCalls();
    let leasedWorker: number | undefined;
    c.pool.once('leaseAcquired', ({ workerId }) => { leasedWorker = workerId; });
    const lease = await c.lease();
    expect(await lease.add(1, 2)).toBe(3);
    await lease.release();
    expect(events.map((e) => [e.event, e.context.method, e.context.leased])).toEqual([
      ['start', 'add', true], ['end', 'add', true], ['asyncStart', 'add', true], ['asyncEnd', 'add', true],
    ]);
    expect(events.at(-1)!.context.workerId).toBe(leasedWorker);
    expect(events.at(-1)!.context.priority).toBeUndefined();

    const s = await streamsClient();
    const { events: streamed } = recordCalls();
    const items: number[] = [];
    for await (const n of s.count(3)) items.push(n);
    expect(items).toEqual([0, 1, 2]);
    expect(streamed.map((e) => [e.event, e.context.method, e.context.stream, e.context.outcome])).toEqual([
      ['start', 'count', true, undefined], ['end', 'count', true, undefined], ['asyncStart', 'count', true, 'ok'], ['asyncEnd', 'count', true, 'ok'],
    ]);
  });
});

describe('the point channels', () => {
  it('at the defaults, tell a worker\'s start, readiness, recycling and exit, with its pool and the real pid', async () => {
    const starts = recordPoint('process-sandbox:worker:start');
    const readies = recordPoint('process-sandbox:worker:ready');
    const exits = recordPoint('process-sandbox:worker:exit');
    const recycles = recordPoint('process-sandbox:worker:recycle');
    const c = await testClient({ minPoolSize: 1, maxPoolSize: 1, processRecycleThreshold: 2 });
    const first = c.pool.stats().workers[0]!;
    expect(starts).toContainEqual({ poolId: c.pool.id, service: 'ITestService', workerId: first.workerId, pid: first.pid });
    expect(readies).toContainEqual(expect.objectContaining({ poolId: c.pool.id, service: 'ITestService', workerId: first.workerId, pid: first.pid, startMs: expect.any(Number) }));
    await c.add(1, 1);
    await c.add(1, 1);
    await waitFor(() => exits.length > 0);
    expect(recycles).toContainEqual(expect.objectContaining({ poolId: c.pool.id, service: 'ITestService', workerId: first.workerId, pid: first.pid, reason: 'calls', callsServed: 2 }));
    expect(exits).toContainEqual(expect.objectContaining({ poolId: c.pool.id, workerId: first.workerId, pid: first.pid, reason: 'recycle' }));

    const crashed = recordPoint('process-sandbox:worker:exit');
    const pid = await c.pid();
    await expect(c.segfault()).rejects.toBeInstanceOf(WorkerCrashedError);
    await waitFor(() => crashed.length > 0);
    expect(crashed[0]).toEqual(expect.objectContaining({ poolId: c.pool.id, pid, reason: 'crash', signal: 'SIGSEGV' }));
  });

  it('tell the breaker opening and closing', async () => {
    const opened = recordPoint('process-sandbox:circuit:open');
    const closed = recordPoint('process-sandbox:circuit:close');
    const c = await testClient({ circuitBreaker: { minimumCalls: 2, failureRatio: 0.5, windowMs: 10_000, cooldownMs: 200 } });
    await expect(c.segfault()).rejects.toBeInstanceOf(WorkerCrashedError);
    await expect(c.segfault()).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(opened).toEqual([expect.objectContaining({ poolId: c.pool.id, service: 'ITestService', failures: 2, calls: 2, retryAt: expect.any(Date) })]);
    await expect(c.add(1, 1)).rejects.toBeInstanceOf(CircuitOpenError);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await c.add(1, 1)).toBe(2);
    expect(closed).toEqual([{ poolId: c.pool.id, service: 'ITestService' }]);
  });
});
