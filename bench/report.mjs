// Turns the results object into the printed table. Formatting only: every number comes from run.mjs.

const us = (v) => `${v.toFixed(1)} µs`;
const ms = (v) => (v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
const perSecond = (v) => `${Math.round(v).toLocaleString('en-US')} calls/s`;
const ratio = (v, digits = 2) => `${v.toFixed(digits)}×`;
const latency = (s) => `p50 ${us(s.p50Us)}  p99 ${us(s.p99Us)}`;

/** Rows of [#, figure, process-sandbox, floor or reference, ratio]. */
function rows(r) {
  const out = [];
  const failed = (n, figure, section) => out.push([n, figure, `could not run: ${r.errors[section] ?? 'skipped'}`, '', '']);

  const l = r.latency;
  if (l === undefined) {
    failed('1-2', 'sequential round trips', 'latency');
  } else {
    const pin = l.pinned ? 'pinned' : 'NOT pinned';
    out.push(['1', `floor: round trip, sequential, ${pin}`, '', latency(l.floor), '']);
    // Three decimals: the target is 1.15×, and 1.152× must not print as a missed 1.15×.
    const range = (q) => (l.runs > 1 ? ` [${ratio(q.min, 3)}–${ratio(q.max, 3)}]` : '');
    out.push(['2', `add(), sequential, pool of 1, ${pin}`, latency(l.client), 'row 1',
      `p50 ${ratio(l.p50Ratio.median, 3)}${range(l.p50Ratio)} (target ≤ 1.15×: ${l.p50Ratio.median <= 1.15 ? 'met' : 'missed'}); p99 ${ratio(l.p99Ratio.median)}`]);
    const d = l.clientDefaults;
    if (d !== null) {
      out.push(['', '  same, every option at its default', `mean ${us(d.meanUs)}, max ${ms(d.maxUs / 1000)}`,
        `${d.recycles} recycles (1 per ${d.processRecycleThreshold} calls)`, `mean ${ratio(d.meanUs / l.client.meanUs)} row 2's`]);
    }
  }

  const t = r.throughput;
  if (t === undefined) {
    failed('3', 'throughput', 'throughput');
  } else {
    out.push(['3', `add(), pool of 2, ${t.client.inFlight} in flight`, perSecond(t.client.callsPerSecond),
      `2 children × 1 in flight: ${perSecond(t.floorOneEach.callsPerSecond)}`, ratio(t.client.callsPerSecond / t.floorOneEach.callsPerSecond)]);
    out.push(['', '', '', `2 children × ${t.floorPipelined.inFlight / 2} in flight: ${perSecond(t.floorPipelined.callsPerSecond)}`,
      ratio(t.client.callsPerSecond / t.floorPipelined.callsPerSecond)]);
  }

  const e = r.echo;
  if (e === undefined) {
    failed('4', 'large payload echo', 'echo');
  } else {
    // The target is against the bare-socket echo (raw bytes, no framing); the same-framing floor
    // shows what the framing itself costs, and the client's overhead beyond it.
    const mib = (s) => `${Math.round(s.mibPerSecond)} MiB/s (${ms(s.medianMs)})`;
    const client = e.client.mibPerSecond;
    if (e.rawCount !== undefined) {
      const q = client / e.rawCount.mibPerSecond;
      out.push(['4', `echo(${e.sizeMiB} MiB), pool of 1 (size ÷ round trip)`, mib(e.client),
        `bare socket, raw bytes, counted: ${mib(e.rawCount)}`, `${ratio(q)} (target ≥ 0.8× of this: ${q >= 0.8 ? 'met' : 'missed'})`]);
      out.push(['', '', '', `bare socket, raw bytes, into one Buffer: ${mib(e.rawContiguous)}`, ratio(client / e.rawContiguous.mibPerSecond)]);
      out.push(['', '', '', `same framing, bare child: ${mib(e.floor)}`, ratio(client / e.floor.mibPerSecond)]);
    } else {
      const q = client / e.floor.mibPerSecond;
      out.push(['4', `echo(${e.sizeMiB} MiB), pool of 1 (size ÷ round trip)`, mib(e.client), `same framing, bare child: ${mib(e.floor)}`, ratio(q)]);
    }
  }

  const c = r.crash;
  if (c === undefined) {
    failed('5', 'after a crash', 'crash');
  } else {
    const spare = c.spareWorkers === null ? '' : `, ${c.spareWorkers} spare`;
    out.push(['5', `crash: error → next result (min 1, max 2${spare})`, ms(c.errorToNextResult.medianMs), `crash() → error: ${ms(c.crashToError.medianMs)}`, '']);
    const n = r.crashNoSpare;
    if (n !== undefined) {
      out.push(['', '  same, spareWorkers: 0', ms(n.errorToNextResult.medianMs), `crash() → error: ${ms(n.crashToError.medianMs)}`, '']);
    }
  }
  const s = r.startup;
  if (s === undefined) {
    failed('', 'worker start-up', 'startup');
  } else {
    out.push(['', 'start-up: create(), pool of 1', ms(s.poolOfOne.medianMs), `node -e 0: ${ms(s.bareNode.medianMs)}`, '']);
    if (s.poolOfOneWithoutExtraCaCerts !== undefined) {
      out.push(['', '  same, without NODE_EXTRA_CA_CERTS', ms(s.poolOfOneWithoutExtraCaCerts.medianMs),
        `node -e 0: ${ms(s.bareNodeWithoutExtraCaCerts.medianMs)}`, '']);
    }
  }
  return out;
}

export function formatReport(r) {
  const env = r.environment;
  const head = [
    `process-sandbox benchmark, ${r.date}${r.revision === null ? '' : `, commit ${r.revision.commit}${r.revision.runtimeModified ? ' with uncommitted changes in runtime/ or worker-template/' : ''}`}`,
    `  Node ${env.node} on ${env.platform} ${env.arch}; CPU ${env.cpuModel} × ${env.cpus}`,
    `  Load average when the bench started: ${env.loadAverage1m.toFixed(2)} (1 min); other work on the machine moves every figure`,
    `  NODE_EXTRA_CA_CERTS: ${env.nodeExtraCaCerts ? 'set (every Node start reads the extra certificates; start-up rows show both)' : 'not set'}`,
    `  Rows 1–2: ${r.latency?.pinned ? `pinned with ${r.latency.pinnedWith} (the kernel reported Cpus_allowed_list ${r.latency.allowedCpus})` : 'NOT pinned (no taskset): expect noisy figures'}; `
      + `median of ${r.latency?.runs ?? '?'} runs of ${r.latency?.callsPerRun ?? '?'} calls, [lowest–highest] run's ratio`,
    '  Rows 3–5: unpinned; medians of several rounds (each round is in bench/results/latest.json).',
    '',
  ];
  const table = [['#', 'figure', 'process-sandbox', 'floor / reference', 'ratio'], ...rows(r)];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const line = (row) => row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [...head, line(table[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...table.slice(1).map(line), ''].join('\n');
}
