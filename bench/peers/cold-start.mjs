// Cold start: in a fresh process that has already imported the library, from before the pool (or
// worker) object is constructed to the first answer of add(1, 2), on a pool of 1. One process per
// round, so each is an application's first pool: process-sandbox's first create() also starts the
// application's spawner (runtime/platform/spawner-client.ts), which a second pool would find
// running. Next to it, `node -e 0` spawned and exited: what a Node start costs on this machine.
// Both with the workers' environment as it is and without NODE_EXTRA_CA_CERTS, which makes every
// Node start read and parse the extra certificates.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { median } from '../stats.mjs';
import { openPeer } from './adapters.mjs';
import { failed, runSide } from './side.mjs';

const run = promisify(execFile);
// The key of `node -e 0`'s figures beside the sides'.
const BARE = 'bareNode';

/** The environment every worker gets: the application's own, without NODE_EXTRA_CA_CERTS if asked. */
function workerEnv(withoutExtraCaCerts) {
  const env = { ...process.env };
  if (withoutExtraCaCerts) delete env.NODE_EXTRA_CA_CERTS;
  return env;
}

/** In the side's own (fresh) process. The environment is passed explicitly to every peer: unset, tinypool's workers would get none. */
export async function measureSide(name, { withoutExtraCaCerts }) {
  // Loaded before the clock starts, as the peers' libraries are (adapters.mjs imports them).
  if (name === 'process-sandbox') await import('../client.mjs');
  const env = workerEnv(withoutExtraCaCerts);
  const start = performance.now();
  const peer = await openPeer(name, { workers: 1, env });
  try {
    const got = await peer.add(1, 2);
    const coldStartMs = performance.now() - start;
    if (got !== 3) throw new Error(`${name}'s add(1, 2) returned ${String(got)}`);
    return { coldStartMs };
  } finally {
    await peer.close();
  }
}

/** Milliseconds for a bare `node -e 0` to start and exit. */
async function bareNode(withoutExtraCaCerts) {
  const start = performance.now();
  await run(process.execPath, ['-e', '0'], { env: workerEnv(withoutExtraCaCerts) });
  return { coldStartMs: performance.now() - start };
}

/**
 * `rounds` rounds; in each, every side and `node -e 0` once per environment, the order rotating
 * every round so that none always follows the same one.
 */
export async function measureColdStart({ sides, rounds }) {
  const variants = process.env.NODE_EXTRA_CA_CERTS === undefined ? [['asIs', false]] : [['asIs', false], ['withoutExtraCaCerts', true]];
  const all = [BARE, ...sides];
  const each = Object.fromEntries(variants.map(([key]) => [key, Object.fromEntries(all.map((name) => [name, []]))]));
  for (let round = 0; round < rounds; round++) {
    for (const [key, without] of variants) {
      for (let k = 0; k < all.length; k++) {
        const name = all[(round + k) % all.length];
        each[key][name].push(name === BARE ? await bareNode(without) : await runSide('cold-start', name, { withoutExtraCaCerts: without }, { timeoutMs: 30_000 }));
      }
    }
  }
  const out = { rounds, nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS !== undefined };
  for (const [key] of variants) {
    out[key] = Object.fromEntries(all.map((name) => {
      const good = each[key][name].filter((r) => !failed(r)).map((r) => r.coldStartMs);
      return [name, good.length === 0
        ? { failed: each[key][name][0].failed }
        : { medianMs: median(good), failedRounds: each[key][name].length - good.length, eachMs: good }];
    }));
  }
  return out;
}
