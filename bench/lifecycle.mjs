// Row 5, a worker's death: how long the next call waits after a worker crashes. Runs unpinned, in
// run.mjs's process. (Row 5′, the cold start, is measured beside the peers: peers/cold-start.mjs.)
import { expectEqual, openClient } from './client.mjs';
import { median, sleep, waitUntil } from './stats.mjs';

const SETTLE_TIMEOUT_MS = 10_000;
const SETTLE_FIRST_MS = 100;

const summary = (times) => ({ rounds: times.length, medianMs: median(times), allMs: times });

/**
 * Crashes a worker `rounds` times on a pool of min 1, max 2 (with its other options at their
 * defaults) and times, each time, the crash call until WorkerCrashedError and the error until
 * the next add() has completed. Before each crash the pool is left to settle (no worker
 * starting), so each round starts from the pool's steady state, spare workers included.
 */
export async function measureCrashRecovery({ rounds, options = {} }) {
  const client = await openClient({ minPoolSize: 1, maxPoolSize: 2, ...options });
  const settled = () => client.pool.stats().workers.every((w) => w.state === 'idle');
  const detectMs = [];
  const recoverMs = [];
  let workersBeforeCrash;
  try {
    expectEqual(await client.add(1, 2), 3, 'the client\'s add(1, 2)');
    for (let i = 0; i < rounds; i++) {
      // A moment first: the pool starts a spare a couple of milliseconds after a call made its last
      // idle worker busy (so that the start does not delay that call's reply).
      await sleep(SETTLE_FIRST_MS);
      if (!await waitUntil(settled, SETTLE_TIMEOUT_MS)) throw new Error(`the pool did not settle within ${SETTLE_TIMEOUT_MS} ms after crash ${i}`);
      workersBeforeCrash ??= client.pool.stats().workers.length;
      const start = performance.now();
      let crashedAt;
      try {
        await client.crash();
        throw new Error('crash() returned instead of killing its worker');
      } catch (error) {
        if (error?.code !== 'ERR_SANDBOX_WORKER_CRASHED') throw error;
        crashedAt = performance.now();
      }
      expectEqual(await client.add(1, 2), 3, 'add(1, 2) after a crash');
      detectMs.push(crashedAt - start);
      recoverMs.push(performance.now() - crashedAt);
    }
    return {
      minPoolSize: 1,
      maxPoolSize: 2,
      spareWorkers: client.pool.config.spareWorkers ?? null,
      workersBeforeCrash,
      crashToError: summary(detectMs),
      errorToNextResult: summary(recoverMs),
    };
  } finally {
    await client.close();
  }
}
