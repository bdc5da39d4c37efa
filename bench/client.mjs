// Opens IBench clients for the bench. Import it after prepare() has compiled the client.
import { pathToFileURL } from 'node:url';
import { compiled } from './prepare.mjs';

const { IBenchClient } = await import(pathToFileURL(compiled.client).href);

/** processRecycleThreshold for runs that must not pay for recycling (its default is 1000 calls). */
export const NEVER_RECYCLE = Number.MAX_SAFE_INTEGER;

/** A silent client that never recycles by call count, unless `options` say otherwise. */
export function openClient(options) {
  return IBenchClient.create({
    workerModule: compiled.implementation,
    logger: false,
    processRecycleThreshold: NEVER_RECYCLE,
    ...options,
  });
}

/** A check that a call did what it should, so a broken path is not reported as a fast one. */
export function expectEqual(actual, expected, what) {
  if (actual !== expected) throw new Error(`${what} returned ${String(actual)}, expected ${String(expected)}`);
}
