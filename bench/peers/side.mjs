// One side of one peer measurement, in a process of its own (./side-child.mjs): a peer library
// that throws where nothing can catch it (from a timer of its own), rejects, or hangs takes that
// process down, not the bench, and its cell says why.
import { fileURLToPath } from 'node:url';
import { ChildFailed, runJsonChild } from '../pinned-child.mjs';

const CHILD = fileURLToPath(new URL('./side-child.mjs', import.meta.url));

/**
 * Runs bench/peers/<measurement>.mjs's measureSide(name, options) in a fresh process (pinned to
 * `cpu` unless null, with Node options `execArgv`); resolves with what it returned, or with
 * { failed: reason } when the child threw, was killed or gave no result within `timeoutMs`.
 */
export async function runSide(measurement, name, options, { cpu = null, timeoutMs = 60_000, execArgv = [] } = {}) {
  try {
    return await runJsonChild(CHILD, [measurement, name, JSON.stringify(options)], cpu, `${measurement} of ${name}`, { timeoutMs, execArgv });
  } catch (error) {
    if (!(error instanceof ChildFailed)) throw error;
    return { failed: error.reason };
  }
}

/** Whether a side's result is a failure. */
export const failed = (result) => result?.failed !== undefined;
