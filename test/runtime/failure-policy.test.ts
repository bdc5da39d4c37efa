import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CircuitOpenError, ConfigurationError, RemoteError, WorkerCrashedError } from 'process-sandbox';
import { tempFile, testClient, waitFor } from '../helpers.js';


describe('the call breaker', () => {
  it('counts calls whose implementation threw as calls that went well', async () => {
    const c = await testClient({ circuitBreaker: { minimumCalls: 5 } });
    for (let i = 0; i < 30; i++) await expect(c.fail('bad input')).rejects.toBeInstanceOf(RemoteError);
    expect(c.pool.stats().circuit).toBe('closed');
    expect(c.pool.stats().callWindow).toEqual({ calls: 30, failures: 0 });
  });

  it('counts timeouts as failures', async () => {
    const c = await testClient({ circuitBreaker: { minimumCalls: 2, cooldownMs: 60_000 } });
    await expect(c.hangBriefly()).rejects.toMatchObject({ name: 'CallTimeoutError' });
    await expect(c.hangBriefly()).rejects.toMatchObject({ name: 'CallTimeoutError' });
    const error = await c.add(1, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as Error).message).toMatch(/2 of the last 2 calls within 10000 ms failed \(last: "hangBriefly" timed out after 300 ms on worker \d+ \(pid \d+\)\)/);
  });

  it('open: calls fail at once, no worker starts; after the cool-down a probe call closes it', async () => {
    const flag = tempFile();
    writeFileSync(flag, '');
    const c = await testClient({ maxPoolSize: 2, circuitBreaker: { minimumCalls: 3, cooldownMs: 600 } });
    const opened = new Promise((resolve) => c.pool.once('circuitOpen', resolve));
    for (let i = 0; i < 3; i++) await expect(c.crashWhileFlagged(flag)).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(await opened).toMatchObject({ failures: 3, calls: 3, windowMs: 10_000 });
    expect(c.pool.stats().circuit).toBe('open');
    // what was starting when it opened may finish; after that, nothing starts while it is open
    await new Promise((r) => setTimeout(r, 200));
    const started = c.pool.stats().totals.workersStarted;
    const error = await c.add(1, 2).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect((error as Error).message).toMatch(/3 of the last 3 calls within 10000 ms failed \(last: worker \d+ \(pid \d+\) died of SIGSEGV running "crashWhileFlagged"\)/);
    expect((error as CircuitOpenError).retryAt.getTime()).toBeGreaterThan(Date.now());
    await new Promise((r) => setTimeout(r, 250));
    expect(c.pool.stats().totals.workersStarted).toBe(started);
    rmSync(flag);
    await waitFor(() => Date.now() >= (error as CircuitOpenError).retryAt.getTime(), 2000);
    const closed = new Promise<void>((resolve) => c.pool.once('circuitClose', () => resolve()));
    expect(typeof await c.crashWhileFlagged(flag)).toBe('number');
    await closed;
    expect(c.pool.stats().circuit).toBe('closed');
    expect(await c.add(2, 2)).toBe(4);
  });

  it('a failed probe opens it again', async () => {
    const flag = tempFile();
    writeFileSync(flag, '');
    const c = await testClient({ circuitBreaker: { minimumCalls: 1, cooldownMs: 300 } });
    await expect(c.crashWhileFlagged(flag)).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(c.pool.stats().circuit).toBe('open');
    await new Promise((r) => setTimeout(r, 350));
    const reopened = new Promise((resolve) => c.pool.once('circuitOpen', resolve));
    await expect(c.crashWhileFlagged(flag)).rejects.toBeInstanceOf(WorkerCrashedError);
    await reopened;
    await expect(c.add(1, 1)).rejects.toBeInstanceOf(CircuitOpenError);
  });

  it('the old `failures` option is refused with the new names', async () => {
    const error = await testClient({ circuitBreaker: { failures: 10 } as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('circuitBreaker.failures: is gone');
    expect((error as Error).message).toContain('use failureRatio (0.5) and minimumCalls (20) instead');
    const ratio = await testClient({ circuitBreaker: { failureRatio: 2 } }).catch((e: unknown) => e);
    expect((ratio as Error).message).toContain('circuitBreaker.failureRatio: expected a number above 0 and at most 1');
  });
});

describe('poison inputs', () => {
  it('an @idempotent call that crashes every worker it is tried on says it looks poisonous, is not retried again, and counts once', async () => {
    const c = await testClient({ maxRetries: 2, circuitBreaker: { minimumCalls: 3 } });
    const file = tempFile();
    const error = await c.flaky(file, 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error).toMatchObject({ attempts: 3, signal: 'SIGSEGV', poisonous: true });
    expect((error as Error).message).toContain('the call was tried on 3 workers and crashed all 3: its input looks poisonous, so it is not retried again');
    expect(readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(3);
    // three crashes, one call: counted three times, it would have opened the breaker
    expect(c.pool.stats().callWindow).toEqual({ calls: 1, failures: 1 });
    expect(c.pool.stats().circuit).toBe('closed');
    expect(await c.add(1, 2)).toBe(3);
    expect(existsSync(file)).toBe(true);
  });

  it('a plain crash is not called poisonous', async () => {
    const c = await testClient();
    const error = await c.segfault().catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WorkerCrashedError', poisonous: false, attempts: 1 });
    expect((error as Error).message).toContain('the call was not retried');
  });
});
