import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const module = fileURLToPath(new URL('../../dist/runtime/compile-cache.js', import.meta.url));
const uid = process.getuid!();
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What withCompileCache makes of `env`, in a fresh process whose temporary directory is `tmp`. */
function workersEnv(tmp: string, env: Record<string, string> = {}): Record<string, string | undefined> {
  const script = `const { withCompileCache } = await import(${JSON.stringify(module)}); process.stdout.write(JSON.stringify(await withCompileCache(${JSON.stringify(env)})));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, TMPDIR: tmp }, encoding: 'utf8' })) as Record<string, string | undefined>;
}

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'compile-cache-test-'));
  made.push(dir);
  return dir;
}

describe.runIf(process.platform !== 'win32')('the workers\' compile cache', () => {
  it('is a directory of this user\'s alone (0700), named in NODE_COMPILE_CACHE', () => {
    const tmp = scratch();
    const env = workersEnv(tmp, { KEEP: 'me' });
    const dir = join(tmp, `process-sandbox-compile-cache-${uid}`);
    expect(env).toEqual({ KEEP: 'me', NODE_COMPILE_CACHE: dir });
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('is not used when someone else could write to the directory: its entries are code the workers run', () => {
    const tmp = scratch();
    const dir = join(tmp, `process-sandbox-compile-cache-${uid}`);
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    expect(workersEnv(tmp)).toEqual({});
  });

  it('leaves an environment that chooses for itself as it is', () => {
    const tmp = scratch();
    expect(workersEnv(tmp, { NODE_COMPILE_CACHE: '/elsewhere' })).toEqual({ NODE_COMPILE_CACHE: '/elsewhere' });
    expect(workersEnv(tmp, { NODE_DISABLE_COMPILE_CACHE: '1' })).toEqual({ NODE_DISABLE_COMPILE_CACHE: '1' });
  });
});
