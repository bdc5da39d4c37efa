/** What the sample reads of the pool and of its worker processes: who ran a call, how much memory a worker holds. */
import { readFileSync } from 'node:fs';
import type { PoolStats } from 'process-sandbox';
import type { INativeLibraryClient } from './generated/INativeLibrary.client.js';

/** Which worker served a call: the one whose calls-served count went up while it ran. */
export function servedBy(before: PoolStats, after: PoolStats): number | undefined {
  const served = new Map(before.workers.map((w) => [w.workerId, w.callsServed]));
  return after.workers.find((w) => w.callsServed > (served.get(w.workerId) ?? 0))?.pid;
}

/** Runs one call and reports its result with the pid of the worker that ran it. */
export async function traced<T>(client: { pool: { stats(): PoolStats } }, call: () => Promise<T>): Promise<{ value: T; pid: number | undefined }> {
  const before = client.pool.stats();
  const value = await call();
  return { value, pid: servedBy(before, client.pool.stats()) };
}

/**
 * A worker's resident memory, measured from outside (so a busy or hung worker is measured too):
 * VmRSS from /proc on Linux, else the rss of the worker's last health report.
 */
export function residentBytes(client: INativeLibraryClient, pid: number): number | undefined {
  const status = `/proc/${pid}/status`;
  try {
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(status, 'utf8'))?.[1];
    if (kib !== undefined) return Number(kib) * 1024;
  } catch {
    // Not Linux, or the process is gone.
  }
  return client.pool.stats().workers.find((w) => w.pid === pid)?.lastHealth?.rssBytes;
}

export function mib(bytes: number | undefined): string {
  return bytes === undefined ? 'unknown' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
