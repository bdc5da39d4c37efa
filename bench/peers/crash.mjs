// crash() (the worker calls process.exit(1)) → the call's error, and the error → the next add()'s
// result, on each pool shape (adapters.mjs, poolShapes), each in a fresh process. jest-worker and
// worker-farm are opened with maxRetries: 0 (adapters.mjs), so the crashing call fails at once.
import { median } from '../stats.mjs';
import { checkedAdd, openPeer, poolShapes } from './adapters.mjs';
import { settle } from './settle.mjs';
import { runSide } from './side.mjs';

/** In the side's own process. */
export async function measureSide(name, { workers, minWorkers, rounds, settleMs }) {
  const peer = await openPeer(name, { workers, minWorkers });
  try {
    await checkedAdd(peer, 'on the fresh pool');
    const crashToError = [];
    const errorToNext = [];
    for (let i = 0; i < rounds; i++) {
      await settle(peer, settleMs);
      await checkedAdd(peer, 'before the crash');
      const start = performance.now();
      let failedAt;
      try {
        await peer.crash();
        throw new Error(`${name}'s crash() returned`);
      } catch (error) {
        if (/crash\(\) returned/.test(error?.message)) throw error;
        failedAt = performance.now();
      }
      await checkedAdd(peer, 'after the crash');
      crashToError.push(failedAt - start);
      errorToNext.push(performance.now() - failedAt);
    }
    return { crashToErrorMs: median(crashToError), errorToNextMs: median(errorToNext), eachErrorToNextMs: errorToNext };
  } finally {
    await peer.close();
  }
}

export async function measureCrash({ sides, rounds, settleMs }) {
  const out = [];
  for (const shape of poolShapes(sides)) {
    out.push({ ...shape, ...await runSide('crash', shape.peer, { ...shape, rounds, settleMs }, { timeoutMs: 60_000 }) });
  }
  return out;
}
