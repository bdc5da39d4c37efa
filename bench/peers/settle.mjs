// Waiting for a peer's pool to be at rest before the next round, so each round starts from the
// pool's steady state rather than from the last round's replacement still starting.
import { sleep, waitUntil } from '../stats.mjs';

/** Waits `settleMs`, then, for process-sandbox (which says so), until no worker is starting or busy. */
export async function settle(peer, settleMs) {
  await sleep(settleMs);
  if (peer.settled !== undefined && !await waitUntil(peer.settled, 10_000)) throw new Error('the pool did not settle within 10 s');
}
