/**
 * `inspect` (issue 13, "Debugging a worker"): workers start with the inspector on loopback, their
 * URL reaches workerReady, the diagnostics channel, stats() and the log, and a call does not time
 * out while a real debugger (./inspector-client.ts, over the real socket) is attached. Linux: the
 * parent sees the debugger in /proc (runtime/platform/linux-debugger.ts).
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallTimeoutError, ConfigurationError, resolveConfig, WorkerStartError, type Logger, type PoolConfig, type PoolEvents } from 'process-sandbox';
import { platform } from '../../dist/runtime/platform/index.js';
import { hasConnection } from '../../dist/runtime/platform/linux-debugger.js';
import { inspectArg, inspectorPort } from '../../dist/runtime/inspect.js';
import { ITestServiceClient } from '../.generated/js/.generated/services/ITestService.client.js';
import { isAlive, paths, tempFile, testClient, track, waitFor } from '../helpers.js';
import { InspectorClient } from './inspector-client.js';
import { confinable, confinedClient, layout } from './confine-harness.js';

const URL_SHAPE = /^ws:\/\/127\.0\.0\.1:(\d+)\/[0-9a-f-]{36}$/;

const inspectors: InspectorClient[] = [];
afterEach(async () => {
  await Promise.all(inspectors.splice(0).map((i) => i.close()));
  vi.restoreAllMocks();
});

async function attach(url: string): Promise<InspectorClient> {
  const client = await InspectorClient.connect(url);
  inspectors.push(client);
  await client.call('Debugger.enable');
  return client;
}

/** Stops the worker's main thread at a `debugger;` statement: it runs nothing until resumed. */
async function pause(client: InspectorClient): Promise<void> {
  const paused = client.event('Debugger.paused');
  client.send('Runtime.evaluate', { expression: 'debugger' });
  await paused;
}

