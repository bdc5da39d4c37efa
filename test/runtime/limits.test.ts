import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { executableBytes } from '../../dist/worker-template/limits.js';
import { isAlive, lineage, testClient, waitFor, workerPids } from '../helpers.js';

const MIB = 1024 * 1024;

const limit = (pid: number, name: string): string => {
  const line = readFileSync(`/proc/${pid}/limits`, 'utf8').split('\n').find((l) => l.startsWith(name))!;
  return line.slice(name.length).trim().split(/\s+/)[0]!;
};

describe.runIf(process.platform === 'linux')('hard limits (Linux)', () => {
  it('hardMemoryLimitMB sets RLIMIT_DATA: a huge allocation fails inside the worker, not the parent', async () => {
    const c = await testClient({ hardMemoryLimitMB: 512 });
    const pid = await c.pid();
    // 512 MiB on top of V8's code space, which the kernel counts but which is not memory (limits.ts).
    const allowance = Number(limit(pid, 'Max data size')) - 512 * MIB;
    expect(allowance).toBeGreaterThanOrEqual(0);
    expect(allowance).toBeLessThanOrEqual(executableBytes(readFileSync(`/proc/${pid}/maps`, 'utf8')));
    expect(await c.tryAllocate(64)).toBe(true);
    // The allowance is no extra budget: what the worker holds plus 512 MiB is past the limit.
    expect(await c.tryAllocate(512)).toBe(false);
    expect(await c.tryAllocate(2048)).toBe(false);
    expect(await c.pid()).toBe(pid);
  });

  it('a hardMemoryLimitMB too low to start a worker fails the start with an error that says so', async () => {
    const error = await testClient({ hardMemoryLimitMB: 64 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WorkerStartError' });
    expect((error as Error).message).toMatch(/hardMemoryLimitMB 64 is too low for this worker: it holds \d+ MiB .* set hardMemoryLimitMB to at least \d+/);
  });

  it('V8 maps its code space read-write-execute from Node 24 on, which is why the limit leaves it out', () => {
    const executable = executableBytes(readFileSync('/proc/self/maps', 'utf8'));
    const major = Number(process.versions.node.split('.')[0]);
    if (major >= 24) expect(executable).toBeGreaterThan(256 * MIB);
    else expect(executable).toBeLessThan(16 * MIB);
  });

  it('without it, the same allocation succeeds', async () => {
    const c = await testClient();
    expect(limit(await c.pid(), 'Max data size')).toBe('unlimited');
    expect(await c.tryAllocate(2048)).toBe(true);
  });

  it('core dumps are off by default and on when allowed', async () => {
    const off = await testClient();
    expect(limit(await off.pid(), 'Max core file size')).toBe('0');
    const on = await testClient({ allowCoreDumps: true });
    expect(limit(await on.pid(), 'Max core file size')).toBe(limit(process.pid, 'Max core file size'));
  });

  it('maxHeapMB caps the V8 heap', async () => {
    const c = await testClient({ maxHeapMB: 96 });
    const pid = await c.pid();
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')).toContain('--max-old-space-size=96');
  });
});

describe.runIf(process.platform === 'linux')('a worker\'s children die with it', () => {
  it('on timeout', async () => {
    const c = await testClient({ methodCallTimeoutMs: 300 });
    const grandchild = await c.spawnGrandchild();
    expect(isAlive(grandchild)).toBe(true);
    await expect(c.hang()).rejects.toMatchObject({ name: 'CallTimeoutError' });
    expect(await waitFor(() => !isAlive(grandchild), 2000)).toBe(true);
  });

  it('on recycle, although the worker itself exits cleanly', async () => {
    const c = await testClient({ processRecycleThreshold: 2, maxPoolSize: 1 });
    const worker = await c.pid();
    const grandchild = await c.spawnGrandchild();
    // Recycled at its threshold, or later if recycles for calls are being paced (the default).
    expect(await waitFor(() => !isAlive(worker), 15_000)).toBe(true);
    expect(await waitFor(() => !isAlive(grandchild), 2000)).toBe(true);
  });

  it('on a crash', async () => {
    const c = await testClient();
    const grandchild = await c.spawnGrandchild();
    await expect(c.segfault()).rejects.toMatchObject({ name: 'WorkerCrashedError' });
    expect(await waitFor(() => !isAlive(grandchild), 2000)).toBe(true);
  });

  it('a grandchild that called setsid() and was orphaned, on a crash', async () => {
    const c = await testClient();
    const detached = await c.spawnChild('setsid-double-fork');
    expect(lineage(detached)!.session).toBe(detached);
    await expect(c.segfault()).rejects.toMatchObject({ name: 'WorkerCrashedError' });
    expect(await waitFor(() => !isAlive(detached), 2000)).toBe(true);
  });

  it('a grandchild that called setsid() and was orphaned, on a timeout', async () => {
    const c = await testClient();
    const detached = await c.spawnChild('setsid-double-fork');
    await expect(c.hangBriefly()).rejects.toMatchObject({ name: 'CallTimeoutError' });
    expect(await waitFor(() => !isAlive(detached), 2000)).toBe(true);
  });

  it('but not what a live worker detached, when another worker dies', async () => {
    const c = await testClient({ minPoolSize: 2, maxPoolSize: 2, spareWorkers: 0 });
    const [first, second] = workerPids(c);
    // Both idle: concurrent calls go one to each.
    const [detached, crashed] = await Promise.allSettled([c.spawnChild('setsid-double-fork'), c.segfault()]);
    expect(crashed.status).toBe('rejected');
    const pid = (detached as PromiseFulfilledResult<number>).value;
    const owner = lineage(pid)!.ppid;
    expect([first, second]).toContain(owner);
    expect(await waitFor(() => !isAlive(owner === first ? second! : first!), 2000)).toBe(true);
    // The crashed worker's leftovers are swept at once; this one belongs to a live worker.
    await new Promise((r) => setTimeout(r, 300));
    expect(isAlive(pid)).toBe(true);
    expect(lineage(pid)!.ppid).toBe(owner);
  });
});

describe('the pool refuses to start on a worker thread', () => {
  it('with a clear error', async () => {
    const { Worker } = await import('node:worker_threads');
    const { fileURLToPath } = await import('node:url');
    const client = fileURLToPath(new URL('../.generated/js/.generated/services/ITestService.client.js', import.meta.url));
    const code = `
      const { parentPort } = require('node:worker_threads');
      import(${JSON.stringify(client)}).then(({ ITestServiceClient }) => ITestServiceClient.create({ workerModule: '/x.js' }))
        .then(() => parentPort.postMessage('created'), (e) => parentPort.postMessage(e.message));`;
    const worker = new Worker(code, { eval: true });
    const message = await new Promise<string>((resolve) => worker.once('message', resolve));
    await worker.terminate();
    expect(message).toContain('cannot be created on a worker thread');
  });
});

describe.runIf(process.platform === 'linux')('cgroup v2 memory limits', () => {
  it('are used only where the machine delegates them; the probe says why not', async () => {
    const { probeCgroupV2 } = await import('../../dist/runtime/platform/cgroup.js');
    const probe = await probeCgroupV2();
    if (!probe.usable) {
      console.log(`cgroup v2 memory limits skipped on this machine: ${probe.reason}`);
      expect(probe.reason.length).toBeGreaterThan(10);
      return;
    }
    const c = await testClient({ hardMemoryLimitMB: 256 });
    const pid = await c.pid();
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))!;
    expect(line).toContain('process-sandbox-');
    expect(readFileSync(`${probe.mount}${line.slice(3)}/memory.max`, 'utf8').trim()).toBe(String(256 * 1024 * 1024));
  });
});
