/**
 * confine on Windows, run in Windows node.exe under Wine (docs/confinement.md): the fail-closed
 * path, the report, and the parent refusing a worker that finds less than its pool expects, for
 * 64-bit and 32-bit workers of a 64-bit parent.
 *
 * What Wine (8.0) honours of it: nothing. SetInformationJobObject accepts
 * JOB_OBJECT_LIMIT_ACTIVE_PROCESS 1 and every UI restriction and returns success, but a worker in
 * that job still starts programs, and QueryInformationJobObject reads neither back;
 * SetTokenInformation(TokenIntegrityLevel, low) returns success and the token still reads high
 * integrity, and the worker still writes to the temporary directory and opens the application's
 * process to terminate it. The "warn" test shows each of these from inside a worker. So under Wine
 * the probe marks those knobs unsupported, and the workers' own checks report them unenforced;
 * what each would prove on Windows (the limits holding) cannot be shown here, and the tests say so
 * by name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanUp, loadWine, prepare, run, skipReason, type Wine } from './harness.js';

interface Rejection { name: string; code: string | null; message: string; unsupported: { knob: string; needs: string }[] | null }

const reason = skipReason();
let wine: Wine;

const UNENFORCED_UNDER_WINE = {
  landlockAbi: 0, seccomp: false, noNewPrivs: false,
  read: 'unenforced', write: 'unenforced', network: 'unenforced', childProcesses: 'unenforced', signals: 'unenforced',
  uiRestrictions: 'unenforced',
};

describe.skipIf(reason !== undefined)(`confine on Windows, under Wine${reason === undefined ? '' : ' (skipped: see the log)'}`, { timeout: 60_000 }, () => {
  beforeAll(() => {
    wine = loadWine();
    prepare(wine);
  });
  afterAll(() => cleanUp());

  it("a confined worker's own job nests in the pool's (in libuv's job, or detached) with its limits set; Wine does not enforce ActiveProcessLimit", async () => {
    type Try = { adoptError: string | null; started: boolean | null; error: string | null };
    const { result } = await run<{ wine: string | null; attached: Try; detached: Try; allowed: Try }>(wine, 'confine-job.mjs');
    // Nesting works both ways, with the UI limits set after the assignment.
    expect(result.attached.adoptError).toBeNull();
    expect(result.detached.adoptError).toBeNull();
    expect(result.allowed).toMatchObject({ adoptError: null, started: true });
    if (result.wine !== null) {
      // Wine accepts JOB_OBJECT_LIMIT_ACTIVE_PROCESS and lets the process start one anyway.
      expect(result.attached.started).toBe(true);
      expect(result.detached.started).toBe(true);
      console.log(`[windows tests] a worker in a job with ActiveProcessLimit 1 started a program: Wine ${result.wine} does not enforce it (Windows does)`);
      return;
    }
    expect(result.attached.started).toBe(false);
    expect(result.detached.started).toBe(false);
  });

  it.each(['x64', 'ia32'] as const)('confine {} fails closed before any %s worker starts, naming each knob and what it needs', async (arch) => {
    const { result } = await run<Rejection>(wine, 'confine.mjs', { args: [arch, 'fail'] });
    expect(result.name).toBe('ConfinementUnsupportedError');
    expect(result.code).toBe('ERR_SANDBOX_CONFINEMENT_UNSUPPORTED');
    expect(result.unsupported!.map((u) => u.knob)).toEqual(['read', 'write', 'network', 'childProcesses', 'signals']);
    const needs = Object.fromEntries(result.unsupported!.map((u) => [u.knob, u.needs]));
    // What Windows itself cannot do this way, whoever runs it.
    expect(needs['read']).toMatch(/AppContainer/);
    expect(needs['network']).toMatch(/Windows Filtering Platform/);
    // What Windows does, and Wine does not.
    expect(needs['childProcesses']).toMatch(/JOB_OBJECT_LIMIT_ACTIVE_PROCESS.*this is Wine \d/);
    expect(needs['write']).toMatch(/low integrity.*this is Wine \d/);
    expect(needs['signals']).toMatch(/low integrity.*this is Wine \d/);
    expect(result.message).toMatch(/^\[process-sandbox\] confine cannot be enforced on this machine: read: needs/);
  });

  it('a non-empty confine.write is unsupported on Windows (no low-integrity relabelling), and signals with it', async () => {
    const { result } = await run<{ fail: Rejection; warn: Rejection }>(wine, 'confine.mjs', { args: ['x64', 'write'] });
    expect(result.fail.name).toBe('ConfinementUnsupportedError');
    const needs = Object.fromEntries(result.fail.unsupported!.map((u) => [u.knob, u.needs]));
    expect(needs['write']).toMatch(/low-integrity label on each write path/);
    expect(needs['signals']).toMatch(/only with confine.write empty/);
    // 'warn' starts it, unenforced: a worker that could not write to its write paths would be no use.
    expect(result.warn.name).toBe('NoError');
  });

  it.each(['x64', 'ia32'] as const)("onUnsupported 'warn' starts %s workers and reports every knob unenforced: Wine enforces no job limit and no integrity level, as the worker shows", async (arch) => {
    const { result } = await run<{
      confinement: unknown; stats: unknown; warnings: string[]; identity: { arch: string; inJob: boolean };
      escapes: { started: boolean; wroteTemp: boolean; openedParent: boolean }; sum: number; crash: { name: string }; afterCrash: { arch: string };
    }>(wine, 'confine.mjs', { args: [arch, 'warn'] });
    expect(result.warnings.join('\n')).toMatch(/confine is only partly enforced on this machine \(onUnsupported: 'warn'\): read: needs .*childProcesses: needs .*Wine/);
    expect(result.confinement).toEqual(UNENFORCED_UNDER_WINE);
    expect(result.stats).toEqual(UNENFORCED_UNDER_WINE);
    expect(result.identity).toMatchObject({ arch, inJob: true });
    expect(result.sum).toBe(5);
    // The evidence for "Wine does not enforce": from inside a worker that was put in a job with
    // ActiveProcessLimit 1 and lowered itself to low integrity, all three still succeed.
    // On Windows all three would fail; the pool would then not be in this branch at all.
    expect(result.escapes).toEqual({ started: true, wroteTemp: true, openedParent: true });
    // A confined worker is replaced after a crash, and its replacement is confined (checked) too.
    expect(result.crash.name).toBe('WorkerCrashedError');
    expect(result.afterCrash.arch).toBe(arch);
  });

  it("childProcesses and network allowed read 'allowed'", async () => {
    const { result } = await run<{ confinement: Record<string, unknown> }>(wine, 'confine.mjs', { args: ['x64', 'allow'] });
    expect(result.confinement).toEqual({ ...UNENFORCED_UNDER_WINE, network: 'allowed', childProcesses: 'allowed' });
  });

  it.each(['x64', 'ia32'] as const)('a %s worker whose self-check finds a limit missing is refused before loading user code (the pool told to trust Wine as Windows)', async (arch) => {
    const { result } = await run<Rejection>(wine, 'confine.mjs', { args: [arch, 'trust'] });
    expect(result.name).toBe('WorkerStartError');
    expect(result.message).toMatch(/is less confined than its pool requires \(/);
    // Each check, found failing by the worker itself under Wine.
    for (const lack of ['write unenforced, not enforced', 'childProcesses unenforced, not enforced', 'signals unenforced, not enforced', 'uiRestrictions unenforced, not enforced']) {
      expect(result.message).toContain(lack);
    }
    expect(result.message).toMatch(/refused before loading any user code/);
  });
});
