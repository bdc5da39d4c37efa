// Process lifetimes: how long create() takes to get a worker ready, and how long the next call
// waits after a worker crashes. Runs unpinned, in run.mjs's process.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expectEqual, openClient } from './client.mjs';
import { median, waitUntil } from './stats.mjs';

const run = promisify(execFile);
const SETTLE_TIMEOUT_MS = 10_000;

/** Milliseconds from create() to a ready pool of 1, `rounds` times (each pool closed before the next). */
async function timeStartups(rounds, env) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const client = await openClient({ minPoolSize: 1, maxPoolSize: 1, ...(env === undefined ? {} : { env }) });
    times.push(performance.now() - start);
    await client.close();
  }
  return times;
}

/** Milliseconds for a bare `node -e 0` to start and exit: the part of start-up that is Node's own. */
async function timeBareNode(rounds, env) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    await run(process.execPath, ['-e', '0'], { env });
    times.push(performance.now() - start);
  }
  return times;
}

const summary = (times) => ({ rounds: times.length, medianMs: median(times), allMs: times });

/** Start-up with the environment as it is and, when NODE_EXTRA_CA_CERTS is set, without it. */
export async function measureStartup({ rounds }) {
  const result = {
    bareNode: summary(await timeBareNode(rounds, process.env)),
    poolOfOne: summary(await timeStartups(rounds, undefined)),
  };
  if (process.env.NODE_EXTRA_CA_CERTS !== undefined) {
    const env = { ...process.env };
    delete env.NODE_EXTRA_CA_CERTS;
    result.bareNodeWithoutExtraCaCerts = summary(await timeBareNode(rounds, env));
    result.poolOfOneWithoutExtraCaCerts = summary(await timeStartups(rounds, env));
  }
  return result;
}

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
