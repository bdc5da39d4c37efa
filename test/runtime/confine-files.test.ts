/**
 * A confined worker reads only what it needs to run and `read`, and writes only under `write`,
 * whether it tries through JavaScript (on its main thread or on libuv's thread pool) or through
 * native code (from the calling thread or from a thread it creates): the kernel answers EACCES,
 * the caller gets a RemoteError with that code, and the worker keeps serving.
 */
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RemoteError } from 'process-sandbox';
import { confinable, confinedClient, EACCES, layout, remoteCode } from './confine-harness.js';

describe.runIf(confinable)('confine: files', () => {
  const at = layout();

  it('a secret outside read cannot be read, by JavaScript or native code, on any thread; inside read it can', async () => {
    const c = await confinedClient(at);
    const pid = await c.pid();
    const error = await c.read(at.secret).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect(error).toMatchObject({ remoteCode: 'EACCES' });
    // libuv's thread pool: its threads existed before user code loaded (the worker's self-check
    // used the pool), and they are confined all the same.
    expect(await remoteCode(c.readPooled(at.secret))).toBe('EACCES');
    expect(await c.native(at.library, 'open', at.secret, false)).toBe(EACCES);
    expect(await c.native(at.library, 'open', at.secret, true)).toBe(EACCES);
    // The application's own files, beside the worker's, stay out of reach too.
    expect(await remoteCode(c.read(join(process.cwd(), 'package-lock.json')))).toBe('EACCES');

    expect(await c.read(at.insideFile)).toBe('inside');
    expect(await c.readPooled(at.insideFile)).toBe('inside');
    expect(await c.native(at.library, 'open', at.insideFile, false)).toBe(0);
    expect(await c.native(at.library, 'open', at.insideFile, true)).toBe(0);
    // Every violation was an error inside the worker, never a crash.
    expect(await c.pid()).toBe(pid);
  });

  it('preloads, from execArgv or from NODE_OPTIONS in the pool\'s env, run confined: never before the confinement', async () => {
    // Each start of the preload tries the secret and logs what it got, from whichever image runs it.
    const preload = join(at.inside, 'preload.cjs');
    const log = join(at.writable, 'preload.log');
    writeFileSync(preload, `let got;
try { require('node:fs').readFileSync(${JSON.stringify(at.secret)}); got = 'read'; } catch (e) { got = e.code; }
require('node:fs').appendFileSync(${JSON.stringify(log)}, process.env.PRELOAD_TAG + ' ' + got + '\\n');
`);
    for (const [tag, config] of [
      ['execArgv', { execArgv: ['--require', preload], env: { PATH: process.env['PATH'], PRELOAD_TAG: 'execArgv' } }],
      ['NODE_OPTIONS', { env: { PATH: process.env['PATH'], PRELOAD_TAG: 'NODE_OPTIONS', NODE_OPTIONS: `--require ${preload}` } }],
    ] as const) {
      const c = await confinedClient(at, config);
      expect(await c.add(1, 2)).toBe(3);
      await c.close();
      // Once per worker, in its second image, and confined there.
      const lines = readFileSync(log, 'utf8').split('\n').filter((line) => line.startsWith(`${tag} `));
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((line) => line === `${tag} EACCES`)).toBe(true);
    }
  });

  it('writing, renaming, truncating and chmod outside write fails; inside write it works', async () => {
    chmodSync(at.secret, 0o600);
    const c = await confinedClient(at);
    const pid = await c.pid();
    const planted = join(at.outside, 'planted.txt');
    expect(await remoteCode(c.write(planted, 'x'))).toBe('EACCES');
    expect(await c.native(at.library, 'create', planted, false)).toBe(EACCES);
    expect(await c.native(at.library, 'create', planted, true)).toBe(EACCES);
    expect(existsSync(planted)).toBe(false);
    expect(await remoteCode(c.rename(at.secret, join(at.outside, 'moved.txt')))).toBe('EACCES');
    expect(await remoteCode(c.truncate(at.secret))).toBe('EACCES');
    expect(readFileSync(at.secret, 'utf8')).toBe('the secret');
    // Metadata too, which Landlock does not handle (the filter refuses chmod by path).
    expect(await remoteCode(c.chmod(at.secret, 0o644))).toBe('EPERM');
    expect(statSync(at.secret).mode & 0o777).toBe(0o600);
    // Readable is not writable.
    expect(await remoteCode(c.write(join(at.inside, 'planted.txt'), 'x'))).toBe('EACCES');
    expect(await remoteCode(c.truncate(at.insideFile))).toBe('EACCES');

    const file = join(at.writable, 'out.txt');
    await c.write(file, 'written');
    expect(readFileSync(file, 'utf8')).toBe('written');
    await c.rename(file, join(at.writable, 'renamed.txt'));
    await c.truncate(join(at.writable, 'renamed.txt'));
    expect(readFileSync(join(at.writable, 'renamed.txt'), 'utf8')).toBe('');
    expect(await c.native(at.library, 'create', join(at.writable, 'native.txt'), true)).toBe(0);
    expect(existsSync(join(at.writable, 'native.txt'))).toBe(true);
    writeFileSync(join(at.writable, 'from-test.txt'), 'the test wrote this');
    expect(await c.read(join(at.writable, 'from-test.txt'))).toBe('the test wrote this');
    expect(await c.pid()).toBe(pid);
  });
});
