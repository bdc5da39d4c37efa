/**
 * A confined worker proves what it enforces before it loads user code: it checks itself and
 * reports in its hello, the parent checks that report and what /proc shows of every thread, and
 * refuses a worker that reports less or lies; `pool.confinement` and `stats()` show what every
 * worker enforces. The channel still carries what it carried, and a worker that replaces a
 * crashed one is confined too. Without `confine`, nothing of this happens.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IConfinedClient } from '../.generated/js/.generated/services/IConfined.client.js';
import { track } from '../helpers.js';
import { confinable, confinedClient, confinedWorker, kernel, layout, remoteCode, threadStatuses } from './confine-harness.js';

const underconfined = fileURLToPath(new URL('../workers/underconfined.mjs', import.meta.url));
const generatedServices = fileURLToPath(new URL('../.generated/js/.generated/services', import.meta.url));
const leakFd = fileURLToPath(new URL('../workers/leak-fd.mjs', import.meta.url));

describe.runIf(confinable)('confine: the handshake', () => {
  const at = layout();

  it('every worker reports what it enforces, and the pool shows it', async () => {
    const c = await confinedClient(at);
    const expected = {
      landlockAbi: kernel.kernelLandlockAbi, seccomp: true, noNewPrivs: true,
      read: 'enforced', write: 'enforced', network: 'enforced', childProcesses: 'enforced', signals: 'enforced',
    };
    expect(c.pool.confinement).toEqual(expected);
    expect(c.pool.stats().confinement).toEqual(expected);
    const pid = await c.pid();
    const statuses = threadStatuses(pid);
    expect(statuses.length).toBeGreaterThan(1);
    for (const status of statuses) {
      expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
      expect(status).toMatch(/^Seccomp:\s+2$/m);
    }
    // Its stdio is what the spawner gave it (stdout and stderr reach the pool's logger), and
    // besides stdio it holds one socket (its channel), Node's own anonymous descriptors (epoll,
    // eventfd, pipes) and /dev/null: no file, no directory, no other socket.
    const fds = new Map(readdirSync(`/proc/${pid}/fd`).map((fd) => [Number(fd), readlinkSync(`/proc/${pid}/fd/${fd}`)]));
    expect(fds.get(1)).toMatch(/^(socket|pipe):/);
    expect(fds.get(2)).toMatch(/^(socket|pipe):/);
    const rest = [...fds].filter(([fd]) => fd > 2).map(([, target]) => target);
    expect(rest.filter((target) => target.startsWith('/') && target !== '/dev/null')).toEqual([]);
    expect(rest.filter((target) => target.startsWith('socket:')).length).toBe(1);
  });

  it('a worker that cannot start confined says why: its stderr reaches the start error', async () => {
    // The preload's directory is not in read: the second image cannot load it.
    const error = await confinedClient(at, { execArgv: ['--import', pathToFileURL(leakFd).href], env: { ...process.env, LEAK_FD_FILE: at.secret } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WorkerStartError' });
    expect((error as { stderrTail: string }).stderrTail).toMatch(/EACCES.*leak-fd\.mjs/);
  });

  it('a descriptor the worker inherited is not there once it serves', async () => {
    // The preload (--import) opens the secret, inheritably, in the first image (before confinement, as the
    // application's own execArgv would): the exec must close it.
    const c = await confinedClient(at, {
      execArgv: ['--import', pathToFileURL(leakFd).href], env: { ...process.env, LEAK_FD_FILE: at.secret },
      confine: { read: [at.library, dirname(leakFd)] },
    });
    const pid = await c.pid();
    const open = readdirSync(`/proc/${pid}/fd`).map((fd) => readlinkSync(`/proc/${pid}/fd/${fd}`));
    expect(open).not.toContain(at.secret);
  });

  it('at the defaults, a worker gets only what a process needs of the application\'s environment, not its secrets; a pool\'s own env as given', async () => {
    const names = (environ: string) => environ.split('\0').filter((entry) => entry !== '').map((entry) => entry.slice(0, entry.indexOf('=')));
    process.env['SANDBOX_TEST_API_KEY'] = 'hunter2';
    process.env['NODE_OPTIONS'] = '--no-warnings';
    try {
      const c = await confinedClient(at);
      // What the worker sees of itself, after the re-exec: the environment its code runs with.
      const seen = names(await c.read('/proc/self/environ'));
      expect(seen).not.toContain('SANDBOX_TEST_API_KEY');
      expect(seen).not.toContain('NODE_OPTIONS');
      expect(seen).toContain('PATH');
      for (const name of seen) expect(name).toMatch(/^(PATH|HOME|USER|LOGNAME|LANG|LANGUAGE|LC_\w+|TZ|TMPDIR|NODE_ENV|NODE_COMPILE_CACHE|PWD)$/);
      await c.close();

      const given = await confinedClient(at, { env: { PATH: '/usr/bin:/bin', SANDBOX_TEST_API_KEY: 'meant for it' } });
      expect(names(await given.read('/proc/self/environ'))).toContain('SANDBOX_TEST_API_KEY');
    } finally {
      delete process.env['SANDBOX_TEST_API_KEY'];
      delete process.env['NODE_OPTIONS'];
    }
  });

  it('the channel still carries 1,000 calls and a 16 MiB echo', async () => {
    const c = await confinedClient(at);
    const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => c.add(i, 1)));
    expect(results.every((r, i) => r === i + 1)).toBe(true);
    const big = new Uint8Array(16 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 4096) big[i] = i & 0xff;
    const echoed = await c.echo(big);
    expect(echoed.length).toBe(big.length);
    expect(Buffer.from(echoed).equals(Buffer.from(big))).toBe(true);
  });

  it('a worker that replaced a crashed one is confined too', async () => {
    const c = await confinedClient(at, { maxPoolSize: 1, spareWorkers: 0 });
    const first = await c.pid();
    await expect(c.segfault()).rejects.toMatchObject({ name: 'WorkerCrashedError', signal: 'SIGSEGV' });
    const second = await c.pid();
    expect(second).not.toBe(first);
    expect(await remoteCode(c.read(at.secret))).toBe('EACCES');
    expect(await remoteCode(c.connectTcp(9))).toBe('EACCES');
    for (const status of threadStatuses(second)) expect(status).toMatch(/^Seccomp:\s+2$/m);
  });

  it('a worker that reports less than the pool asks, or claims what /proc does not show, is refused before it loads user code', async () => {
    for (const [mode, why] of [['none', /it sent no report of what it enforces/], ['lie', /\/proc shows a thread without (no_new_privs|the seccomp filter)/]] as const) {
      const error = await IConfinedClient.create({
        // It starts confined on the file system (the pool starts it through the first image), so
        // it may read the generated service it imports.
        workerModule: confinedWorker, workerEntry: underconfined, logger: false, confine: { read: [generatedServices] },
        env: { ...process.env, UNDERCONFINED_REPORT: mode }, maxConcurrentStarts: 1,
      }).catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'WorkerStartError' });
      expect((error as Error).message).toMatch(/is less confined than its pool requires/);
      expect((error as Error).message).toMatch(why);
    }
  });
});

describe.runIf(confinable)('confine: the first image', () => {
  const entry = fileURLToPath(new URL('../.generated/js/.generated/services/IConfined.worker.js', import.meta.url));
  const firstImage = fileURLToPath(new URL('../../dist/worker-template/confine/first-image.cjs', import.meta.url));
  const plan = { landlockAbi: kernel.kernelLandlockAbi, seccomp: true, rules: [], network: false, childProcesses: false, secondImageEnv: {} };
  const bootstrap = (confine?: object): string => `${JSON.stringify({ pipe: '/nonexistent', secret: '00', parentPid: process.pid, maxFrameBytes: 1024, limits: {}, confine })}\n`;
  const run = (args: string[], input: string): Promise<{ code: number | null; stderr: string }> => new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    child.on('close', (code) => resolve({ code, stderr }));
    child.stdin.end(input);
  });

  it('a worker entry told to confine itself, but not started through the first image, refuses to go on', async () => {
    const { code, stderr } = await run(['--conditions=process-sandbox-worker', entry], bootstrap(plan));
    expect(code).toBe(70);
    expect(stderr).toMatch(/is to be confined but did not start through its first image/);
  });

  it('the first image refuses a bootstrap that asks for no Linux confinement', async () => {
    for (const confine of [undefined, { ...plan, restricted: true }]) {
      const { code, stderr } = await run([firstImage, entry], bootstrap(confine));
      expect(code).toBe(70);
      expect(stderr).toMatch(/asks for no Linux confinement/);
    }
  });
});

describe.runIf(process.platform === 'linux')('without confine', () => {
  it('nothing changes: no report, no filter, no no_new_privs, files and sockets as before', async () => {
    const c = track(await IConfinedClient.create({ workerModule: confinedWorker, logger: false }));
    expect(c.pool.confinement).toBeUndefined();
    expect(c.pool.stats().confinement).toBeUndefined();
    const pid = await c.pid();
    const status = threadStatuses(pid)[0]!;
    expect(status).toMatch(/^NoNewPrivs:\s+0$/m);
    expect(status).toMatch(/^Seccomp:\s+0$/m);
    expect((await c.read('/etc/hostname')).length).toBeGreaterThan(0);
  });
});
