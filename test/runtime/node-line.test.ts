/**
 * .ci/run runs the suite once per Node.js line, with that line's node first on PATH, and sets
 * SANDBOX_EXPECT_NODE to its version: these tests prove that vitest and the workers then really
 * run on it (npm is a script run by whichever node is first on PATH; workers run process.execPath).
 */
import { readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testClient } from '../helpers.js';

const expected = process.env['SANDBOX_EXPECT_NODE'];
const root = new URL('../../', import.meta.url);
const pinned = readFileSync(new URL('.ci/node-lines', root), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));

describe('the Node.js line', () => {
  it.runIf(expected !== undefined)(`vitest runs on the line .ci/run asked for (${expected ?? 'none asked'})`, () => {
    expect(process.version).toBe(expected);
  });

  it.runIf(process.platform === 'linux')('workers run on the node that runs the pool', async () => {
    const c = await testClient();
    const pid = await c.pid();
    expect(readlinkSync(`/proc/${pid}/exe`)).toBe(realpathSync(process.execPath));
  });

  it('package.json\'s engines and README\'s compatibility table name the versions pinned in .ci/node-lines', () => {
    expect(pinned.length).toBeGreaterThan(0);
    const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(pinned.map((v) => `^${v}`).join(' || '));
    const readme = readFileSync(new URL('README.md', root), 'utf8');
    const table = [...readme.matchAll(/^\| (\d+) \| (\d+\.\d+\.\d+) \|/gm)].map((m) => [m[1], m[2]]);
    expect(table).toEqual(pinned.map((v) => [v.split('.')[0], v]));
  });
});
