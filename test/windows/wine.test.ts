/**
 * The Windows half of the runtime, run in Windows node.exe under Wine: named pipes, the pool's
 * Job Object, Win32 resource sampling, recycling by memory, 32-bit workers, hard limits and the
 * COM sample. Each test runs a script from scripts/ in node.exe and checks the JSON it reports.
 *
 * Some of Wine's Win32 calls are stubs (PrivateUsage, GetProcessHandleCount, GetGuiResources,
 * another process's GetProcessTimes; the job memory limit is not enforced). Where a script ran
 * under Wine, the tests accept null for those and print why; where it ran on real Windows, they
 * demand real numbers.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUp, loadWine, prepare, run, runProgram, skipReason, start, windowsPath, type Wine } from './harness.js';

interface Sample {
  workingSetBytes: number | null;
  privateBytes: number | null;
  privateResidentBytes: number | null;
  handleCount: number | null;
  gdiObjects: number | null;
  userObjects: number | null;
  threads: number | null;
  cpuTimeMs: number | null;
}
interface Identity { platform: string; arch: string; pid: number; inJob: boolean }
interface Failure { name: string; message: string; exitCode: number | null }

const reason = skipReason();
if (reason !== undefined) console.log(`[windows tests] skipped: ${reason}`);

const MIB = 1024 * 1024;
let wine: Wine;

/** Under Wine, a stubbed field may be null: say so. On Windows, it must be a number. */
function measuredOrStub(wineVersion: string | null, field: string, value: number | null, stub: string): void {
  if (wineVersion !== null && value === null) {
    console.log(`[windows tests] ${field} is null: Wine ${wineVersion} ${stub}`);
    return;
  }
  expect(value, field).toEqual(expect.any(Number));
}

