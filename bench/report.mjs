// Turns the results object into the printed main table. Formatting only: every number comes from
// run.mjs, and rows 5′–7 from the peer comparison (results.peers), so both tables show one figure.
import { failedCell, mibPerSecond, ms, perSecond, ratio, table, us } from './format.mjs';
import { bestPeer, coldStartFigures, coldStartMs, peerFigures, sandboxShape, stallFigures } from './peers/compare.mjs';

const latency = (s) => `p50 ${us(s.p50Us)}  p99 ${us(s.p99Us)}`;
/** "× best peer (name: figure)", or nothing when no peer has the figure. */
const againstBest = (value, figures, show = ms) => {
  const best = bestPeer(figures);
  return best === undefined || typeof value !== 'number' ? '' : `${ratio(value / best.value)} best peer (${best.peer}: ${show(best.value)})`;
};

/** Rows of [#, figure, process-sandbox, floor or reference, ratio]. */
function rows(r) {
  const out = [];
  const ran = (section) => r.options.only === null || r[section] !== undefined || r.errors[section] !== undefined;
  const failed = (n, figure, section) => out.push([n, figure, `could not run: ${r.errors[section] ?? 'skipped'}`, '', '']);

  const l = r.latency;
  if (l === undefined) {
    if (ran('latency')) failed('1-2', 'sequential round trips', 'latency');
  } else {
    const pin = l.pinned ? 'pinned' : 'NOT pinned';
    out.push(['1', `floor: round trip, sequential, ${pin}`, '', latency(l.floor), '']);
    // Three decimals: the target is 1.15×, and 1.152× must not print as a missed 1.15×.
    const range = (q) => (l.runs > 1 ? ` [${ratio(q.min, 3)}–${ratio(q.max, 3)}]` : '');
    out.push(['2', `add(), sequential, pool of 1, ${pin}`, latency(l.client), 'row 1',
      `p50 ${ratio(l.p50Ratio.median, 3)}${range(l.p50Ratio)} (target ≤ 1.15×: ${l.p50Ratio.median <= 1.15 ? 'met' : 'missed'}); p99 ${ratio(l.p99Ratio.median)}`]);
  }

  const d = r.recycling;
  if (d === undefined) {
    if (ran('recycling')) failed('2′', 'recycling at the defaults', 'recycling');
  } else {
    const { defaults: on, off } = d;
    out.push(['2′', `add(), every option at its default, unpinned (${on.calls} calls a side)`, `mean ${us(on.meanUs)}, p99 ${us(on.p99Us)}, max ${ms(on.maxUs / 1000)}`,
      `recycling off: mean ${us(off.meanUs)}, p99 ${us(off.p99Us)}, max ${ms(off.maxUs / 1000)}`,
      `mean ${ratio(on.meanUs / off.meanUs)} (target ≤ 1.5×); max ${ms(on.maxUs / 1000)} (target ≤ 5 ms)`]);
    out.push(['', '', `${on.recycles} recycles (threshold ${on.processRecycleThreshold} calls, paced), ${on.callsOver1Ms} calls over 1 ms`, `${off.recycles} recycles, ${off.callsOver1Ms} calls over 1 ms`, '']);
  }

  const t = r.throughput;
  if (t === undefined) {
    if (ran('throughput')) failed('3', 'throughput', 'throughput');
  } else {
    out.push(['3', `add(), pool of 2, ${t.client.inFlight} in flight`, perSecond(t.client.callsPerSecond),
      `2 children × 1 in flight: ${perSecond(t.floorOneEach.callsPerSecond)}`, ratio(t.client.callsPerSecond / t.floorOneEach.callsPerSecond)]);
    out.push(['', '', '', `2 children × ${t.floorPipelined.inFlight / 2} in flight: ${perSecond(t.floorPipelined.callsPerSecond)}`,
      ratio(t.client.callsPerSecond / t.floorPipelined.callsPerSecond)]);
  }

  const e = r.echo;
  if (e === undefined) {
    if (ran('echo')) failed('4', 'large payload echo', 'echo');
  } else {
    // The target is against the bare-socket echo (raw bytes, no framing); the same-framing floor
    // shows what the framing itself costs, and the client's overhead beyond it.
    const mib = (s) => `${mibPerSecond(s.mibPerSecond)} (${ms(s.medianMs)})`;
    const client = e.client.mibPerSecond;
    const q = client / e.rawCount.mibPerSecond;
    out.push(['4', `echo(${e.sizeMiB} MiB), pool of 1, warm (size ÷ round trip)`, mib(e.client),
      `bare socket, raw bytes, counted: ${mib(e.rawCount)}`, `${ratio(q)} (target ≥ 0.8× of this: ${q >= 0.8 ? 'met' : 'missed'})`]);
    out.push(['', '', '', `bare socket, raw bytes, into one Buffer: ${mib(e.rawContiguous)}`, ratio(client / e.rawContiguous.mibPerSecond)]);
    out.push(['', '', '', `same framing, bare child: ${mib(e.floor)}`, ratio(client / e.floor.mibPerSecond)]);
  }

  const c = r.crash;
  if (c === undefined) {
    if (ran('crash')) failed('5', 'after a crash', 'crash');
  } else {
    const spare = c.spareWorkers === null ? '' : `, ${c.spareWorkers} spare`;
    out.push(['5', `crash (SIGKILL): error → next result (min 1, max 2${spare})`, ms(c.errorToNextResult.medianMs), `crash() → error: ${ms(c.crashToError.medianMs)}`, '']);
    const n = r.crashNoSpare;
    if (n !== undefined) {
      out.push(['', '  same, spareWorkers: 0', ms(n.errorToNextResult.medianMs), `crash() → error: ${ms(n.crashToError.medianMs)}`, '']);
    }
  }

  const k = r.confined;
  if (k === undefined) {
    if (ran('confined')) failed('8', 'confinement', 'confined');
  } else {
    const labels = { asIs: 'confined start (confine: {}): create(), pool of 1 → first add()', withoutExtraCaCerts: '  same, without NODE_EXTRA_CA_CERTS' };
    for (const [key, s] of Object.entries(k.start)) {
      out.push([key === 'asIs' ? '8' : '', labels[key] ?? key, ms(s.confinedMs), `unconfined: ${ms(s.unconfinedMs)}`,
        `${ratio(s.ratio)} (target ≤ 1.3×: ${s.ratio <= 1.3 ? 'met' : 'missed'})`]);
    }
    const l = k.latency;
    out.push(['', `  add(), sequential, confined, ${k.latencyPinnedWith ? 'pinned' : 'unpinned'} (${l.calls} calls a side)`, `p50 ${us(l.confined.p50Us)}, p99 ${us(l.confined.p99Us)}`,
      `unconfined: p50 ${us(l.unconfined.p50Us)}, p99 ${us(l.unconfined.p99Us)}`, `p50 ${ratio(l.p50Ratio, 3)} (target ≤ 1.02×: ${l.p50Ratio <= 1.02 ? 'met' : 'missed'}); p99 ${ratio(l.p99Ratio)}`]);
  }

  const g = r.diagnostics;
  if (g === undefined) {
    if (ran('diagnostics')) failed('9', 'diagnostics_channel and histograms', 'diagnostics');
  } else {
    const e = g.endToEnd;
    const pin = g.pinned ? 'pinned' : 'NOT pinned';
    const p50p99 = (s) => `p50 ${us(s.p50Us)}, p99 ${us(s.p99Us)}`;
    const against = (q) => `p50 ${ratio(q.p50, 3)}; p99 ${ratio(q.p99)}`;
    out.push(['9', `add(), sequential, pool of 1, ${pin}: a no-op subscriber on process-sandbox:call (${e.calls} calls a side)`, p50p99(e.noop),
      `no subscriber: ${p50p99(e.none)}`, against(e.noopRatio)]);
    out.push(['', '  a subscriber that sets traceparent (it travels to the worker)', p50p99(e.traceparent), 'no subscriber', against(e.traceparentRatio)]);
    // What no end-to-end turn can show: the instrumentation's own cost with nobody subscribed, as a
    // share of this run's small call. Three decimals, as row 2: 1.021× must not print as a met 1.02×.
    const share = (q) => `${ratio(q, 3)} (target ≤ 1.02×: ${q <= 1.02 ? 'met' : 'missed'})`;
    const ns = (v) => `${v.toFixed(1)} ns a call`;
    const { neverSubscribed: n, afterSubscribers: a } = g.noSubscriber;
    const smallCall = `a small call's p50, ${us(e.none.p50Us)}`;
    out.push(['', 'no subscriber, in process: admitTraced() + settle()\'s trace check', ns(n.traceNs), smallCall, share(n.traceRatio)]);
    out.push(['', '  histograms: CallTimings.record + 1 performance.now()', ns(n.histogramNs), smallCall, share(n.histogramRatio)]);
    out.push(['', '  worker: callContext() with no observer', ns(n.workerNs), smallCall, share(n.workerRatio)]);
    out.push(['', '  all three', ns(n.traceNs + n.histogramNs + n.workerNs), smallCall, share(n.allRatio)]);
    out.push(['', '  all three, after subscribers came and went', ns(a.traceNs + a.histogramNs + a.workerNs),
      `trace ${a.traceNs.toFixed(1)}, histograms ${a.histogramNs.toFixed(1)}, worker ${a.workerNs.toFixed(1)} ns`, share(a.allRatio)]);
  }

  const p = r.peers;
  const cold = p?.coldStart;
  if (cold !== undefined) {
    const variants = [['asIs', 'cold start: create(), pool of 1 → first add(), fresh process'], ['withoutExtraCaCerts', '  same, without NODE_EXTRA_CA_CERTS']];
    for (const [key, figure] of variants) {
      if (cold[key] === undefined) continue;
      const mine = cold[key]['process-sandbox'];
      const bare = coldStartMs(cold, key, 'bareNode');
      out.push([key === 'asIs' ? '5′' : '', figure, mine.failed !== undefined ? failedCell(mine.failed) : ms(mine.medianMs),
        `node -e 0: ${ms(bare)}${mine.medianMs === undefined ? '' : ` (+${ms(mine.medianMs - bare)} over it)`}`,
        againstBest(mine.medianMs, coldStartFigures(cold, key))]);
    }
  }

  for (const [i, heap] of (p?.stall ?? []).entries()) {
    const mine = heap.perPeer['process-sandbox'];
    const figure = `event-loop stall per worker start, ${heap.label} heap`;
    if (mine.failed !== undefined) {
      out.push([i === 0 ? '6' : '', figure, failedCell(mine.failed), '', '']);
      continue;
    }
    const stall = (s) => `${ms(s.medianMaxStallMs)} (busy ${ms(s.medianMaxBusyStallMs)})`;
    out.push([i === 0 ? '6' : '', `${figure} (RSS ${Math.round(mine.rssMiB)} MiB): crash → replacement`, stall(mine.crash),
      `p99 ${ms(mine.crash.p99StallMs)}; idle windows: ${stall(mine.idle)}`,
      `target ≤ 1 ms; busy: ${againstBest(mine.crash.medianMaxBusyStallMs, stallFigures(heap, (v) => v.crash.medianMaxBusyStallMs))}`]);
    out.push(['', '  recycle (processRecycleThreshold 5)', stall(mine.recycle), `p99 ${ms(mine.recycle.p99StallMs)}`, '']);
    out.push(['', '  first pool created after the heap grew', `${ms(mine.lateCreate.maxStallMs)} (busy ${ms(mine.lateCreate.maxBusyStallMs)})`,
      `create → first result: ${ms(mine.lateCreate.createToFirstResultMs)}`, '']);
  }

  const pool2 = [['crash', 'crash (exit(1)): error → next result'], ['timeout', 'timeout (100 ms): error → next result']];
  for (const [part, figure] of pool2) {
    const shapes = p?.[part];
    if (shapes === undefined) continue;
    for (const minWorkers of [1, 2]) {
      const mine = sandboxShape(shapes, 2, minWorkers);
      if (mine === undefined) continue;
      out.push([part === 'crash' && minWorkers === 1 ? '7' : '', `${figure}, pool of 2 (min ${minWorkers} / max 2)`,
        mine.failed !== undefined ? failedCell(mine.failed) : ms(mine.errorToNextMs), '',
        `${againstBest(mine.errorToNextMs, peerFigures(shapes, 2, 'errorToNextMs'))}; target ≤ 0.5×`]);
    }
  }
  return out;
}

