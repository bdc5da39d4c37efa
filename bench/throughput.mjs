// Calls per second with many calls in flight: the generated client on a pool of 2 against two
// bare children. Runs unpinned (in run.mjs's process): a pool of 2 exists to use two CPUs, and
// on a machine with few CPUs the figures move from run to run, so each is the median of rounds
// taken in turn.
import { expectEqual, openClient } from './client.mjs';
import { startFloor } from './floor.mjs';
import { median } from './stats.mjs';

/**
 * Keeps `lanes` calls in flight until `total` have completed; each lane issues its next call when
 * its last one settles. Returns calls per second.
 */
export async function closedLoop(callForLane, lanes, total) {
  let issued = 0;
  const lane = async (index) => {
    const call = callForLane(index);
    while (issued < total) {
      issued++;
      await call();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
  return total / ((performance.now() - start) / 1000);
}

/**
 * The client (pool of 2, `inFlight` calls in flight), and two bare children with as many calls in
 * flight on the wire (pipelined: the pipe's ceiling) and with one each (how the pool dispatches:
 * one call per worker at a time).
 */
export async function measureThroughput({ inFlight, warmup, calls, rounds }) {
  const client = await openClient({ minPoolSize: 2, maxPoolSize: 2 });
  const floor = await startFloor(2);
  try {
    expectEqual(await client.add(1, 2), 3, 'the client\'s add(1, 2)');
    for (const peer of floor.peers) expectEqual(await peer.add(1, 2), 3, 'the floor child\'s add(1, 2)');
    const clientAdd = () => () => client.add(1, 2);
    const floorAdd = (lane) => {
      const peer = floor.peers[lane % 2];
      return () => peer.add(1, 2);
    };
    const variants = {
      client: { lanes: inFlight, call: clientAdd, runs: [] },
      floorOneEach: { lanes: 2, call: floorAdd, runs: [] },
      floorPipelined: { lanes: inFlight, call: floorAdd, runs: [] },
    };
    for (const v of Object.values(variants)) await closedLoop(v.call, v.lanes, warmup);
    for (let round = 0; round < rounds; round++) {
      for (const v of Object.values(variants)) v.runs.push(await closedLoop(v.call, v.lanes, calls));
    }
    const summary = (v) => ({ inFlight: v.lanes, calls, rounds, callsPerSecond: median(v.runs), allCallsPerSecond: v.runs });
    return {
      client: { workers: 2, ...summary(variants.client) },
      floorOneEach: { children: 2, ...summary(variants.floorOneEach) },
      floorPipelined: { children: 2, ...summary(variants.floorPipelined) },
    };
  } finally {
    await client.close();
    await floor.close();
  }
}