// Each test starts one or two node.exe under Wine; on a loaded machine that is seconds, not milliseconds.
describe.skipIf(reason !== undefined)(`Windows under Wine${reason === undefined ? '' : ' (skipped: see the log)'}`, { timeout: 60_000 }, () => {
  beforeAll(() => {
    wine = loadWine();
    prepare(wine);
  });
  afterAll(() => cleanUp());

  describe('struct layouts and platform facts', () => {
    it.each(['x64', 'ia32'] as const)('koffi lays the Win32 structs out as the SDK does in a %s node.exe', async (arch) => {
      const { result } = await run<{ arch: string; wine: string | null; sizes: unknown; expected: unknown; executables: Record<string, { is32Bit: boolean; addressSpaceBytes?: number }>; ceilings: Record<string, number | null>; self: Sample }>(wine, 'sizes.mjs', { arch });
      expect(result.arch).toBe(arch);
      expect(result.sizes).toEqual(arch === 'x64'
        ? { JOBOBJECT_EXTENDED_LIMIT_INFORMATION: 144, PROCESS_MEMORY_COUNTERS_EX: 80 }
        : { JOBOBJECT_EXTENDED_LIMIT_INFORMATION: 112, PROCESS_MEMORY_COUNTERS_EX: 44 });
      expect(result.sizes).toEqual(result.expected);
      expect(result.executables['ia32']).toMatchObject({ is32Bit: true, addressSpaceBytes: 2 * 1024 * MIB });
      expect(result.executables['x64']).toMatchObject({ is32Bit: false });
      expect(result.ceilings['ia32']).toBe(1536 * MIB);
      expect(result.ceilings['x64']).toBeUndefined();
      // Its own working set, measured through K32GetProcessMemoryInfo.
      expect(result.self.workingSetBytes).toBeGreaterThan(10 * MIB);
      console.log(`[windows tests] ${arch} node.exe under Wine ${String(result.wine)}: working set ${(result.self.workingSetBytes! / MIB).toFixed(1)} MiB, CPU ${String(result.self.cpuTimeMs)} ms`);
    });
  });

  describe('named-pipe transport', () => {
    it('a pipe name another process already serves cannot be taken over (first instance only)', async () => {
      const { result } = await run<{ first: string; second: string; wine: string | null }>(wine, 'pipe-squat.mjs', {});
      expect(result.first).toBe('listening');
      if (result.wine !== null && result.second === 'listening') {
        // libuv asks for FILE_FLAG_FIRST_PIPE_INSTANCE; Wine accepts the flag without enforcing it.
        console.log(`[windows tests] a second server on a taken pipe name was not refused: Wine ${result.wine} does not enforce FILE_FLAG_FIRST_PIPE_INSTANCE (Windows does)`);
        return;
      }
      expect(result.second).toBe('EADDRINUSE');
    });

    it.each(['x64', 'ia32'] as const)('a 64-bit parent serves calls through %s workers, survives a crash and a timeout', async (arch) => {
      const { result, ms } = await run<{
        parent: { platform: string; arch: string }; identity: Identity; sum: number; echoOk: boolean; pids: number[];
        crash: Failure; afterCrash: Identity; timeout: Failure; afterTimeout: number; startMs: number;
      }>(wine, 'transport.mjs', { args: [arch] });
      expect(result.parent).toMatchObject({ platform: 'win32', arch: 'x64' });
      expect(result.identity).toMatchObject({ platform: 'win32', arch, inJob: true });
      expect(result.sum).toBe(5);
      expect(result.echoOk).toBe(true);
      expect(new Set(result.pids).size).toBe(2);
      expect(result.crash.name).toBe('WorkerCrashedError');
      // An access violation: STATUS_ACCESS_VIOLATION as the exit code.
      expect(result.crash.exitCode).toBe(0xc0000005);
      expect(result.afterCrash.arch).toBe(arch);
      expect(result.timeout.name).toBe('CallTimeoutError');
      expect(result.afterTimeout).toBe(42);
      console.log(`[windows tests] x64 parent, ${arch} workers: 2 workers ready in ${result.startMs} ms, whole script ${ms} ms`);
    });
  });

  describe('no orphans: the pool\'s Job Object', () => {
    // Workers are spawned detached here, so libuv's own job (which already kills non-detached
    // children with their parent) does not hold them: only the pool's job can.
    async function killParent(mode: 'job' | 'no-job'): Promise<{ workers: number[]; identities: Identity[]; survivors: number[]; waitedMs: number }> {
      const parent = start(wine, 'orphan-parent.mjs', { args: [mode] });
      const { workers, identities } = await parent.result<{ workers: number[]; identities: Identity[] }>();
      expect(workers).toHaveLength(2);
      // SIGKILL of the Linux process that is node.exe: the hardest way a parent can die.
      parent.child.kill('SIGKILL');
      await parent.exited;
      const { result } = await run<{ survivors: number[]; waitedMs: number }>(wine, 'alive.mjs', { args: [...workers.map(String), '--within=2000', '--kill'] });
      return { workers, identities, ...result };
    }

    it('nests inside libuv\'s job, kills what it holds when closed, leaves an exited worker to its exit', async () => {
      const { result } = await run<{ inLibuvJob: boolean; adoptError: string | null; killedWithin: number | null; goneError: string | null; afterCloseError: string | null }>(wine, 'job.mjs');
      expect(result.inLibuvJob).toBe(true);
      expect(result.adoptError).toBeNull();
      expect(result.killedWithin).not.toBeNull();
      expect(result.goneError).toBeNull();
      expect(result.afterCloseError).toMatch(/closed/);
      console.log(`[windows tests] a non-detached worker in the pool's job died ${String(result.killedWithin)} ms after the job closed`);
    });

    it('when the parent is killed, no worker survives it (within 2 s)', async () => {
      const { identities, survivors, waitedMs } = await killParent('job');
      expect(identities.every((i) => i.inJob)).toBe(true);
      expect(survivors).toEqual([]);
      console.log(`[windows tests] detached workers in the pool's job: all gone ${waitedMs} ms after the check began`);
    });

    it('control: a detached worker with no job, stuck in a busy loop, outlives its killed parent', async () => {
      const { identities, workers, survivors } = await killParent('no-job');
      expect(identities.every((i) => !i.inJob)).toBe(true);
      // The idle worker leaves by itself on its pipe's EOF; the one spinning in hang() cannot
      // notice, and nothing else takes it down.
      expect(survivors).toHaveLength(1);
      expect(workers).toContain(survivors[0]);
    });
  });

  describe('resource monitoring', () => {
    it.each(['x64', 'ia32'] as const)('samples a %s worker from outside: working set and more, null where Wine stubs', async (arch) => {
      const { result } = await run<{ wine: string | null; identity: Identity; before: Sample & { pid: number; callCount: number }; after: Sample; stats: Sample }>(wine, 'monitor.mjs', { args: [arch] });
      const { before, after } = result;
      expect(result.identity.arch).toBe(arch);
      expect(before.pid).toBe(result.identity.pid);
      expect(before.workingSetBytes).toBeGreaterThan(10 * MIB);
      expect(before.privateResidentBytes).toBeNull();
      expect(before.threads).toBeNull();
      expect(result.stats.workingSetBytes).toEqual(expect.any(Number));
      measuredOrStub(result.wine, 'privateBytes', before.privateBytes, 'answers PrivateUsage 0 from K32GetProcessMemoryInfo');
      measuredOrStub(result.wine, 'handleCount', after.handleCount, 'answers 0 from GetProcessHandleCount');
      measuredOrStub(result.wine, 'gdiObjects', after.gdiObjects, 'stubs GetGuiResources (ERROR_CALL_NOT_IMPLEMENTED)');
      measuredOrStub(result.wine, 'userObjects', after.userObjects, 'stubs GetGuiResources (ERROR_CALL_NOT_IMPLEMENTED)');
      measuredOrStub(result.wine, 'cpuTimeMs', after.cpuTimeMs, 'answers GetProcessTimes for another process with the caller\'s own times');
      if (result.wine === null) {
        // Real Windows: the worker's 50 brushes, 50 menus and 200 events show.
        expect(after.gdiObjects! - (before.gdiObjects ?? 0)).toBeGreaterThanOrEqual(50);
        expect(after.userObjects! - (before.userObjects ?? 0)).toBeGreaterThanOrEqual(50);
        expect(after.handleCount! - (before.handleCount ?? 0)).toBeGreaterThanOrEqual(200);
      }
      console.log(`[windows tests] ${arch} worker: working set ${(before.workingSetBytes! / MIB).toFixed(1)} MiB`);
    });

    it.each(['x64', 'ia32'] as const)('recycles a %s worker whose working set passes maxMemoryMB', async (arch) => {
      const { result } = await run<{
        identity: Identity; leaker: number; next: Identity;
        event: { reason: string; pid: number; trigger: { what: string; measured: number; limit: number } };
        exit: { reason: string }; totals: { crashes: number; recycles: number };
      }>(wine, 'recycle.mjs', { args: [arch] });
      expect(result.leaker).toBe(result.identity.pid);
      expect(result.event).toMatchObject({ reason: 'memory', pid: result.identity.pid, trigger: { what: 'working set' } });
      // Sampled from outside, possibly while the leak is still being touched: past the threshold, not necessarily at 256 MiB.
      expect(result.event.trigger.measured).toBeGreaterThan(result.event.trigger.limit);
      expect(result.event.trigger.limit).toBeLessThanOrEqual(200 * MIB);
      expect(result.exit.reason).toBe('recycle');
      expect(result.next.pid).not.toBe(result.identity.pid);
      expect(result.next.arch).toBe(arch);
      expect(result.totals.crashes).toBe(0);
      console.log(`[windows tests] ${arch} worker recycled at a working set of ${(result.event.trigger.measured / MIB).toFixed(1)} MiB (threshold ${(result.event.trigger.limit / MIB).toFixed(1)} MiB)`);
    });
  });

  describe('samples/com-interop', () => {
    const sample = (p: string): string => fileURLToPath(new URL(`../../samples/com-interop/${p}`, import.meta.url));
    beforeAll(() => {
      // Generated and compiled on Linux, as run.mjs --build-only does; run in node.exe below.
      execFileSync(process.execPath, [sample('run.mjs'), '--build-only'], { stdio: ['ignore', 'ignore', 'inherit'] });
    });

    it.each(['x64', 'ia32'] as const)('a 64-bit application uses Scripting.Dictionary through a %s worker', async (arch) => {
      const { code, log } = await runProgram(wine, sample('dist/main.js'), { args: arch === 'ia32' ? ['--worker-node', windowsPath(wine.nodeIa32)] : [] });
      expect(log).toMatch(new RegExp(`worker holding the COM object\\s+${arch},`));
      expect(log).toContain('com-interop: every outcome was the expected one');
      expect(code, log).toBe(0);
    });
  });

  describe('hard limits', () => {
    it('caps a 32-bit worker\'s memory threshold below 2 GiB, and sets hardMemoryLimitMB on the job', async () => {
      const { result } = await run<{ wine: string | null; ia32MaxMemoryMB: number; x64MaxMemoryMB: number; small: boolean; large: boolean }>(wine, 'limits.mjs');
      expect(result.ia32MaxMemoryMB).toBe(1536);
      expect(result.x64MaxMemoryMB).toBe(4096);
      expect(result.small).toBe(true);
      if (result.wine !== null && result.large) {
        console.log(`[windows tests] a 512 MiB allocation succeeded under a 256 MiB job limit: Wine ${result.wine} accepts JOB_OBJECT_LIMIT_PROCESS_MEMORY but does not enforce it`);
      } else {
        expect(result.large).toBe(false);
      }
    });
  });
});
