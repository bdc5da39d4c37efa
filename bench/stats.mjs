// Small numeric helpers shared by the bench scripts.

/** The p-th percentile (0–100) of samples, by nearest rank; sorts a copy. */
export function percentile(samples, p) {
  if (samples.length === 0) return NaN;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function median(samples) {
  return percentile(samples, 50);
}

/** Mean, p50, p99 and max of samples in milliseconds, returned in microseconds. */
export function latencySummaryUs(samplesMs) {
  let sum = 0;
  for (const v of samplesMs) sum += v;
  return {
    calls: samplesMs.length,
    meanUs: (sum / samplesMs.length) * 1000,
    p50Us: percentile(samplesMs, 50) * 1000,
    p99Us: percentile(samplesMs, 99) * 1000,
    maxUs: percentile(samplesMs, 100) * 1000,
  };
}

/** Resolves after ms milliseconds. */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Polls check every 10 ms until it is true or timeoutMs passes; returns whether it became true. */
export async function waitUntil(check, timeoutMs) {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > end) return false;
    await sleep(10);
  }
  return true;
}

/** Times `count` sequential calls into samples[from…], in milliseconds. */
export async function timeSequential(call, samples, from, count) {
  for (let i = from; i < from + count; i++) {
    const start = performance.now();
    await call();
    samples[i] = performance.now() - start;
  }
}

/**
 * Sides timed in turns: `calls` sequential calls each, in `blocks` blocks, the order reversed
 * every block (two sides: flipped), so that drift (frequency scaling, other work on the machine)
 * lands on all alike. The first `untimed` calls after each switch are not timed: they pay for
 * waking the other side's process. Each side is `{ call, samples, enter?, leave? }`, samples
 * holding `calls` milliseconds; `enter` and `leave` run around each of its blocks, untimed (a
 * diagnostics_channel subscriber that only that side has, diagnostics.mjs).
 */
export async function timeInTurns(sides, calls, blocks, untimed = 2) {
  const scratch = new Float64Array(untimed);
  const perBlock = Math.ceil(calls / blocks);
  const reversed = [...sides].reverse();
  for (let from = 0, block = 0; from < calls; from += perBlock, block++) {
    const count = Math.min(perBlock, calls - from);
    for (const side of block % 2 === 0 ? sides : reversed) {
      side.enter?.();
      try {
        await timeSequential(side.call, scratch, 0, untimed);
        await timeSequential(side.call, side.samples, from, count);
      } finally {
        side.leave?.();
      }
    }
  }
}