export function formatReport(r) {
  const env = r.environment;
  const head = [
    `process-sandbox benchmark, ${r.date}${r.revision === null ? '' : `, commit ${r.revision.commit}${r.revision.runtimeModified ? ' with uncommitted changes in runtime/ or worker-template/' : ''}`}`,
    `  Node ${env.node} on ${env.platform} ${env.arch}; CPU ${env.cpuModel} × ${env.cpus}`,
    `  Load average (1 min): ${env.loadAverage1m.toFixed(2)} when the bench started, ${env.loadAverage1mAtEnd.toFixed(2)} at the end; other work on the machine moves every figure`,
    `  NODE_EXTRA_CA_CERTS: ${env.nodeExtraCaCerts ? 'set (every Node start reads the extra certificates; start-up rows show both)' : 'not set'}`,
    ...(r.latency === undefined ? [] : [`  Rows 1–2: ${r.latency.pinned ? `pinned with ${r.latency.pinnedWith} (the kernel reported Cpus_allowed_list ${r.latency.allowedCpus})` : 'NOT pinned (no taskset): expect noisy figures'}; `
      + `median of ${r.latency.runs} runs of ${r.latency.callsPerRun} calls, [lowest–highest] run's ratio`]),
    ...(r.diagnostics === undefined ? [] : [`  Row 9: ${r.diagnostics.pinned ? `pinned with ${r.diagnostics.pinnedWith}` : 'NOT pinned (no taskset)'}; one run, its three sides taking turns in ${r.diagnostics.endToEnd.blocks} blocks; `
      + `in process, the median over ${r.diagnostics.noSubscriber.neverSubscribed.rounds} rounds of ${r.diagnostics.noSubscriber.neverSubscribed.iterations} iterations`]),
    '  Rows 2′–7: unpinned; medians of several rounds (each round is in bench/results/latest.json); rows 5′–7 are the comparison\'s figures (below).',
    ...(r.options.only === null ? [] : [`  Only: ${r.options.only.join(', ')}`]),
    '',
  ];
  return [...head, ...table([['#', 'figure', 'process-sandbox', 'floor / reference', 'ratio'], ...rows(r)]), ''].join('\n');
}
