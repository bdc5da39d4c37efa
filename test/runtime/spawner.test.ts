import { readFileSync } from 'node:fs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WorkerCrashedError, WorkerStartError } from 'process-sandbox';
import { isAlive, lineage, spawnerOf, testClient, waitFor, workerPids } from '../helpers.js';

/** How long after close() the spawner may take to exit (the pool does not wait for it yet). */
const SPAWNER_EXIT_MS = 1000;

describe.runIf(process.platform === 'linux')('the spawner (Linux)', () => {
  it('is started with the application\'s Node, no flags, and neither NODE_OPTIONS nor NODE_EXTRA_CA_CERTS', async () => {
    const c = await testClient();
    const spawner = spawnerOf(await c.pid());
    const [executable, entry, application, ...rest] = readFileSync(`/proc/${spawner}/cmdline`, 'utf8').split('\0').filter((a) => a.length > 0);
    expect(executable).toBe(process.execPath);
    expect(entry).toMatch(/spawner\/main\.cjs$/);
    expect(application).toBe(String(process.pid));
    expect(rest).toEqual([]);
    const environ = readFileSync(`/proc/${spawner}/environ`, 'utf8').split('\0').map((v) => v.split('=')[0]);
    expect(environ).not.toContain('NODE_OPTIONS');
    expect(environ).not.toContain('NODE_EXTRA_CA_CERTS');
  });

  it('is shared by the application\'s pools and stops when the last one closes, leaving no worker or descendant', async () => {
    const a = await testClient();
    const b = await testClient();
    const spawner = spawnerOf(await a.pid());
    expect(spawnerOf(await b.pid())).toBe(spawner);
    const plain = await a.spawnChild('plain');
    const detached = await a.spawnChild('setsid-double-fork');
    const workers = workerPids(a);
    await a.close();
    // The pool is closed once every worker and whatever it started is gone.
    expect([...workers, plain, detached].filter(isAlive)).toEqual([]);
    expect(isAlive(spawner)).toBe(true);
    expect(await b.add(1, 2)).toBe(3);
    const left = workerPids(b);
    await b.close();
    expect(left.filter(isAlive)).toEqual([]);
    expect(await waitFor(() => !isAlive(spawner), SPAWNER_EXIT_MS)).toBe(true);
  });

  it('SIGKILLed, fails the calls in flight with WorkerCrashedError; a new spawner serves the next call', async () => {
    const c = await testClient({ minPoolSize: 2, maxPoolSize: 2 });
    const workers = workerPids(c);
    const spawner = spawnerOf(workers[0]!);
    const detached = await c.spawnChild('setsid-double-fork');
    // What a worker had detached escapes when the spawner itself is SIGKILLed: nothing holds it
    // any more (docs/platforms.md says so). Not this test's subject: clean it up.
    onTestFinished(() => { if (isAlive(detached)) process.kill(detached, 'SIGKILL'); });
    const inFlight = [c.sleep(10_000), c.sleep(10_000)];
    await new Promise((r) => setTimeout(r, 50));
    process.kill(spawner, 'SIGKILL');
    for (const call of inFlight) await expect(call).rejects.toBeInstanceOf(WorkerCrashedError);
    // Its workers died with it (their parent-death signal).
    expect(await waitFor(() => workers.every((p) => !isAlive(p)), 2000)).toBe(true);
    expect(await c.add(1, 2)).toBe(3);
    const replacement = spawnerOf(await c.pid());
    expect(replacement).not.toBe(spawner);
    expect(lineage(replacement)!.ppid).toBe(process.pid);
  });

  it('that cannot start fails worker starts with a WorkerStartError that names it and quotes its stderr', async () => {
    const { spawnerEntry } = await import('../../dist/runtime/platform/spawner-client.js');
    const real = spawnerEntry.path;
    spawnerEntry.path = '/nonexistent/process-sandbox/spawner/main.cjs';
    try {
      const error = await testClient().then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(WorkerStartError);
      expect((error as Error).message).toMatch(/worker 1 could not be started: the spawner process \(pid \d+\), which starts this application's workers on Linux \(.*\/nonexistent\/process-sandbox\/spawner\/main\.cjs\), exited with code 1 before it started this worker/);
      expect((error as Error).message).toContain('Cannot find module');
    } finally {
      spawnerEntry.path = real;
    }
    expect(await (await testClient()).add(1, 2)).toBe(3);
  });
});
