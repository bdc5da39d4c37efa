import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configTargets } from '../../generator/config.js';
import { root, tempFiles } from './fixtures.js';
import { watchProcess } from './watch-process.js';

const cli = join(root, 'generator/dist/cli.js');

function run(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GREETER = 'export interface IGreeter {\n  greet(name: string): string;\n}\n';

describe('sandbox.config.json', () => {
  it('is found upward from the working directory; paths are relative to it; --check uses it too', () => {
    const dir = tempFiles({
      'IGreeter.ts': GREETER,
      'sandbox.config.json': JSON.stringify({ inputs: [{ input: 'IGreeter.ts', out: 'gen' }], importExtension: '.js' }),
    });
    mkdirSync(join(dir, 'sub'));
    const r = run(join(dir, 'sub'));
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, 'gen/IGreeter.client.ts'))).toBe(true);
    expect(run(join(dir, 'sub'), '--check').code).toBe(0);

    writeFileSync(join(dir, 'IGreeter.ts'), GREETER.replace('name: string', 'name: string, loud?: boolean'));
    const stale = run(dir, '--check');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('refresh with:\n  sandbox-gen\n');

    const named = run(tempFiles({}), '-c', join(dir, 'sandbox.config.json'), '--check');
    expect(named.code).toBe(1);
    expect(named.stderr).toContain(`sandbox-gen -c ${join(dir, 'sandbox.config.json')}`);
  });

  it('refuses a bad config file, or none, with exit 2', () => {
    const none = run(tempFiles({}));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no sandbox.config.json found');
    const bad = run(tempFiles({ 'sandbox.config.json': '{ "inputs": [{ "input": "a.ts", "outt": "x" }] }' }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('inputs[0]: unknown option "outt"');
    expect(() => configTargets({ inputs: [] }, '/p')).toThrow('"inputs" must be a non-empty array');
    expect(configTargets({ out: 'gen', inputs: ['src/I.ts', { input: 'I2.ts', interface: 'IB', out: 'other' }] }, '/p')).toEqual([
      { input: '/p/src/I.ts', outDir: '/p/gen', interfaceName: undefined, importExtension: undefined, tsconfig: undefined },
      { input: '/p/I2.ts', outDir: '/p/other', interfaceName: 'IB', importExtension: undefined, tsconfig: undefined },
    ]);
  });
});

describe('--watch', () => {
  it('regenerates when the input or a file it imports changes, and survives a syntax error', async () => {
    const dir = tempFiles({
      'IGreeter.ts': "import type { Name } from './types.js';\nexport interface IGreeter {\n  greet(name: Name): string;\n}\n",
      'types.ts': 'export type Name = string;\n',
    });
    const watch = watchProcess(dir, ['IGreeter.ts', '-o', 'gen']);
    const { until } = watch;
    const codec = (): string => readFileSync(join(dir, 'gen/IGreeter.codec.ts'), 'utf8');
    try {
      await until(() => watch.stdout().includes('watching'), 'the first run');
      expect(codec()).toContain("issue('string'");

      writeFileSync(join(dir, 'types.ts'), 'export type Name = number;\n'); // an imported file
      await until(() => existsSync(join(dir, 'gen/IGreeter.codec.ts')) && codec().includes("issue('number'"), 'a run after types.ts changed');

      writeFileSync(join(dir, 'IGreeter.ts'), 'export interface IGreeter {\n  greet(name: ): string;\n}\n'); // mid-edit
      await until(() => watch.stderr().includes('SG0014'), 'the syntax error');
      expect(watch.child.exitCode).toBeNull();

      writeFileSync(join(dir, 'IGreeter.ts'), 'export interface IGreeter {\n  greet(name: boolean): string;\n}\n');
      await until(() => codec().includes("issue('boolean'"), 'a run after the fix');
    } finally {
      await watch.stop();
    }
    expect(watch.child.exitCode).toBe(0);
  });
});
