/**
 * A worker stopped gracefully (close(), a recycle) runs what its implementation registered with
 * onWorkerStop before it exits, all hooks together, a failing one reported on stderr without
 * keeping the others from finishing, a hanging one given up after STOP_HOOKS_MS; a worker that
 * crashes runs none. Real workers, real exits.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STOP_HOOKS_MS } from 'process-sandbox/worker';
import { tempFile, testClient, waitFor } from '../helpers.js';

const worker = fileURLToPath(new URL('../.generated/js/workers/stop-hooks.js', import.meta.url));

function setUp(extraEnv: Record<string, string> = {}): { file: string; warnings: string[]; lines: () => string[]; config: object } {
  const file = tempFile();
  const warnings: string[] = [];
  return {
    file,
    warnings,
    lines: () => existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [],
    config: {
      workerModule: worker,
      env: { ...process.env, STOP_HOOKS_FILE: file, ...extraEnv },
      logger: { debug() {}, info() {}, warn: (m: string) => warnings.push(m), error() {} },
    },
  };
}

describe('stop hooks (onWorkerStop)', () => {
  it('run when the pool closes, all of them, before the worker exits; a failing one is reported and the others finish', async () => {
    const { lines, warnings, config } = setUp();
    const c = await testClient({ ...config, minPoolSize: 1, maxPoolSize: 1 });
    const pid = await c.pid();
    await c.close();
    // close() resolved: the worker has exited, after its hooks.
    expect(lines().sort()).toEqual([`async ${pid}`, `ran ${pid}`]);
    expect(warnings.some((w) => w.includes('a stop hook failed') && w.includes('a stop hook that fails'))).toBe(true);
  });

  it('run when a worker is recycled; not when one crashes', async () => {
    const { lines, config } = setUp();
    const c = await testClient({ ...config, minPoolSize: 1, maxPoolSize: 1, processRecycleThreshold: 2 });
    const recycled = await c.pid();
    await c.pid();
    // The second call reached the threshold: the worker is stopped, gracefully.
    expect(await waitFor(() => lines().includes(`async ${recycled}`), 5000)).toBe(true);
    const crashing = await c.pid();
    expect(crashing).not.toBe(recycled);
    await expect(c.segfault()).rejects.toMatchObject({ name: 'WorkerCrashedError' });
    await c.close();
    expect(lines().filter((line) => line.endsWith(` ${crashing}`))).toEqual([]);
  });

  it('that never settle are given up after STOP_HOOKS_MS: the worker exits all the same', async () => {
    const { lines, warnings, config } = setUp({ STOP_HOOKS_HANG: '1' });
    // A minute's grace: were the worker waiting for its hooks, close() would outlast the test.
    const c = await testClient({ ...config, minPoolSize: 1, maxPoolSize: 1, shutdownGraceMs: 60_000 });
    const pid = await c.pid();
    const started = performance.now();
    await c.close();
    expect(performance.now() - started).toBeGreaterThanOrEqual(STOP_HOOKS_MS - 50);
    expect(lines().sort()).toEqual([`async ${pid}`, `ran ${pid}`]);
    expect(warnings.some((w) => w.includes(`stop hooks still running after ${STOP_HOOKS_MS} ms`))).toBe(true);
  });
});
