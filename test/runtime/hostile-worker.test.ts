import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolError, WorkerCrashedError } from 'process-sandbox';
import { ITestServiceClient } from '../.generated/js/.generated/services/ITestService.client.js';
import { paths, track, waitFor } from '../helpers.js';

const hostile = fileURLToPath(new URL('../workers/hostile.mjs', import.meta.url));
const MAX_FRAME = 1024 * 1024;

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function hostileEnv(mode: string): Record<string, string | undefined> {
  dir ??= mkdtempSync(join(tmpdir(), 'sandbox-hostile-'));
  return { ...process.env, HOSTILE_MODE: mode, HOSTILE_ONCE_FILE: join(dir, `${mode}-${Math.random()}`) };
}

async function hostileClient(mode: string): Promise<ITestServiceClient> {
  return track(await ITestServiceClient.create({
    workerModule: paths.testService, workerEntry: hostile, env: hostileEnv(mode),
    maxPoolSize: 1, spareWorkers: 0, maxFrameBytes: MAX_FRAME, methodCallTimeoutMs: 5000, logger: false, circuitBreaker: false,
  }));
}

/** The parent's own memory must not jump toward what a header claims. */
function rssMiB(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

describe('a hostile worker cannot hurt the parent', () => {
  const protocolCases: [string, RegExp][] = [
    ['oversize', /over the cap of 1048576 bytes/],
    ['ffffffff', /4294967295 bytes, over the cap/],
    ['random', /not valid msgpack|not a message|a message of unknown kind|a reply to call/],
    ['wrong-shape', /decoded to string, not a message/],
    ['unknown-kind', /a message of unknown kind 99/],
    ['unknown-id', /a reply to call \d+, which is not the call it was given/],
    ['unknown-ext', /not valid msgpack: Unknown extension 16/],
    ['deep', /not valid msgpack: Maximum call stack size exceeded/],
    ['huge-array', /not valid msgpack/],
    ['hello-again', /a message of unknown kind 0/],
  ];
  for (const [mode, message] of protocolCases) {
    it(`${mode}: the call fails with ProtocolError, the worker is replaced, the next call works`, async () => {
      const before = rssMiB();
      const c2 = await hostileClient(mode);
      const first = c2.pool.stats().workers[0]!.pid;
      const error = await c2.add(1, 2).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(message);
      expect(await c2.add(1, 2)).toBe(42);
      // The replacement starts at once, so it may serve before the killed worker's exit has been
      // reaped: the killed one is then still listed, as stopping, and leaves the pool soon after.
      expect(c2.pool.stats().workers.filter((w) => w.state !== 'stopping').map((w) => w.pid)).not.toContain(first);
      expect(await waitFor(() => c2.pool.stats().workers.every((w) => w.pid !== first))).toBe(true);
      expect(rssMiB() - before).toBeLessThan(200);
    });
  }

  it('half a frame, then exit: WorkerCrashedError, and the next call works', async () => {
    const c = await hostileClient('half-then-exit');
    const error = await c.add(1, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ exitCode: 0 });
    expect(await c.add(1, 2)).toBe(42);
  });

  it('a duplicate reply: the first settles the call, the second is a violation that costs the worker', async () => {
    const c = await hostileClient('duplicate-id');
    const first = c.pool.stats().workers[0]!.pid;
    expect(await c.add(1, 2)).toBe(42);
    // the second reply may arrive before or after the next call is sent: either way it kills the worker
    expect(await waitFor(() => c.pool.stats().workers.every((w) => w.pid !== first))).toBe(true);
    expect(await c.add(1, 2)).toBe(42);
  });

  it('__proto__, constructor and prototype keys pollute no prototype', async () => {
    const c = await hostileClient('proto-keys');
    const error = await c.describe({ name: 'x', sides: 1, origin: null }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ValidationError' });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect((Object.prototype as unknown as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(await c.add(1, 2)).toBe(42);
  });

  it('10 MB of stderr without a newline is logged in bounded lines and fails nothing', async () => {
    const lines: string[] = [];
    const c = track(await ITestServiceClient.create({
      workerModule: paths.testService, workerEntry: hostile, env: hostileEnv('stderr-flood'),
      maxPoolSize: 1, spareWorkers: 0, logger: { debug() {}, info() {}, warn: (m: string) => lines.push(m), error() {} },
    }));
    expect(await c.add(1, 2)).toBe(42);
    expect(lines.length).toBeGreaterThan(1000);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(9 * 1024);
  });

  it('readiness text on stdout means nothing: only frames count', async () => {
    const lines: string[] = [];
    const c = track(await ITestServiceClient.create({
      workerModule: paths.testService, workerEntry: hostile, env: hostileEnv('stdout-ready'),
      maxPoolSize: 1, spareWorkers: 0, logger: { debug() {}, info: (m: string) => lines.push(m), warn() {}, error() {} },
    }));
    expect(await c.add(1, 2)).toBe(42);
    expect(lines).toContain('[worker 1] ready');
  });
});
