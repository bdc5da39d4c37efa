// The diagnostics row's in-process half (diagnostics.mjs): what the call instrumentation adds to
// every call when nobody subscribes, in ns per call. An end-to-end A/B cannot show it, since there
// is no build without the code to take turns with; so each part is timed here against the same
// loop without it, over many iterations, from the compiled runtime (dist/).
//
// - trace: admitTraced() around the admission (with the closure pool.ts makes per call) against
//   calling the admission directly; and the check PendingCall.settle makes for a trace it has not.
// - histograms: CallTimings.record, and the one performance.now() read it needs per call
//   (PendingCall.settledAt; sentAt's read was there before, for the call's deadline, and madeAt
//   is read only for a call that waits, by the queue's own read).
// - worker: what the worker's callContext() costs every call with no observer (beginCall,
//   runObserved, endCall around the handler, worker-template/call-context.ts, with the Date.now()
//   beginCall's deadline reads), against calling the handler directly.
//
// Every loop's result goes into `sink`, which the caller prints, so that none can be dropped as dead.
import { admitTraced, callChannel } from '../dist/runtime/diagnostics.js';
import { PendingCall } from '../dist/runtime/call.js';
import { CallTimings } from '../dist/runtime/call-timings.js';
import { beginCall, endCall, runObserved } from '../dist/worker-template/call-context.js';
import { median } from './stats.mjs';

const noop = () => {};
// What a generated client's method descriptor holds (runtime/lease.ts's LEASE_BEGIN is one too).
const METHOD = { id: 0, name: 'add', params: ['a', 'b'], required: 2, args: [() => true, () => true], result: () => true };
const ORIGIN = { poolId: 1, service: 'IBench' };
// A few calls in turn, so that no loop reads one object only.
const CALLS = Array.from({ length: 8 }, () => new PendingCall(METHOD, [1, 2], noop, noop));
const MASK = CALLS.length - 1;
// Times in ms as the histograms get them (queue wait, run time): a spread of small calls'.
const TIMES = Float64Array.from({ length: 1024 }, (_, i) => 0.002 + (i % 97) * 0.0007);
const TIMES_MASK = TIMES.length - 1;
const OPTIONS = { priority: 1 };
const ARGS = [1, 2];

let admitted = 0;
/** Stands for the pool's #admit: a little work that must happen. */
function admitCore(call, options) {
  admitted += call.priority + options.priority;
}
/** Stands for the worker's handler of add(). */
function handler(args) {
  return args[0] + args[1];
}

const loops = {
  // pool.call before the channel: the admission called as is.
  admitDirect(n) {
    for (let i = 0; i < n; i++) admitCore(CALLS[i & MASK], OPTIONS);
    return admitted;
  },
  // pool.call now: admitTraced around it, with a fresh closure per call, as pool.ts makes.
  admitWrapped(n) {
    for (let i = 0; i < n; i++) {
      const call = CALLS[i & MASK];
      admitTraced(call, ORIGIN, () => admitCore(call, OPTIONS));
    }
    return admitted;
  },
  // The loop alone, reading a call as the next does.
  readCall(n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += CALLS[i & MASK].priority;
    return s;
  },
  // What PendingCall.settle does for the trace when the call has none.
  settleTraceCheck(n) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const call = CALLS[i & MASK];
      if (call.trace !== undefined && !call.traceHeld) s += 1000;
      s += call.priority;
    }
    return s;
  },
  // The loop alone, reading two times as the next does.
  readTimes(n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += TIMES[i & TIMES_MASK] + TIMES[(i + 7) & TIMES_MASK];
    return s;
  },
  record(n, timings) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const queued = TIMES[i & TIMES_MASK];
      const run = TIMES[(i + 7) & TIMES_MASK];
      timings.record(METHOD, queued, run);
      s += queued + run;
    }
    return s;
  },
  // The loop alone, for the next.
  count(n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += i & 7;
    return s;
  },
  clock(n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += performance.now() + (i & 7);
    return s;
  },
  handlerDirect(n) {
    let s = 0;
    for (let i = 0; i < n; i++) s += handler(ARGS) + (i & 7);
    return s;
  },
  // What worker-template/host.ts's onCall and reply do around the handler, with no observer.
  handlerInContext(n) {
    let s = 0;
    for (let i = 0; i < n; i++) {
      s += (beginCall(METHOD.name, i, 30_000, undefined) ? runObserved(() => handler(ARGS)) : handler(ARGS)) + (i & 7);
      endCall(undefined);
    }
    return s;
  },
};

/** Each part's [measured loop, the same loop without the part]. */
const PAIRS = {
  admit: ['admitWrapped', 'admitDirect'],
  settleTraceCheck: ['settleTraceCheck', 'readCall'],
  record: ['record', 'readTimes'],
  performanceNow: ['clock', 'count'],
  workerCallContext: ['handlerInContext', 'handlerDirect'],
};

let sink = 0;
/** Whatever the loops returned, for the caller to print. */
export const consumed = () => sink;

/** ns per iteration of one loop. */
function time(name, n, timings) {
  const start = process.hrtime.bigint();
  sink += loops[name](n, timings);
  return Number(process.hrtime.bigint() - start) / n;
}

/**
 * Every part's ns per call, with nobody subscribed to `process-sandbox:call`: each pair's loops
 * run `iterations` times once to warm up, then `rounds` times in turn (the order flipped every
 * round, so drift lands on both); a part's added ns is the median over the rounds of the measured
 * loop's ns less its baseline's in the same round.
 */
export function measureNoSubscriber({ iterations, rounds }) {
  if (callChannel.hasSubscribers) throw new Error('process-sandbox:call has subscribers: the no-subscriber figures would not be');
  const timings = new CallTimings();
  for (const name of Object.keys(loops)) time(name, iterations, timings);
  const each = Object.fromEntries(Object.keys(PAIRS).map((key) => [key, { measured: [], baseline: [], added: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const [key, [measured, baseline]] of Object.entries(PAIRS)) {
      const ns = {};
      for (const name of round % 2 === 0 ? [measured, baseline] : [baseline, measured]) ns[name] = time(name, iterations, timings);
      each[key].measured.push(ns[measured]);
      each[key].baseline.push(ns[baseline]);
      each[key].added.push(ns[measured] - ns[baseline]);
    }
  }
  // The histogram must have taken every record, or the loop measured something else.
  const recorded = timings.snapshot().add?.runMs.count ?? 0;
  if (recorded !== iterations * (rounds + 1)) throw new Error(`the histogram counted ${recorded} records, expected ${iterations * (rounds + 1)}`);
  const parts = Object.fromEntries(Object.entries(each).map(([key, e]) => [key, {
    measuredNs: median(e.measured), baselineNs: median(e.baseline), addedNs: median(e.added), addedNsEachRound: e.added,
  }]));
  // A part cheaper than its baseline costs nothing: noise, not a saving.
  const added = (key) => Math.max(0, parts[key].addedNs);
  return {
    iterations, rounds, parts,
    traceNs: added('admit') + added('settleTraceCheck'),
    histogramNs: added('record') + added('performanceNow'),
    workerNs: added('workerCallContext'),
  };
}

/** (a small call's p50 + ns) ÷ its p50: the latency a small call would have with `ns` more. */
export function ofSmallCall(ns, p50Us) {
  return (p50Us * 1000 + ns) / (p50Us * 1000);
}
