/** Paths, clean-up and process checks shared by the runtime tests. */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { ITestServiceClient } from './.generated/js/.generated/services/ITestService.client.js';
import type { PoolConfig } from 'process-sandbox';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

export const paths = {
  testService: here('./.generated/js/workers/test-service.js'),
  leases: here('./.generated/js/workers/leases.js'),
  elastic: here('./.generated/js/workers/elastic.js'),
  broken: here('./.generated/js/workers/broken.js'),
  throwsAtImport: here('./.generated/js/workers/throws-at-import.js'),
  unreliableStart: here('./.generated/js/workers/unreliable-start.js'),
  versioned: here('./.generated/js/workers/versioned.js'),
  versionedV1Client: here('./.generated/js/.generated/versions/v1/IVersioned.client.js'),
  versionedV2Worker: here('./.generated/js/.generated/versions/v2/IVersioned.worker.js'),
};

const open = new Set<{ close(): Promise<void> }>();

/** Registers something to close after the test, whatever happens. */
export function track<T extends { close(): Promise<void> }>(thing: T): T {
  open.add(thing);
  return thing;
}

afterEach(async () => {
  const all = [...open];
  open.clear();
  await Promise.allSettled(all.map((c) => c.close()));
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const tempDirs: string[] = [];

/** A fresh path (nothing there yet) in a directory that is removed after the test. */
export function tempFile(): string {
  tempDirs[0] ??= mkdtempSync(join(tmpdir(), 'sandbox-test-'));
  return join(tempDirs[0], `f${Math.random().toString(16).slice(2)}`);
}

/** A test-service client, closed after the test. Logs are silent unless a test passes a logger. */
export async function testClient(config: Partial<PoolConfig> = {}): Promise<ITestServiceClient> {
  return track(await ITestServiceClient.create({ workerModule: paths.testService, logger: false, ...config }));
}

/**
 * Whether a process is alive, from /proc/PID/status (a zombie counts as dead: it runs nothing
 * and holds nothing but its exit status). Not `kill -0`, which says yes to zombies.
 */
export function isAlive(pid: number): boolean {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) return false;
  try {
    const state = /^State:\s+(\S)/m.exec(readFileSync(status, 'utf8'))?.[1];
    return state !== undefined && state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Polls until `check` is true or `timeoutMs` passes; returns whether it became true. */
export async function waitFor(check: () => boolean, timeoutMs = 5000, everyMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return check();
}

export function workerPids(client: { pool: { stats(): { workers: readonly { pid: number | undefined }[] } } }): number[] {
  return client.pool.stats().workers.map((w) => w.pid).filter((p): p is number => p !== undefined);
}

/** Fields of /proc/PID/stat after the command name: state, ppid, pgrp, session, …; undefined when gone. */
function statOf(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** The parent, process group and session of a live process, from /proc/PID/stat. */
export function lineage(pid: number): { ppid: number; pgrp: number; session: number } | undefined {
  const fields = statOf(pid);
  return fields === undefined ? undefined : { ppid: Number(fields[1]), pgrp: Number(fields[2]), session: Number(fields[3]) };
}

/** The pool's spawner (Linux) is the parent of its workers. */
export function spawnerOf(workerPid: number): number {
  const parent = lineage(workerPid)?.ppid;
  if (parent === undefined) throw new Error(`worker ${workerPid} is gone`);
  const cmdline = readFileSync(`/proc/${parent}/cmdline`, 'utf8');
  if (!cmdline.includes('spawner/main.cjs')) throw new Error(`the parent of worker ${workerPid} is not a spawner: ${cmdline.replaceAll('\0', ' ')}`);
  return parent;
}
