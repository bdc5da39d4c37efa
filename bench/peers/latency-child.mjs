#!/usr/bin/env node
// One peer's sequential add(1, 2) latency on a pool of 1. bench/peers.mjs starts it under
// `taskset -c <cpu>` when it can, as run.mjs starts latency.mjs, so this process and the worker
// share one CPU. Prints one JSON line on stdout.
//
//   node bench/peers/latency-child.mjs <peer> [--warmup 2000] [--calls 10000]
import { parseArgs } from 'node:util';
import { latencySummaryUs } from '../stats.mjs';
import { openPeer } from './adapters.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { warmup: { type: 'string', default: '2000' }, calls: { type: 'string', default: '10000' } },
});
const [name] = positionals;
const warmup = Number(values.warmup);
const calls = Number(values.calls);

const peer = await openPeer(name, { workers: 1 });
try {
  const got = await peer.add(1, 2);
  if (got !== 3) throw new Error(`${name}'s add(1, 2) returned ${String(got)}`);
  for (let i = 0; i < warmup; i++) await peer.add(1, 2);
  const samples = new Float64Array(calls);
  for (let i = 0; i < calls; i++) {
    const start = performance.now();
    await peer.add(1, 2);
    samples[i] = performance.now() - start;
  }
  process.stdout.write(`${JSON.stringify({ peer: name, warmup, ...latencySummaryUs(samples) })}\n`);
} finally {
  await peer.close();
}
