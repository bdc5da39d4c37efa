/**
 * Fail closed: what the kernel cannot enforce makes create() reject with
 * ConfinementUnsupportedError, naming each knob and what it needs; with onUnsupported 'warn' the
 * pool logs the same, starts, and says what is enforced. An older kernel is simulated with
 * SANDBOX_TEST_LANDLOCK_ABI, which the application's probe reads (test-only; workers never read it).
 * And the option itself is checked with the rest of the configuration.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ConfinementUnsupportedError, type Logger } from 'process-sandbox';
import { isAlive, spawnerOf } from '../helpers.js';
import { confinable, confinedClient, EPERM, kernel, layout, remoteCode } from './confine-harness.js';

afterEach(() => { delete process.env['SANDBOX_TEST_LANDLOCK_ABI']; });

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn(message: string) { warnings.push(message); }, error() {} };
}

describe.runIf(confinable)('confine: an older kernel', () => {
  const at = layout();

  it("onUnsupported 'fail' (the default) rejects, naming each knob and what it needs", async () => {
    // With children allowed, only Landlock ABI 6 can keep their signals in.
    process.env['SANDBOX_TEST_LANDLOCK_ABI'] = '5';
    const error = await confinedClient(at, { confine: { read: [at.library], childProcesses: true } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfinementUnsupportedError);
    expect(error).toMatchObject({ code: 'ERR_SANDBOX_CONFINEMENT_UNSUPPORTED', unsupported: [{ knob: 'signals' }] });
    expect((error as Error).message).toMatch(/signals: needs Landlock ABI 6 \(Linux 6\.12\) .*this kernel has ABI 5 \(lowered by SANDBOX_TEST_LANDLOCK_ABI\)/);
    expect((error as Error).message).toMatch(/onUnsupported to 'warn'/);

    process.env['SANDBOX_TEST_LANDLOCK_ABI'] = '2';
    const old = await confinedClient(at).catch((e: unknown) => e) as ConfinementUnsupportedError;
    expect(old).toBeInstanceOf(ConfinementUnsupportedError);
    expect(old.unsupported.map((u) => u.knob)).toEqual(['write']);
    expect(old.message).toMatch(/write: needs Landlock ABI 3 \(Linux 6\.2\) to refuse writes and truncate\(2\) outside write; this kernel has ABI 2/);

    process.env['SANDBOX_TEST_LANDLOCK_ABI'] = '0';
    const none = await confinedClient(at).catch((e: unknown) => e) as ConfinementUnsupportedError;
    expect(none.unsupported.map((u) => u.knob)).toEqual(['read', 'write']);
    expect(none.message).toMatch(/read: needs Landlock ABI 1 \(Linux 5\.13\)/);
  });

  it('before Landlock ABI 6, without childProcesses, the filter keeps signals to the worker itself', async () => {
    process.env['SANDBOX_TEST_LANDLOCK_ABI'] = '5';
    const c = await confinedClient(at);
    expect(c.pool.confinement).toMatchObject({ landlockAbi: 5, signals: 'enforced' });
    const pid = await c.pid();
    const spawner = spawnerOf(pid);
    expect(await remoteCode(c.signal(spawner, 'SIGTERM'))).toBe('EPERM');
    expect(await remoteCode(c.signal(process.pid, 'SIGTERM'))).toBe('EPERM');
    expect(await c.native(at.library, 'kill', String(spawner), false)).toBe(EPERM);
    expect(await c.native(at.library, 'kill', String(process.pid), true)).toBe(EPERM);
    // Itself it may signal (Node does: process.kill(process.pid), abort()).
    expect(await c.native(at.library, 'kill', String(pid), true)).toBe(0);
    await c.signal(pid, 'SIGCONT');
    expect(isAlive(spawner)).toBe(true);
    expect(await c.pid()).toBe(pid);
  });

  it("onUnsupported 'warn' logs the same, starts, and reports what is enforced", async () => {
    process.env['SANDBOX_TEST_LANDLOCK_ABI'] = '2';
    const logger = recordingLogger();
    const c = await confinedClient(at, { logger, confine: { read: [at.inside, at.library], onUnsupported: 'warn' } });
    expect(logger.warnings.join('\n')).toMatch(/confine is only partly enforced on this machine \(onUnsupported: 'warn'\): write: needs Landlock ABI 3/);
    expect(c.pool.confinement).toEqual({
      landlockAbi: 2, seccomp: true, noNewPrivs: true,
      read: 'enforced', write: 'unenforced', network: 'enforced', childProcesses: 'enforced', signals: 'enforced',
    });
    // What ABI 2 enforces, it enforces.
    expect(await remoteCode(c.read(at.secret))).toBe('EACCES');
    expect(await c.read(at.insideFile)).toBe('inside');
  });

  it("without Landlock, 'warn' still gets the filter: files are unenforced, sockets refused", async () => {
    process.env['SANDBOX_TEST_LANDLOCK_ABI'] = '0';
    const logger = recordingLogger();
    const c = await confinedClient(at, { logger, confine: { onUnsupported: 'warn' } });
    expect(c.pool.confinement).toMatchObject({ landlockAbi: 0, seccomp: true, read: 'unenforced', write: 'unenforced', signals: 'enforced', network: 'enforced' });
    // Unenforced means it: the report does not pretend.
    expect(await c.read(at.secret)).toBe('the secret');
    expect(await remoteCode(c.connectTcp(9))).toBe('EACCES');
  });
});

describe.runIf(process.platform === 'linux')('confine: the option', () => {
  const at = layout();

  it('a read or write path that does not exist, is relative, or is "/" is a ConfigurationError naming each', async () => {
    const error = await confinedClient(at, {
      confine: { read: [`${at.root}/missing`, 'relative/path', '/'], write: [`${at.root}/nowhere`], network: 'yes' as unknown as boolean, color: 'red' } as never,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ConfigurationError' });
    const message = (error as Error).message;
    expect(message).toMatch(/confine\.read\[0\].*missing" does not exist \(ENOENT\)/);
    expect(message).toMatch(/confine\.read\[1\].*expected an absolute path/);
    expect(message).toMatch(/confine\.read\[2\].*root directory, which would allow every file/);
    expect(message).toMatch(/confine\.write\[0\].*nowhere" does not exist/);
    expect(message).toMatch(/confine\.network.*expected true or false/);
    expect(message).toMatch(/confine\.color.*unknown option/);
  });

  it('the kernel probe finds what this machine has', () => {
    expect(kernel.kernelLandlockAbi).toBeGreaterThanOrEqual(0);
    expect(typeof kernel.seccomp).toBe('boolean');
  });
});
