/**
 * With `childProcesses` left false, a confined worker starts no program: child_process fails,
 * and native execve (even of the Node.js binary, which the worker may execute to start) and fork
 * fail from the calling thread and from a new thread. It cannot signal processes outside its own
 * either: not its spawner (its parent), not the application.
 */
import { realpathSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAlive, spawnerOf } from '../helpers.js';
import { confinable, confinedClient, EACCES, EPERM, layout, remoteCode } from './confine-harness.js';

describe.runIf(confinable)('confine: programs and signals', () => {
  const at = layout();

  it('child_process, native execve and native fork fail, and the worker keeps serving', async () => {
    const c = await confinedClient(at);
    const pid = await c.pid();
    expect(await remoteCode(c.run('/bin/true'))).toBe('EPERM');
    expect(await remoteCode(c.run(process.execPath))).toBe('EPERM');
    // Had it worked, the worker would now be that program, and the next call would find it gone.
    expect(await c.native(at.library, 'execve', process.execPath, false)).toBe(EACCES);
    expect(await c.native(at.library, 'execve', process.execPath, true)).toBe(EACCES);
    expect(await c.native(at.library, 'fork', '', false)).toBe(EPERM);
    expect(await c.native(at.library, 'fork', '', true)).toBe(EPERM);
    expect(await c.pid()).toBe(pid);
  });

  it('the parent and the application cannot be signalled', async () => {
    const c = await confinedClient(at);
    const pid = await c.pid();
    const spawner = spawnerOf(pid);
    expect(await c.parentPid()).toBe(spawner);
    expect(await remoteCode(c.signal(spawner, 'SIGTERM'))).toBe('EPERM');
    expect(await remoteCode(c.signal(process.pid, 'SIGTERM'))).toBe('EPERM');
    expect(await c.native(at.library, 'kill', String(spawner), false)).toBe(EPERM);
    expect(await c.native(at.library, 'kill', String(process.pid), true)).toBe(EPERM);
    expect(isAlive(spawner)).toBe(true);
    expect(await c.pid()).toBe(pid);
  });

  it('with childProcesses: true a program named in read runs', async () => {
    const program = realpathSync('/bin/true');
    const c = await confinedClient(at, { confine: { read: [program], childProcesses: true } });
    expect(c.pool.confinement).toMatchObject({ childProcesses: 'allowed', read: 'enforced' });
    expect(await c.run(program)).toBe('');
  });
});
