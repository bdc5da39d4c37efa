// The peer comparison: process-sandbox (through the bench's generated IBench client) against
// workerpool, jest-worker, tinypool and worker-farm, each in its process (child_process) mode,
// measured the same way in the same run. Each side of each measurement runs in a process of its
// own (peers/side.mjs), so a peer that throws, rejects or hangs fails its own cell and nothing
// else. run.mjs calls measurePeers() after the main rows and prints formatPeers()
// (peers/report.mjs); the main table takes process-sandbox's cold start, stall and pool-of-2
// figures from here. It reports and never judges; see bench/README.md, "Peers".
import { loadavg } from 'node:os';
import { PEERS } from './peers/adapters.mjs';
import { measureColdStart } from './peers/cold-start.mjs';
import { measureCrash } from './peers/crash.mjs';
import { measureEcho } from './peers/echo.mjs';
import { measureLatency } from './peers/latency.mjs';
import { measureOrphans } from './peers/orphans.mjs';
import { measureStall } from './peers/stall.mjs';
import { measureTimeout } from './peers/timeout.mjs';

export { formatPeers } from './peers/report.mjs';

/** SANDBOX_BENCH_PEERS=0 measures process-sandbox's side of each comparison alone. */
export const peersEnabled = () => process.env.SANDBOX_BENCH_PEERS !== '0';

/**
 * Each part and how it runs by default; `rounds` (run.mjs --rounds) replaces every part's
 * rounds, for quick runs while developing.
 */
const PARTS = {
  latency: ({ sides, warmup, calls }) => measureLatency({ sides, runs: 2, warmup, calls }),
  echo: ({ sides, rounds }) => measureEcho({ sides, sizeMiB: 16, slowSizeMiB: 1, warmup: 3, rounds: rounds ?? 20, budgetMs: 3000 }),
  crash: ({ sides, rounds }) => measureCrash({ sides, rounds: rounds ?? 5, settleMs: 150 }),
  timeout: ({ sides, rounds }) => measureTimeout({ sides, callTimeoutMs: 100, rounds: rounds ?? 5, deathLimitMs: 5000, settleMs: 150 }),
  coldStart: ({ sides, rounds }) => measureColdStart({ sides, rounds: rounds ?? 5 }),
  stall: ({ sides, rounds }) => measureStall({
    sides,
    heaps: [{ label: 'small', heapMiB: 0 }, { label: '1.5 GB', heapMiB: 1536 }],
    starts: rounds ?? 10,
    recycleThreshold: 5,
    settleMs: 100,
    tailMs: 20,
  }),
  orphans: ({ sides }) => measureOrphans({ sides, waitMs: 2000 }),
};
export const PEER_PARTS = Object.keys(PARTS);

/** Every side's failure in a part's result: an object with `failed`, under its side's name or `peer`. */
function failuresIn(value, part, side, out) {
  if (value === null || typeof value !== 'object') return out;
  const who = value.peer ?? side;
  if (typeof value.failed === 'string') {
    out.push({ part, side: who, reason: value.failed });
    return out;
  }
  for (const [key, inner] of Object.entries(value)) failuresIn(inner, part, PEERS.includes(key) ? key : who, out);
  return out;
}

/**
 * Runs `parts` (default all) over `sides` (default every peer, or process-sandbox alone when
 * SANDBOX_BENCH_PEERS=0). A side that fails is in its cell and in `failures`; a part that cannot
 * run at all is in `errors`, and the rest go on.
 */
export async function measurePeers({ sides = peersEnabled() ? PEERS : ['process-sandbox'], parts = PEER_PARTS, rounds, warmup = 2000, calls = 10_000 } = {}) {
  const result = { sides, loadAverage1mAtStart: loadavg()[0], errors: {}, failures: [] };
  const started = performance.now();
  for (const key of parts) {
    const t = performance.now();
    process.stderr.write(`bench: peers, ${key}…`);
    try {
      result[key] = await PARTS[key]({ sides, rounds, warmup, calls });
      result.failures.push(...failuresIn(result[key], key, undefined, []));
      process.stderr.write(` ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      result.errors[key] = error.message;
      process.stderr.write(` failed: ${error.stack ?? error}\n`);
    }
  }
  result.loadAverage1mAtEnd = loadavg()[0];
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
