#!/usr/bin/env node
// Row 2′, recycling at the defaults: sequential add(1, 2) on a client with every option at its
// default (processRecycleThreshold 1000 calls; overlapped recycling paces these recycles to three
// at once, then one per ten start times: recycle-policy.ts) against the same client with recycling off, taking turns in blocks. Unpinned: a real service
// has more than one CPU, and the replacement's start runs on another one than the caller's. In a
// process of its own (run.mjs starts it), so that no earlier row's pools or garbage share it.
// Prints one JSON line on stdout.
//
//   node bench/recycling.mjs [--warmup 2000] [--calls 150000] [--blocks 60]
import { parseArgs } from 'node:util';
import { expectEqual, openClient } from './client.mjs';
import { latencySummaryUs, timeInTurns, timeSequential } from './stats.mjs';

const { values } = parseArgs({
  options: {
    warmup: { type: 'string', default: '2000' },
    calls: { type: 'string', default: '150000' },
    blocks: { type: 'string', default: '60' },
  },
});
const warmup = Number(values.warmup);
const calls = Number(values.calls);
const blocks = Number(values.blocks);

// Every option at its default but the logger (silent) and, on the second, processRecycleThreshold.
const defaults = await openClient({ processRecycleThreshold: undefined });
const off = await openClient({ processRecycleThreshold: 1e9 });
try {
  const sides = {
    defaults: { client: defaults, samples: new Float64Array(calls) },
    off: { client: off, samples: new Float64Array(calls) },
  };
  for (const side of Object.values(sides)) {
    expectEqual(await side.client.add(1, 2), 3, 'the client\'s add(1, 2)');
    side.call = () => side.client.add(1, 2);
  }
  const scratch = new Float64Array(warmup);
  for (const side of Object.values(sides)) await timeSequential(side.call, scratch, 0, warmup);
  for (const side of Object.values(sides)) side.before = side.client.pool.stats().totals;

  // Taking turns in blocks, so drift and other load land on both (stats.mjs, timeInTurns).
  await timeInTurns([sides.defaults, sides.off], calls, blocks);

  const summary = (side) => {
    const after = side.client.pool.stats().totals;
    return {
      ...latencySummaryUs(side.samples),
      processRecycleThreshold: side.client.pool.config.processRecycleThreshold,
      // Counted over the timed calls and the untimed ones between blocks.
      recycles: after.recycles - side.before.recycles,
      workersStarted: after.workersStarted - side.before.workersStarted,
      callsOver1Ms: side.samples.filter((ms) => ms > 1).length,
    };
  };
  process.stdout.write(`${JSON.stringify({ warmup, calls, blocks, defaults: summary(sides.defaults), off: summary(sides.off) })}\n`);
} finally {
  await defaults.close();
  await off.close();
}
