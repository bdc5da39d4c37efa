// add(1, 2) one at a time on a pool of 1, each side in a fresh process pinned with taskset as
// rows 1–2 are, so this process and the worker share one CPU: the first call of the fresh pool,
// timed alone, then `warmup` untimed calls, then `calls` timed ones (the warm figures).
import { pinnableCpu } from '../pinned-child.mjs';
import { latencySummaryUs, median } from '../stats.mjs';
import { openPeer } from './adapters.mjs';
import { failed, runSide } from './side.mjs';

/** In the side's own process. */
export async function measureSide(name, { warmup, calls }) {
  const peer = await openPeer(name, { workers: 1 });
  try {
    const start = performance.now();
    const got = await peer.add(1, 2);
    const firstCallMs = performance.now() - start;
    if (got !== 3) throw new Error(`${name}'s add(1, 2) returned ${String(got)}`);
    for (let i = 0; i < warmup; i++) await peer.add(1, 2);
    const samples = new Float64Array(calls);
    for (let i = 0; i < calls; i++) {
      const t = performance.now();
      await peer.add(1, 2);
      samples[i] = performance.now() - t;
    }
    return { peer: name, warmup, firstCallMs, ...latencySummaryUs(samples) };
  } finally {
    await peer.close();
  }
}

/** `runs` fresh processes per side, the order reversed every run; medians over the runs that did not fail. */
export async function measureLatency({ sides, runs, warmup, calls }) {
  const cpu = pinnableCpu();
  const each = Object.fromEntries(sides.map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? sides : [...sides].reverse();
    for (const name of order) each[name].push(await runSide('latency', name, { warmup, calls }, { cpu }));
  }
  const perPeer = Object.fromEntries(sides.map((name) => {
    const good = each[name].filter((r) => !failed(r));
    if (good.length === 0) return [name, { failed: each[name][0].failed, runs: each[name] }];
    return [name, {
      p50Us: median(good.map((r) => r.p50Us)),
      p99Us: median(good.map((r) => r.p99Us)),
      firstCallMs: median(good.map((r) => r.firstCallMs)),
      runs: each[name],
    }];
  }));
  return { pinnedWith: cpu === null ? null : `taskset -c ${cpu}`, runs, warmup, calls, perPeer };
}
