// spin() (for(;;){}) past a 100 ms per-call timeout, on each pool shape (adapters.mjs, poolShapes)
// of every side that has a per-call timeout, each in a fresh process: the timeout error → the next
// add()'s result, and → the timed-out process gone from /proc (a zombie counts as gone).
import { childPids, processState } from '../procfs.mjs';
import { median, sleep, waitUntil } from '../stats.mjs';
import { TRAITS, checkedAdd, openPeer, poolShapes } from './adapters.mjs';
import { settle } from './settle.mjs';
import { runSide } from './side.mjs';

/** Milliseconds from `since` until one of pids is dead, polled every 2 ms; null if none died within limitMs. */
async function timeUntilOneDead(pids, since, limitMs) {
  while (pids.every((pid) => processState(pid).alive)) {
    if (performance.now() - since > limitMs) return null;
    await sleep(2);
  }
  return performance.now() - since;
}

/**
 * The processes that may be running spin(): process-sandbox says which worker is busy; a peer's
 * workers are this process's children, and the one that dies is the one it timed out.
 */
async function spinningCandidates(peer) {
  if (peer.stats === undefined) return childPids(process.pid);
  let pid;
  await waitUntil(() => {
    pid = peer.stats().workers.find((w) => w.state === 'busy')?.pid;
    return pid !== undefined;
  }, 1000);
  return pid === undefined ? [] : [pid];
}

/** In the side's own process. */
export async function measureSide(name, { workers, minWorkers, callTimeoutMs, rounds, deathLimitMs, settleMs }) {
  const peer = await openPeer(name, { workers, minWorkers, callTimeoutMs });
  try {
    await checkedAdd(peer, 'on the fresh pool');
    const errorToNext = [];
    const errorToDead = [];
    let errorName;
    let stillAlive = 0;
    for (let i = 0; i < rounds; i++) {
      await settle(peer, settleMs);
      const spinning = peer.spin();
      const pids = await spinningCandidates(peer);
      let failedAt;
      try {
        await spinning;
        throw new Error(`${name}'s spin() returned`);
      } catch (error) {
        if (/spin\(\) returned/.test(error?.message)) throw error;
        failedAt = performance.now();
        errorName = error?.name;
      }
      const dead = pids.length === 0 ? Promise.resolve(undefined) : timeUntilOneDead(pids, failedAt, deathLimitMs);
      await checkedAdd(peer, 'after the timeout');
      errorToNext.push(performance.now() - failedAt);
      const deadAfter = await dead;
      if (deadAfter === null) {
        stillAlive++;
        errorToDead.push(Infinity);
        // Ours to end: nothing else will.
        for (const pid of pids) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone meanwhile */ } }
      } else if (deadAfter !== undefined) {
        errorToDead.push(deadAfter);
      }
    }
    const deadMedian = errorToDead.length > 0 ? median(errorToDead) : undefined;
    return {
      errorName,
      errorToNextMs: median(errorToNext),
      // null: the timed-out process outlived deathLimitMs in most rounds; undefined: its pid was not known.
      errorToDeadMs: deadMedian === undefined ? undefined : Number.isFinite(deadMedian) ? deadMedian : null,
      stillAliveAfterLimit: stillAlive,
      eachErrorToNextMs: errorToNext,
      eachErrorToDeadMs: errorToDead.map((v) => (Number.isFinite(v) ? v : null)),
    };
  } finally {
    await peer.close();
  }
}

export async function measureTimeout({ sides, callTimeoutMs, rounds, deathLimitMs, settleMs }) {
  const out = [];
  for (const shape of poolShapes(sides)) {
    const how = TRAITS[shape.peer].timeout;
    if (how === null) {
      out.push({ ...shape, supported: false });
      continue;
    }
    const result = await runSide('timeout', shape.peer, { ...shape, callTimeoutMs, rounds, deathLimitMs, settleMs }, { timeoutMs: 60_000 });
    out.push({ ...shape, supported: true, how, callTimeoutMs, deathLimitMs, ...result });
  }
  return out;
}
