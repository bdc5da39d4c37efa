// A new user's project (test/consumer): depends on process-sandbox through a file: link, runs
// sandbox-gen in its build script (from sandbox.config.json), compiles with tsc and calls a
// worker. It is copied to a temporary folder first, so its node_modules and build output never
// land in the repository; the file: links are made absolute for the copy.
import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root, tempDir } from './fixtures.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('a consumer package', () => {
  it('installs the library through file:, generates in its build, compiles and calls a worker', () => {
    const dir = tempDir('sandbox-consumer-');
    cpSync(join(root, 'test/consumer'), dir, { recursive: true, filter: (src) => !/node_modules|dist|generated/.test(src.slice(root.length)) });
    const pkgPath = join(dir, 'package.json');
    const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as Record<string, Record<string, string>>;
    for (const deps of [pkg['dependencies']!, pkg['devDependencies']!]) {
      for (const [name, spec] of Object.entries(deps)) deps[name] = spec.replace('file:../..', `file:${root}`);
    }
    writeFileSync(pkgPath, `${JSON.stringify(pkg, null, 2)}\n`);

    const run = (...args: string[]): string => execFileSync(npm, args, {
      cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
    });
    run('install', '--offline', '--no-package-lock');
    const build = run('run', 'build');
    expect(build).toContain('wrote src/generated/IInventory.client.ts');
    expect(run('run', 'check')).toContain('up to date');

    const lines = run('start').trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1]!)).toEqual({
      count: 2,
      found: ['b-2'],
      stockIsBigint: true,
      stock: '18446744073709551616',
      updatedIsDate: true,
      updated: '2024-05-02T11:00:00.000Z',
      photoIsBuffer: true,
      photo: 'png',
      ranElsewhere: true,
    });
  }, 120_000);
});
