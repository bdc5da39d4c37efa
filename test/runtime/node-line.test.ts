/**
 * .ci/run runs the suite once per Node.js line, with that line's node first on PATH, and sets
 * SANDBOX_EXPECT_NODE to its version: these tests prove that vitest and the workers then really
 * run on it (npm is a script run by whichever node is first on PATH; workers run process.execPath).
 */
import { readlinkSync, realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testClient } from '../helpers.js';

const expected = process.env['SANDBOX_EXPECT_NODE'];

describe('the Node.js line', () => {
  it.runIf(expected !== undefined)(`vitest runs on the line .ci/run asked for (${expected ?? 'none asked'})`, () => {
    expect(process.version).toBe(expected);
  });

  it.runIf(process.platform === 'linux')('workers run on the node that runs the pool', async () => {
    const c = await testClient();
    const pid = await c.pid();
    expect(readlinkSync(`/proc/${pid}/exe`)).toBe(realpathSync(process.execPath));
  });
});
