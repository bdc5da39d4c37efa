#!/usr/bin/env node
// Sequential round trips: the raw floor against the generated client on a pool of 1. run.mjs
// starts this under `taskset -c 0` when it can, so this process, the floor child and the worker
// share one CPU and every round trip pays the same two context switches, not the luck of the
// scheduler. Prints one JSON line on stdout.
//
//   node bench/latency.mjs [--warmup 2000] [--calls 20000] [--blocks 40]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { expectEqual, openClient } from './client.mjs';
import { startFloor } from './floor.mjs';
import { latencySummaryUs, timeInTurns, timeSequential } from './stats.mjs';

const { values } = parseArgs({
  options: {
    warmup: { type: 'string', default: '2000' },
    calls: { type: 'string', default: '20000' },
    blocks: { type: 'string', default: '40' },
  },
});
const warmup = Number(values.warmup);
const calls = Number(values.calls);
const blocks = Number(values.blocks);

/** The CPUs this process may run on, as the kernel says (Linux), so the report shows the pinning took. */
function allowedCpus() {
  try {
    return /^Cpus_allowed_list:\s*(\S+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

const floor = await startFloor(1);
const client = await openClient({ minPoolSize: 1, maxPoolSize: 1 });
const peer = floor.peers[0];
const floorAdd = () => peer.add(1, 2);
const clientAdd = () => client.add(1, 2);
try {
  expectEqual(await floorAdd(), 3, 'the floor child\'s add(1, 2)');
  expectEqual(await clientAdd(), 3, 'the client\'s add(1, 2)');

  const scratch = new Float64Array(warmup);
  await timeSequential(floorAdd, scratch, 0, warmup);
  await timeSequential(clientAdd, scratch, 0, warmup);

  // Alternating blocks, floor first in the first (stats.mjs, timeInTurns).
  const floorSamples = new Float64Array(calls);
  const clientSamples = new Float64Array(calls);
  await timeInTurns([{ call: floorAdd, samples: floorSamples }, { call: clientAdd, samples: clientSamples }], calls, blocks);

  process.stdout.write(`${JSON.stringify({
    allowedCpus: allowedCpus(),
    warmup,
    floor: latencySummaryUs(floorSamples),
    client: latencySummaryUs(clientSamples),
  })}\n`);
} finally {
  await client.close();
  await floor.close();
}
