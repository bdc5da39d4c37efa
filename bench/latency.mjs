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
import { latencySummaryUs, timeSequential } from './stats.mjs';

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
const UNTIMED_AFTER_SWITCH = 2;

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

  const scratch = new Float64Array(Math.max(warmup, UNTIMED_AFTER_SWITCH));
  await timeSequential(floorAdd, scratch, 0, warmup);
  await timeSequential(clientAdd, scratch, 0, warmup);

  // Alternating blocks, so drift (frequency scaling, other work on the machine) lands on both
  // sides alike; the order flips every block (floor first, then client first) and the first calls
  // after each switch are not timed, since they pay for waking the other side's process.
  const floorSamples = new Float64Array(calls);
  const clientSamples = new Float64Array(calls);
  const perBlock = Math.ceil(calls / blocks);
  for (let from = 0, block = 0; from < calls; from += perBlock, block++) {
    const count = Math.min(perBlock, calls - from);
    const order = block % 2 === 0 ? [[floorAdd, floorSamples], [clientAdd, clientSamples]] : [[clientAdd, clientSamples], [floorAdd, floorSamples]];
    for (const [call, samples] of order) {
      await timeSequential(call, scratch, 0, UNTIMED_AFTER_SWITCH);
      await timeSequential(call, samples, from, count);
    }
  }

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