function recordingLogger(): { logger: Logger; lines: { level: string; message: string }[]; when: (part: string) => number | undefined } {
  const lines: { level: string; message: string }[] = [];
  const times: number[] = [];
  const at = (level: string) => (message: string): void => { lines.push({ level, message }); times.push(Date.now()); };
  const when = (part: string): number | undefined => times[lines.findIndex((l) => l.message.includes(part))];
  return { lines, when, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a promise has settled, without waiting for it. */
function settledFlag(promise: Promise<unknown>): () => boolean {
  let settled = false;
  promise.then(() => { settled = true; }, () => { settled = true; });
  return () => settled;
}

describe('inspect: where the inspector listens', () => {
  it('each worker gets a free loopback port of its own; its URL is in workerReady, the diagnostics channel, stats() and the log', async () => {
    const published: unknown[] = [];
    const onReady = (message: unknown): void => { published.push(message); };
    subscribe('process-sandbox:worker:ready', onReady);
    try {
      const { logger, lines } = recordingLogger();
      // No worker up front: both start once the calls come, with the listener already in place.
      const c = await testClient({ inspect: true, minPoolSize: 0, maxPoolSize: 2, spareWorkers: 0, logger });
      const ready: PoolEvents['workerReady'][0][] = [];
      c.pool.on('workerReady', (e) => ready.push(e));
      await Promise.all([c.sleep(300), c.sleep(300)]);
      expect(ready).toHaveLength(2);
      const urls = ready.map((e) => e.inspectorUrl!);
      for (const url of urls) expect(url).toMatch(URL_SHAPE);
      expect(new Set(urls.map((u) => URL_SHAPE.exec(u)![1])).size).toBe(2);

      const stats = c.pool.stats().workers;
      for (const e of ready) {
        expect(stats.find((w) => w.workerId === e.workerId)?.inspectorUrl).toBe(e.inspectorUrl);
        expect(published).toContainEqual(expect.objectContaining({ poolId: c.pool.id, workerId: e.workerId, pid: e.pid, inspectorUrl: e.inspectorUrl }));
        expect(lines).toContainEqual({ level: 'info', message: `worker ${e.workerId} (pid ${e.pid}) is ready; its inspector listens on ${e.inspectorUrl}` });
        // Node's own notice on the worker's stderr is no warning.
        const notice = `[worker ${e.workerId}] Debugger listening on ${e.inspectorUrl}`;
        expect(await waitFor(() => lines.some((l) => l.message === notice))).toBe(true);
        expect(lines.filter((l) => l.message === notice).map((l) => l.level)).toEqual(['info']);
        // It is the worker's real inspector: its HTTP side lists that very URL.
        const port = URL_SHAPE.exec(e.inspectorUrl!)![1];
        const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as { webSocketDebuggerUrl: string }[];
        expect(targets.map((t) => t.webSocketDebuggerUrl)).toEqual([e.inspectorUrl]);
      }
    } finally {
      unsubscribe('process-sandbox:worker:ready', onReady);
    }
  });

  it('a fixed port, with maxPoolSize 1 and overlappedRecycle false, is the one the worker listens on', async () => {
    const port = await freePort();
    const c = await testClient({ inspect: { port }, maxPoolSize: 1, overlappedRecycle: false });
    expect(c.pool.stats().workers[0]?.inspectorUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${port}/`));
  });

  it('without inspect, workers start as before: no --inspect, no URL, and no URL in workerReady', async () => {
    const c = await testClient({ minPoolSize: 0, spareWorkers: 0 });
    const ready: PoolEvents['workerReady'][0][] = [];
    c.pool.on('workerReady', (e) => ready.push(e));
    const pid = await c.pid();
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain('--inspect');
    expect(c.pool.stats().workers[0]?.inspectorUrl).toBeUndefined();
    expect(Object.keys(ready[0]!)).toEqual(['workerId', 'pid', 'startMs']);
  });

  it('a host that is not loopback is allowed, with a warning that whoever reaches it runs code in the worker', async () => {
    const { logger, lines } = recordingLogger();
    // No worker starts (minPoolSize 0): nothing listens on that address.
    await testClient({ inspect: { host: '0.0.0.0' }, minPoolSize: 0, logger });
    expect(lines).toContainEqual({ level: 'warn', message: expect.stringMatching(/^inspect\.host is "0\.0\.0\.0", not a loopback address: whoever can reach it can attach to a worker and run any code there/) });
    const quiet = recordingLogger();
    await testClient({ inspect: { host: '::1' }, minPoolSize: 0, logger: quiet.logger });
    expect(quiet.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });

  it('inspect.host in brackets for IPv6; the port read back from the URL a worker sent', () => {
    expect(inspectArg({ host: '127.0.0.1', port: 0 })).toBe('--inspect=127.0.0.1:0');
    expect(inspectArg({ host: '::1', port: 9229 })).toBe('--inspect=[::1]:9229');
    expect(inspectorPort('ws://127.0.0.1:40001/0f3e')).toBe(40001);
    expect(inspectorPort('ws://[::1]:40001/0f3e')).toBe(40001);
    expect(inspectorPort('ws://127.0.0.1/0f3e')).toBe(80);
    for (const bad of ['http://127.0.0.1:40001/', 'not a url', 'ws://127.0.0.1:0/']) expect(inspectorPort(bad)).toBeUndefined();
  });
});

describe('inspect: a worker being debugged is not timed out', () => {
  it('a worker paused in the debugger keeps its call past the timeout, and answers once resumed', async () => {
    const detect = vi.spyOn(platform, 'debuggerAttached');
    const { logger, lines } = recordingLogger();
    const c = await testClient({ inspect: true, maxPoolSize: 1, spareWorkers: 0, methodCallTimeoutMs: 1000, logger });
    const timeouts: unknown[] = [];
    c.pool.on('timeout', (e) => timeouts.push(e));
    const worker = c.pool.stats().workers[0]!;
    const debuggerClient = await attach(worker.inspectorUrl!);
    await pause(debuggerClient);

    const call = c.add(2, 3);
    const settled = settledFlag(call);
    // Twice its timeout: without the debugger it would have been killed a second ago.
    await sleep(2500);
    expect(settled()).toBe(false);
    expect(isAlive(worker.pid!)).toBe(true);
    expect(timeouts).toEqual([]);
    expect(detect).toHaveBeenCalledWith(worker.pid, Number(URL_SHAPE.exec(worker.inspectorUrl!)![1]));
    expect(lines).toContainEqual(expect.objectContaining({ level: 'info', message: expect.stringContaining('which has a debugger attached: it is not timed out while the debugger stays') }));

    await debuggerClient.call('Debugger.resume');
    expect(await call).toBe(5);
    expect(c.pool.stats().workers[0]?.pid).toBe(worker.pid);
  });

  it('once the debugger detaches, a call that still does not return gets its full timeout again, then times out and its worker is replaced', async () => {
    const { logger, when } = recordingLogger();
    const c = await testClient({ inspect: true, maxPoolSize: 1, spareWorkers: 0, methodCallTimeoutMs: 1000, logger });
    const timeouts: unknown[] = [];
    c.pool.on('timeout', (e) => timeouts.push(e));
    const pid = c.pool.stats().workers[0]!.pid!;
    const debuggerClient = await attach(c.pool.stats().workers[0]!.inspectorUrl!);

    // Sleeping, not spinning: a call that does not return in time need not burn a CPU.
    const call = c.sleep(60_000).catch((e: unknown) => e);
    await sleep(2200);
    expect(isAlive(pid)).toBe(true);
    await debuggerClient.close();
    const detached = Date.now();
    const error = await call;
    const timedOut = Date.now();
    expect(error).toBeInstanceOf(CallTimeoutError);
    expect(error).toMatchObject({ method: 'sleep', timeoutMs: 1000, pid });
    // The detach is seen at the next check (one a second), and from then the call has its whole second again.
    const seen = when('"sleep" (timeout 1000 ms) has its full timeout again, from now');
    expect(seen).toBeDefined();
    expect(seen! - detached).toBeLessThan(2000);
    expect(timedOut - seen!).toBeGreaterThanOrEqual(980);
    expect(timedOut - seen!).toBeLessThan(2000);
    expect(timeouts).toEqual([expect.objectContaining({ pid, method: 'sleep', timeoutMs: 1000 })]);
    expect(await waitFor(() => !isAlive(pid), 2000)).toBe(true);
    expect(await c.pid()).not.toBe(pid);
  });

  it('on IPv6 loopback too: the URL is in brackets, and the debugger\'s connection is found in /proc/<pid>/net/tcp6', async () => {
    const c = await testClient({ inspect: { host: '::1' }, maxPoolSize: 1, spareWorkers: 0, methodCallTimeoutMs: 500 });
    const url = c.pool.stats().workers[0]!.inspectorUrl!;
    expect(url).toMatch(/^ws:\/\/\[::1\]:\d+\/[0-9a-f-]{36}$/);
    await attach(url);
    // Attached, not paused: the call outlives its timeout and returns.
    const pid = c.pool.stats().workers[0]!.pid;
    expect(await c.sleep(1500)).toBe(pid);
  });

  it('with inspect and no debugger attached, a hung call times out at its deadline', async () => {
    const c = await testClient({ inspect: true, maxPoolSize: 1, spareWorkers: 0, methodCallTimeoutMs: 500 });
    const pid = c.pool.stats().workers[0]!.pid!;
    const started = Date.now();
    await expect(c.sleep(60_000)).rejects.toMatchObject({ name: 'CallTimeoutError', timeoutMs: 500, pid });
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('where the platform cannot tell whether a debugger is attached (Windows, macOS), a call under inspect never times out', async () => {
    const detect = platform.debuggerAttached;
    delete (platform as { debuggerAttached?: unknown }).debuggerAttached;
    try {
      const { logger, lines } = recordingLogger();
      const c = await testClient({ inspect: true, maxPoolSize: 1, spareWorkers: 0, methodCallTimeoutMs: 300, logger });
      const pid = c.pool.stats().workers[0]!.pid;
      expect(await c.sleep(1500)).toBe(pid);
      expect(lines).toContainEqual(expect.objectContaining({ level: 'info', message: expect.stringContaining('"sleep" (timeout 300 ms) overran its timeout on worker 1') }));
      expect(lines).toContainEqual(expect.objectContaining({ message: expect.stringContaining('this platform cannot tell whether a debugger is attached') }));
    } finally {
      Object.assign(platform, { debuggerAttached: detect });
    }
  });

  it('without inspect, a hung call times out as before, and nothing asks whether a debugger is attached', async () => {
    const detect = vi.spyOn(platform, 'debuggerAttached');
    const c = await testClient({ maxPoolSize: 1, spareWorkers: 0, methodCallTimeoutMs: 300 });
    const pid = await c.pid();
    await expect(c.sleep(60_000)).rejects.toMatchObject({ name: 'CallTimeoutError', timeoutMs: 300, pid });
    expect(detect).not.toHaveBeenCalled();
  });

  it('the /proc table is read for an established connection on the inspector\'s port by one of the worker\'s own sockets', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:A42B 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 111 1 0 100 0 0 10 0',
      '   1: 0100007F:A42B 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 222 1 0 20 4 30 10 -1',
      '   2: 0100007F:1F90 0100007F:D432 01 00000000:00000000 00:00000000 00000000  1000        0 333 1 0 20 4 30 10 -1',
    ].join('\n');
    // 0xA42B = 42027: listening (0A) on 111, connected (01) on 222.
    expect(hasConnection(table, 42027, new Set(['111', '222']))).toBe(true);
    expect(hasConnection(table, 42027, new Set(['111']))).toBe(false);
    expect(hasConnection(table, 42027, new Set(['333']))).toBe(false);
    expect(hasConnection(table, 8080, new Set(['333']))).toBe(true);
  });
});

describe('inspect: the ready message', () => {
  const hostile = fileURLToPath(new URL('../workers/hostile.mjs', import.meta.url));
  const hostileConfig = (ready: unknown[], config: Partial<PoolConfig>): PoolConfig => ({
    workerModule: paths.testService, workerEntry: hostile, env: { ...process.env, HOSTILE_READY: JSON.stringify(ready), HOSTILE_ONCE_FILE: tempFile() },
    maxPoolSize: 1, spareWorkers: 0, logger: false, circuitBreaker: false, ...config,
  });

  it.each([
    ['an inspector URL that is no string', [2, 42], { inspect: true }, /a ready message whose inspector URL is not a ws: URL on a port/],
    ['an inspector URL that is not ws:', [2, 'http://127.0.0.1:9229/x'], { inspect: true }, /a ready message whose inspector URL is not a ws: URL/],
    ['an inspector URL when the pool has no inspect', [2, 'ws://127.0.0.1:9229/x'], {}, /a ready message with an inspector URL, though the pool has no inspect option/],
    ['an inspector URL on another port than the pool\'s fixed one', [2, 'ws://127.0.0.1:9230/x'], { inspect: { port: 9229 }, overlappedRecycle: false }, /a ready message whose inspector URL is not a ws: URL on port 9229/],
  ])('%s is a protocol violation: the worker fails to start', async (_what, ready, config, message) => {
    const error = await ITestServiceClient.create(hostileConfig(ready, config)).then((c) => track(c), (e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toMatch(/^\[process-sandbox\] worker 1 \(pid \d+\) broke the protocol/);
  });

  it('a ready without a URL under inspect (the inspector could not listen) starts the worker with a warning', async () => {
    const { logger, lines } = recordingLogger();
    const c = track(await ITestServiceClient.create({ ...hostileConfig([2], { inspect: true }), logger }));
    expect(await c.add(1, 2)).toBe(42);
    expect(c.pool.stats().workers[0]?.inspectorUrl).toBeUndefined();
    expect(lines).toContainEqual(expect.objectContaining({ level: 'warn', message: expect.stringMatching(/started without its inspector \(inspect\): its stderr says why/) }));
  });
});

describe('inspect: configuration', () => {
  const base = { workerModule: paths.testService, workerEntry: paths.testService };
  const issues = (config: Partial<PoolConfig>): unknown => {
    try {
      resolveConfig({ ...base, ...config } as PoolConfig);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigurationError);
      return (error as ConfigurationError).issues;
    }
    return [];
  };

  it('resolves true to 127.0.0.1 and port 0, and false or nothing to off', () => {
    expect(resolveConfig({ ...base, inspect: true }).inspect).toEqual({ host: '127.0.0.1', port: 0 });
    expect(resolveConfig({ ...base, inspect: {} }).inspect).toEqual({ host: '127.0.0.1', port: 0 });
    expect(resolveConfig({ ...base, inspect: { host: '::1', port: 0 } }).inspect).toEqual({ host: '::1', port: 0 });
    expect(resolveConfig({ ...base, inspect: false }).inspect).toBeUndefined();
    expect(resolveConfig(base).inspect).toBeUndefined();
    expect(resolveConfig({ ...base, inspect: { port: 9229 }, maxPoolSize: 1, minPoolSize: 1, overlappedRecycle: false }).inspect).toEqual({ host: '127.0.0.1', port: 9229 });
    expect(resolveConfig({ ...base, inspect: true, confine: { network: true } }).inspect).toEqual({ host: '127.0.0.1', port: 0 });
  });

  it.each<[string, unknown, Partial<PoolConfig>, string, RegExp]>([
    ['a string', 'yes', {}, 'inspect', /expected true, false or \{ host\?, port\? \}, got string/],
    ['an array', [], {}, 'inspect', /got an array/],
    ['an unknown key', { hots: 'x' }, {}, 'inspect.hots', /unknown option; the options are host, port/],
    ['a host that is no string', { host: 42 }, {}, 'inspect.host', /expected a host name or IP address such as "127.0.0.1" \(IPv6 without brackets: "::1"\), got number/],
    ['an empty host', { host: '' }, {}, 'inspect.host', /got ""/],
    ['a port past 65535', { port: 70_000 }, {}, 'inspect.port', /expected a whole number from 0 to 65535 \(0: a free port for each worker\), got 70000/],
    ['a negative port', { port: -1 }, {}, 'inspect.port', /from 0 to 65535/],
    ['a fractional port', { port: 1.5 }, {}, 'inspect.port', /from 0 to 65535/],
    ['a fixed port with maxPoolSize 5', { port: 9229 }, {}, 'inspect.port', /is 9229 while maxPoolSize is 5: every worker would listen on that one port.*use port 0/],
    ['a fixed port with overlapped recycling', { port: 9229 }, { maxPoolSize: 1 }, 'inspect.port', /is 9229 while overlappedRecycle is on.*use port 0 \(a free port for each worker\), or set overlappedRecycle: false/],
    ['confine without network', true, { confine: {} }, 'inspect', /needs confine.network: true: the inspector listens on a TCP socket/],
  ])('%s is a ConfigurationError naming the option, the condition and the fix', (_what, inspect, config, field, problem) => {
    expect(issues({ inspect: inspect as boolean, ...config })).toEqual([{ field, problem: expect.stringMatching(problem) }]);
  });
});

describe.runIf(confinable)('inspect: a confined worker', () => {
  const at = layout();

  it('with confine.network, listens in the image that runs the code (not the first image, which starts without flags) and reports that URL', async () => {
    const c = await confinedClient(at, { inspect: true, confine: { read: [at.inside, at.library], write: [at.writable], network: true } });
    const url = c.pool.stats().workers[0]!.inspectorUrl!;
    expect(url).toMatch(URL_SHAPE);
    const debuggerClient = await attach(url);
    expect(await debuggerClient.call('Runtime.evaluate', { expression: 'process.pid', returnByValue: true })).toMatchObject({ result: { value: c.pool.stats().workers[0]!.pid } });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}
