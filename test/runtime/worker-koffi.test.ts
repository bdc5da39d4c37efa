import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const native = fileURLToPath(new URL('../../dist/runtime/koffi-loader.js', import.meta.url));

/**
 * The worker loads koffi's native module by path (runtime/koffi-loader.ts), not through
 * koffi's entry, which costs every worker start 10–25 ms more. In a fresh process, as a worker.
 */
describe.runIf(process.platform === 'linux')('koffi in the worker', () => {
  it('is its native module, found without koffi\'s entry, working, and the same instance an implementation gets from import(\'koffi\') later', () => {
    const script = `
      const m = await import(${JSON.stringify(native)});
      const koffi = await m.loadKoffi();
      const getpid = koffi.load('libc.so.6').func('int getpid()');
      const { default: imported } = await import('koffi');
      process.stdout.write(JSON.stringify({ from: m.koffiLoadedFrom, ownPid: getpid() === process.pid, same: imported === koffi }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) })) as { from: string; ownPid: boolean; same: boolean };
    expect(out.from).toBe('native module');
    expect(out.ownPid).toBe(true);
    // One instance: koffi's own loader found the module in Node's cache.
    expect(out.same).toBe(true);
  });
});
