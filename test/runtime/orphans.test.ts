import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { isAlive, lineage, spawnerOf, waitFor } from '../helpers.js';

/** Starts a parent script and reads the JSON line it prints once its pool is set up; it is killed after the test whatever happens. */
async function startParent<T>(script: string): Promise<{ pid: number; printed: T }> {
  const child = spawn(process.execPath, [fileURLToPath(new URL(`../workers/${script}`, import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
  onTestFinished(() => { child.kill('SIGKILL'); });
  let out = '';
  for await (const chunk of child.stdout) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  return { pid: child.pid!, printed: JSON.parse(out) as T };
}

describe.runIf(process.platform === 'linux')('no orphans (Linux)', () => {
  it('SIGKILL of the parent takes every worker with it, even one spinning in a busy loop', async () => {
    const parent = await startParent<number[]>('parent.mjs');
    const workers = parent.printed;
    expect(workers).toHaveLength(2);
    expect(workers.every(isAlive)).toBe(true);
    process.kill(parent.pid, 'SIGKILL');
    // checked through /proc/PID/status, so a zombie does not count as alive
    expect(await waitFor(() => workers.every((p) => !isAlive(p)), 2000)).toBe(true);
  });

  it('SIGKILL of the parent takes what workers started too: a child, and a grandchild that called setsid() and was orphaned', async () => {
    const parent = await startParent<{ workers: number[]; plain: number; detached: number }>('tree-parent.mjs');
    const { workers, plain, detached } = parent.printed;
    const spawner = spawnerOf(workers[0]!);
    const all = [...workers, plain, detached, spawner];
    expect(all.every(isAlive)).toBe(true);
    // The two children run under two different workers; the detached one escaped its worker's
    // process group and session, and its worker (a subreaper) adopted it when its parent exited.
    const plainWorker = lineage(plain)!.ppid;
    const detachedWorker = lineage(detached)!.ppid;
    expect(workers).toContain(plainWorker);
    expect(workers).toContain(detachedWorker);
    expect(plainWorker).not.toBe(detachedWorker);
    expect(lineage(plain)!.pgrp).toBe(plainWorker);
    expect(lineage(detached)!.session).toBe(detached);
    expect(lineage(detached)!.pgrp).not.toBe(detachedWorker);

    process.kill(parent.pid, 'SIGKILL');
    expect(await waitFor(() => all.every((p) => !isAlive(p)), 2000)).toBe(true);
  });
});
