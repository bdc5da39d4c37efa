#!/usr/bin/env node
// The diagnostics row: what the `process-sandbox:call` TracingChannel (runtime/diagnostics.ts)
// and the per-method histograms (runtime/call-timings.ts) cost a small call, in one process.
// run.mjs starts this under `taskset -c 0` as it does latency.mjs. Prints one JSON line on stdout.
//
// End to end: add(1, 2) on one pool of 1, taking turns in blocks with no subscriber, with a no-op
// subscriber on all five events, and with a subscriber that also sets context.traceparent (the
// trace context then travels in the frame and the worker's callContext() carries it). Each
// subscriber is subscribed before its block and unsubscribed after it, on the same worker.
//
// In process (instrumentation-cost.mjs): what the instrumentation adds to a call when nobody
// subscribes, in ns per call, which no end-to-end A/B can show (there is no build without the
// code to take turns with). Taken twice: after the pool's own calls only (a process where nobody
// ever subscribed, the case the target is for), and again after the end-to-end turns: on Node 20
// each subscribe and unsubscribe swaps the channels' prototypes (Channel ↔ ActiveChannel), and
// after a few such swaps TracingChannel.hasSubscribers, which admitTraced reads on every call,
// costs about 100 ns rather than 2.
//
//   node bench/diagnostics.mjs [--warmup 2000] [--calls 20000] [--blocks 40] [--iterations 1000000] [--rounds 11]
import { subscribe, tracingChannel, unsubscribe } from 'node:diagnostics_channel';
import { parseArgs } from 'node:util';
import { expectEqual, openClient } from './client.mjs';
import { consumed, measureNoSubscriber, ofSmallCall } from './instrumentation-cost.mjs';
import { latencySummaryUs, timeInTurns, timeSequential } from './stats.mjs';

const { values } = parseArgs({
  options: {
    warmup: { type: 'string', default: '2000' },
    calls: { type: 'string', default: '20000' },
    blocks: { type: 'string', default: '40' },
    iterations: { type: 'string', default: '1000000' },
    rounds: { type: 'string', default: '11' },
  },
});
const warmup = Number(values.warmup);
const calls = Number(values.calls);
const blocks = Number(values.blocks);
const micro = { iterations: Number(values.iterations), rounds: Number(values.rounds) };

const CHANNEL = 'process-sandbox:call';
const noop = () => {};
const noopHandlers = { start: noop, end: noop, asyncStart: noop, asyncEnd: noop, error: noop };
// A fixed W3C traceparent: a tracer would make one per call; here the cost is its trip to the worker.
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const tracingHandlers = { ...noopHandlers, start: (context) => { context.traceparent = TRACEPARENT; } };
const traced = tracingChannel(CHANNEL);

/** A side of the turns: `handlers` subscribed on all five events for its blocks only. */
function side(call, handlers) {
  return {
    call,
    samples: new Float64Array(calls),
    enter: handlers === undefined ? undefined : () => traced.subscribe(handlers),
    leave: handlers === undefined ? undefined : () => traced.unsubscribe(handlers),
  };
}

const client = await openClient({ minPoolSize: 1, maxPoolSize: 1 });
let endToEnd;
let neverSubscribed;
let afterSubscribers;
try {
  const add = () => client.add(1, 2);
  expectEqual(await add(), 3, 'the client\'s add(1, 2)');
  const scratch = new Float64Array(warmup);
  await timeSequential(add, scratch, 0, warmup);
  // Before anything subscribed, with the pool's own calls through admitTraced as a service's are.
  neverSubscribed = measureNoSubscriber(micro);

  // The traceparent must reach the frame, or side (c) measures nothing more than (b).
  const seen = [];
  const onEnd = (context) => { seen.push(context.traceparent); };
  traced.subscribe(tracingHandlers);
  subscribe(`tracing:${CHANNEL}:end`, onEnd);
  expectEqual(await add(), 3, 'the traced add(1, 2)');
  unsubscribe(`tracing:${CHANNEL}:end`, onEnd);
  traced.unsubscribe(tracingHandlers);
  expectEqual(seen[0], TRACEPARENT, 'the start subscriber\'s traceparent');

  const sides = { none: side(add), noop: side(add, noopHandlers), traceparent: side(add, tracingHandlers) };
  for (const s of Object.values(sides)) {
    s.enter?.();
    await timeSequential(add, scratch, 0, warmup);
    s.leave?.();
  }
  await timeInTurns(Object.values(sides), calls, blocks);
  const summary = Object.fromEntries(Object.entries(sides).map(([key, s]) => [key, latencySummaryUs(s.samples)]));
  const q = (key, field) => summary[key][field] / summary.none[field];
  endToEnd = {
    calls, blocks, warmup, ...summary,
    noopRatio: { p50: q('noop', 'p50Us'), p99: q('noop', 'p99Us') },
    traceparentRatio: { p50: q('traceparent', 'p50Us'), p99: q('traceparent', 'p99Us') },
  };
  afterSubscribers = measureNoSubscriber(micro);
} finally {
  await client.close();
}

// Each no-subscriber cost as a share of this run's small call (side (a)'s p50).
const withRatios = (m) => ({
  ...m,
  traceRatio: ofSmallCall(m.traceNs, endToEnd.none.p50Us),
  histogramRatio: ofSmallCall(m.histogramNs, endToEnd.none.p50Us),
  workerRatio: ofSmallCall(m.workerNs, endToEnd.none.p50Us),
  allRatio: ofSmallCall(m.traceNs + m.histogramNs + m.workerNs, endToEnd.none.p50Us),
});
process.stdout.write(`${JSON.stringify({
  endToEnd,
  noSubscriber: { neverSubscribed: withRatios(neverSubscribed), afterSubscribers: withRatios(afterSubscribers) },
  consumed: Number.isFinite(consumed()),
})}\n`);
