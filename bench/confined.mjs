#!/usr/bin/env node
// Row 8, the cost of confinement (docs/confinement.md): a confined worker's start against an
// unconfined one's, and the small call on each. Start: in a fresh process per round (each its
// application's first pool, as row 5′), create() of a pool of 1 → first add(1, 2), with
// confine: {} and without, taking turns; with the environment as it is and without
// NODE_EXTRA_CA_CERTS. Latency: one process, both pools open, sequential add(1, 2) taking turns
// in blocks; run.mjs runs this part pinned to one CPU (`--part latency` under taskset), as rows
// 1–2 are: unpinned, whichever worker the scheduler puts on the other CPU pays a cross-CPU wake-up
// per call (on this VM 70 µs against 11), which made the ratio 0.16× or 6× by chance. Prints one
// JSON line on stdout; `--side` runs one start and prints it.
//
//   node bench/confined.mjs [--part start|latency|all] [--rounds 7] [--calls 20000]
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { expectEqual, openClient } from './client.mjs';
import { median, percentile, timeInTurns, timeSequential } from './stats.mjs';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    calls: { type: 'string', default: '20000' },
    side: { type: 'string' },
    part: { type: 'string', default: 'all' },
  },
});

if (values.side !== undefined) {
  const start = performance.now();
  const client = await openClient({ minPoolSize: 1, maxPoolSize: 1, ...(values.side === 'confined' ? { confine: {} } : {}) });
  expectEqual(await client.add(1, 2), 3, `the ${values.side} client's add(1, 2)`);
  const ms = performance.now() - start;
  await client.close();
  process.stdout.write(`${JSON.stringify({ ms })}\n`);
  process.exit(0);
}

const run = promisify(execFile);
const here = fileURLToPath(import.meta.url);
const rounds = Number(values.rounds);
if (!['start', 'latency', 'all'].includes(values.part)) throw new Error(`confined.mjs: --part is start, latency or all, not "${values.part}"`);
const out = {};
if (values.part !== 'latency') out.start = await measureStart();
if (values.part !== 'start') Object.assign(out, await measureLatency());
process.stdout.write(`${JSON.stringify(out)}\n`);

/** create() → first add(), confined and not, a fresh process per start. */
async function measureStart() {
  const variants = process.env.NODE_EXTRA_CA_CERTS === undefined ? [['asIs', false]] : [['asIs', false], ['withoutExtraCaCerts', true]];
  const start = {};
  for (const [key, without] of variants) {
    const env = { ...process.env };
    if (without) delete env.NODE_EXTRA_CA_CERTS;
    const each = { unconfined: [], confined: [] };
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 === 0 ? ['unconfined', 'confined'] : ['confined', 'unconfined']) {
        const { stdout } = await run(process.execPath, [here, '--side', side], { env });
        each[side].push(JSON.parse(stdout).ms);
      }
    }
    start[key] = { unconfinedMs: median(each.unconfined), confinedMs: median(each.confined), ratio: median(each.confined) / median(each.unconfined), rounds };
  }
  return start;
}

/** Sequential add(1, 2) on a confined and an unconfined pool, taking turns in blocks. */
async function measureLatency() {
  const calls = Number(values.calls);
  const blocks = 20;
  const sides = { unconfined: await openClient({}), confined: await openClient({ confine: {} }) };
  const samples = { unconfined: new Float64Array(calls), confined: new Float64Array(calls) };
  try {
    const scratch = new Float64Array(2000);
    for (const client of Object.values(sides)) await timeSequential(() => client.add(1, 2), scratch, 0, scratch.length);
    await timeInTurns(['unconfined', 'confined'].map((side) => ({ call: () => sides[side].add(1, 2), samples: samples[side] })), calls, blocks);
    const us = (side, q) => percentile(samples[side], q) * 1000;
    const latency = {
      calls,
      unconfined: { p50Us: us('unconfined', 50), p99Us: us('unconfined', 99) },
      confined: { p50Us: us('confined', 50), p99Us: us('confined', 99) },
    };
    latency.p50Ratio = latency.confined.p50Us / latency.unconfined.p50Us;
    latency.p99Ratio = latency.confined.p99Us / latency.unconfined.p99Us;
    return { latency, confinement: sides.confined.pool.confinement };
  } finally {
    await sides.unconfined.close();
    await sides.confined.close();
  }
}
