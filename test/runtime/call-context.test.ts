import { tracingChannel } from 'node:diagnostics_channel';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteError, type CallTraceContext, type PoolConfig } from 'process-sandbox';
import { ICallContextClient } from '../.generated/js/.generated/services/ICallContext.client.js';
import { track } from '../helpers.js';

const worker = fileURLToPath(new URL('../.generated/js/workers/call-context.js', import.meta.url));

async function client(config: Partial<PoolConfig> = {}): Promise<ICallContextClient> {
  return track(await ICallContextClient.create({ workerModule: worker, logger: false, ...config }));
}

const calls = tracingChannel<unknown, CallTraceContext>('process-sandbox:call');
const unsubscribe: (() => void)[] = [];
afterEach(() => {
  for (const stop of unsubscribe.splice(0)) stop();
});

/** Sets the trace context a tracer would on every call's start, and records each call's id. */
function traceEveryCall(traceparent: string, tracestate?: string): number[] {
  const ids: number[] = [];
  const handlers = {
    start: (context: CallTraceContext) => {
      ids.push(context.callId);
      context.traceparent = traceparent;
      if (tracestate !== undefined) context.tracestate = tracestate;
    },
  };
  calls.subscribe(handlers as never);
  unsubscribe.push(() => calls.unsubscribe(handlers as never));
  return ids;
}

const PARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

describe('callContext() in a worker', () => {
  it('at the defaults, names the call running now (service and method), across its awaits, with the deadline of methodCallTimeoutMs and no trace context', async () => {
    const c = await client();
    const before = Date.now();
    const seen = await c.seen(20);
    expect(seen.service).toBe('ICallContext');
    expect(seen.method).toBe('seen');
    expect(seen.callIdAfterAwait).toBe(seen.callId);
    expect(seen.traceparent).toBeNull();
    expect(seen.tracestate).toBeNull();
    // The default methodCallTimeoutMs is 30 s, counted from the call's arrival.
    expect(seen.deadline - seen.now).toBeGreaterThanOrEqual(29_000);
    expect(seen.deadline - seen.now).toBeLessThanOrEqual(30_000);
    expect(seen.now).toBeGreaterThanOrEqual(before - 1000);
    const next = await c.seen(0);
    expect(next.callId).not.toBe(seen.callId);
  });

  it('takes the method\'s @timeout, else the pool\'s methodCallTimeoutMs, for the deadline', async () => {
    const c = await client({ methodCallTimeoutMs: 5000 });
    const timed = await c.seenTimed();
    expect(timed.deadline - timed.now).toBeGreaterThanOrEqual(1900);
    expect(timed.deadline - timed.now).toBeLessThanOrEqual(2000);
    const plain = await c.seen(0);
    expect(plain.deadline - plain.now).toBeGreaterThanOrEqual(4900);
    expect(plain.deadline - plain.now).toBeLessThanOrEqual(5000);
  });

  it('carries the trace context a start subscriber set to the worker, with the caller\'s call id', async () => {
    const c = await client();
    const ids = traceEveryCall(PARENT, 'vendor=abc,other=1');
    const seen = await c.seen(0);
    expect(seen.traceparent).toBe(PARENT);
    expect(seen.tracestate).toBe('vendor=abc,other=1');
    expect(ids).toEqual([seen.callId]);
  });

  it('carries a traceparent without a tracestate as none, and a lease\'s and a stream\'s calls alike', async () => {
    const c = await client();
    traceEveryCall(PARENT);
    const lease = await c.lease();
    const leased = await lease.seen(0);
    await lease.release();
    expect([leased.traceparent, leased.tracestate]).toEqual([PARENT, null]);
    const streamed: (string | null)[] = [];
    for await (const item of c.seenStreamed(2)) streamed.push(item.traceparent);
    expect(streamed).toEqual([PARENT, PARENT]);
  });

  it('is undefined outside a call: in a timer a call left behind, run after the call ended', async () => {
    const c = await client({ maxPoolSize: 1 });
    await c.leaveTimer();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await c.lastLeftBehind()).toBe(-1);
  });
});

describe('call observers in a worker', () => {
  it('hear each call begin and end (with its error), and run it inside their run(), streams included', async () => {
    const c = await client({ maxPoolSize: 1 });
    await c.observe();
    const seen = await c.seen(5);
    expect(seen.store).toBe(`observing ${seen.callId}`);
    await expect(c.fail('no')).rejects.toBeInstanceOf(RemoteError);
    const streamed: (string | null)[] = [];
    for await (const item of c.seenStreamed(2)) streamed.push(item.store);
    expect(streamed.every((s) => s?.startsWith('observing '))).toBe(true);
    expect(await c.observed()).toEqual([
      'begin seen', 'end seen',
      'begin fail', 'end fail: no',
      'begin seenStreamed', 'end seenStreamed',
      'begin observed',
    ]);
  });
});
