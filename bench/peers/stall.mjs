// Event-loop stall per worker start: what a worker start costs the application's own event loop
// (loop-meter.mjs), with a small heap and with a large live JS heap, where fork() must copy the
// page tables of every resident page of the application. Each heap and side in a fresh process.
//
// The pools are opened while the heap is small, as an application opens its pools at start-up:
// that is when process-sandbox starts its spawner, and later workers are forked by the spawner,
// not by the application. Then the heap is grown, and the starts measured happen after:
//   - crash: the worker calls process.exit(1) and the pool replaces it (pool of 1; every peer
//     respawns its own way). Window: the crash call → the next add()'s result, from the new worker.
//   - recycle (process-sandbox only): processRecycleThreshold `recycleThreshold`. Window: calls
//     until the replacement is ready and has answered one.
//   - late create: every pool closed, a new one created and asked add(1, 2): for process-sandbox
//     this starts the spawner again, from the large application, which is what starting it late costs.
// Each window ends `tailMs` after its last result, so work that follows it is counted too.
import { median, percentile, sleep } from '../stats.mjs';
import { checkedAdd, openPeer } from './adapters.mjs';
import { startLoopMeter } from './loop-meter.mjs';
import { runSide } from './side.mjs';

const MiB = 1024 * 1024;
const STRING_BYTES = 16 * 1024;
const OBJECTS_PER_CHUNK = 1000;
/** How long the recycle windows wait for a replacement to be ready. */
const RECYCLE_LIMIT_MS = 10_000;

/** What the heap holds: kept here, reachable until the process exits. */
const retained = [];

/** Grows the live JS heap to `heapMiB` MiB: arrays of objects, each with a string of its own. */
function growHeap(heapMiB) {
  const bytes = Buffer.alloc(STRING_BYTES, 'a');
  let i = 0;
  while (process.memoryUsage().heapUsed < heapMiB * MiB) {
    const chunk = new Array(OBJECTS_PER_CHUNK);
    for (let k = 0; k < OBJECTS_PER_CHUNK; k++, i++) {
      bytes[0] = 97 + (i % 26);
      chunk[k] = { id: i, text: bytes.toString('latin1') };
    }
    retained.push(chunk);
  }
  // Full collections now, so that none falls into a window: what stays is live.
  globalThis.gc();
  globalThis.gc();
}

/** Runs `work` with the meter on, and `tailMs` more; returns the gaps' stalls and how long `work` took. */
async function window(work, tailMs) {
  const meter = startLoopMeter();
  const start = performance.now();
  await work();
  const workMs = performance.now() - start;
  await sleep(tailMs);
  return { ...meter.stop(), workMs };
}

/** Per window its longest stall and longest busy stall; over all windows' gaps, the p99 stall. */
function summary(windows) {
  const maxEach = windows.map((w) => Math.max(...w.stalls));
  const busyEach = windows.map((w) => Math.max(...w.busy));
  return {
    windows: windows.length,
    medianMaxStallMs: median(maxEach),
    worstMaxStallMs: Math.max(...maxEach),
    medianMaxBusyStallMs: median(busyEach),
    worstMaxBusyStallMs: Math.max(...busyEach),
    p99StallMs: percentile(windows.flatMap((w) => w.stalls), 99),
    medianWindowWorkMs: median(windows.map((w) => w.workMs)),
    maxStallMsEach: maxEach,
    maxBusyStallMsEach: busyEach,
  };
}

/** In the side's own process, started with --expose-gc and room for the heap. */
export async function measureSide(name, { heapMiB, starts, recycleThreshold, settleMs, tailMs }) {
  // Closed once each (jest-worker's end() throws the second time), the rest at the end whatever happened.
  const open = new Set();
  const openPool = async (options) => {
    const pool = await openPeer(name, options);
    open.add(pool);
    return pool;
  };
  const closePool = async (pool) => {
    if (open.delete(pool)) await pool.close();
  };
  try {
    // The crashes are on purpose: the breaker must not stop the replacements.
    const crashPool = await openPool({ workers: 1, sandboxOptions: { circuitBreaker: false } });
    const recyclePool = name === 'process-sandbox' ? await openPool({ workers: 1, sandboxOptions: { processRecycleThreshold: recycleThreshold } }) : undefined;
    for (let i = 0; i < 20; i++) await checkedAdd(crashPool, 'before the heap grew');
    if (heapMiB > 0) growHeap(heapMiB);
    const memory = process.memoryUsage();

    const crashes = [];
    for (let i = 0; i < starts; i++) {
      await sleep(settleMs);
      crashes.push(await window(async () => {
        try {
          await crashPool.crash();
        } catch { /* the crash is the point */ }
        await checkedAdd(crashPool, 'after the crash');
      }, tailMs));
    }

    // The noise floor: as many windows of the same lengths with nothing starting.
    const idle = [];
    for (const crash of crashes) idle.push(await window(() => sleep(crash.workMs), tailMs));

    const recycles = [];
    if (recyclePool !== undefined) {
      let ready = 0;
      recyclePool.pool.on('workerReady', () => { ready++; });
      for (let i = 0; i < starts; i++) {
        await sleep(settleMs);
        recycles.push(await window(async () => {
          // Calls until a replacement is ready: with overlapped recycling (the default) it starts
          // at 90% of the threshold and the old worker goes on serving until it is ready, so the
          // count of calls that takes depends on how fast a start is, not on the threshold.
          const before = ready;
          const deadline = performance.now() + RECYCLE_LIMIT_MS;
          while (ready === before) {
            if (performance.now() > deadline) throw new Error(`no replacement was ready within ${RECYCLE_LIMIT_MS} ms at processRecycleThreshold ${recycleThreshold}`);
            await checkedAdd(recyclePool, 'while recycling');
            await sleep(1);
          }
          await checkedAdd(recyclePool, 'after the recycle');
        }, tailMs));
      }
    }

    await closePool(crashPool);
    if (recyclePool !== undefined) await closePool(recyclePool);
    // process-sandbox lets go of its spawner at the last close(); it is gone a few ms later.
    await sleep(settleMs);
    const lateCreate = await window(async () => {
      await checkedAdd(await openPool({ workers: 1 }), 'on the first pool after the heap grew');
    }, tailMs);

    return {
      heapUsedMiB: memory.heapUsed / MiB,
      rssMiB: memory.rss / MiB,
      liveObjects: retained.length * OBJECTS_PER_CHUNK,
      idle: summary(idle),
      crash: summary(crashes),
      recycle: recycles.length > 0 ? summary(recycles) : undefined,
      lateCreate: { maxStallMs: Math.max(...lateCreate.stalls), maxBusyStallMs: Math.max(...lateCreate.busy), createToFirstResultMs: lateCreate.workMs },
    };
  } finally {
    for (const pool of open) await pool.close();
  }
}

/** Every heap size and side, one process at a time (the large heaps take 1.7 GB each). */
export async function measureStall({ sides, heaps, starts, recycleThreshold, settleMs, tailMs }) {
  const out = [];
  for (const { label, heapMiB } of heaps) {
    const perPeer = {};
    for (const name of sides) {
      perPeer[name] = await runSide('stall', name, { heapMiB, starts, recycleThreshold, settleMs, tailMs }, {
        // Room for the heap, and gc() to settle it before the windows; peers' workers inherit both (fork's default execArgv).
        execArgv: ['--expose-gc', `--max-old-space-size=${Math.max(4096, heapMiB * 3)}`],
        timeoutMs: 180_000,
      });
    }
    out.push({ label, heapMiB, perPeer });
  }
  return out;
}
