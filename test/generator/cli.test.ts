import { execFile, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { root, tempFiles } from './fixtures.js';

const cli = join(root, 'generator/dist/cli.js');
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

const GREETER = `export interface IGreeter {
  greet(name: string): string;
}
`;

/** Runs the compiled CLI in `cwd`. */
function run(cwd: string, ...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The same, without blocking, so independent runs can overlap. */
function runAsync(cwd: string, ...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, stdout, stderr });
    });
  });
}

const mtimes = (dir: string, names: string[]): number[] => names.map((n) => statSync(join(dir, n)).mtimeMs);

describe('sandbox-gen CLI', () => {
  beforeAll(() => {
    if (!existsSync(cli)) throw new Error(`${cli} is missing: run "npx tsc -p tsconfig.build.json" first`);
  });

  const generated = ['IGreeter.client.ts', 'IGreeter.codec.ts', 'IGreeter.worker.ts'];

  it('writes the three files next to the input, then rewrites nothing while they are fresh', async () => {
    const dir = tempFiles({ 'IGreeter.ts': GREETER });
    const first = run(dir, 'IGreeter.ts');
    expect(first.code, first.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['IGreeter.ts', ...generated].sort());
    expect(first.stdout).toContain('wrote IGreeter.client.ts');
    expect(readFileSync(join(dir, 'IGreeter.client.ts'), 'utf8')).toContain("from './IGreeter.js'");

    const before = mtimes(dir, generated);
    await new Promise((r) => setTimeout(r, 20)); // so a rewrite would show in the mtime
    const second = run(dir, 'IGreeter.ts');
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('up to date');
    expect(mtimes(dir, generated)).toEqual(before);
  });

  it('--check exits 0 when fresh and 1 when stale or missing, and writes nothing', () => {
    const dir = tempFiles({ 'IGreeter.ts': GREETER });
    const missing = run(dir, 'IGreeter.ts', '-o', 'gen', '--check');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/missing +gen\/IGreeter\.client\.ts/);
    expect(missing.stderr).toContain('sandbox-gen IGreeter.ts -o gen');
    expect(existsSync(join(dir, 'gen'))).toBe(false);

    expect(run(dir, 'IGreeter.ts', '-o', 'gen').code).toBe(0);
    const fresh = run(dir, 'IGreeter.ts', '-o', 'gen', '--check');
    expect(fresh.code, fresh.stderr).toBe(0);

    writeFileSync(join(dir, 'IGreeter.ts'), GREETER.replace('name: string', 'name: string, loud?: boolean'));
    const before = readFileSync(join(dir, 'gen/IGreeter.codec.ts'), 'utf8');
    const stale = run(dir, 'IGreeter.ts', '-o', 'gen', '--check');
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(/stale +gen\/IGreeter\.codec\.ts/);
    expect(stale.stderr).toContain('refresh with:\n  sandbox-gen IGreeter.ts -o gen');
    expect(readFileSync(join(dir, 'gen/IGreeter.codec.ts'), 'utf8')).toBe(before);
  });

  it('exits 1 with located diagnostics and writes nothing when the interface cannot be generated', () => {
    const dir = tempFiles({ 'IGreeter.ts': 'export interface IGreeter {\n  greet(done: () => void): void;\n}\n' });
    const r = run(dir, 'IGreeter.ts');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('IGreeter.ts:2:15 - error SG0001: IGreeter.greet: parameter "done"');
    expect(r.stderr).toContain('2 |   greet(done: () => void): void;');
    expect(r.stderr).toContain('no files written');
    expect(readdirSync(dir)).toEqual(['IGreeter.ts']);
  });

  it('exits 2 on usage and I/O errors', async () => {
    const dir = tempFiles({ 'IGreeter.ts': GREETER });
    const [none, unknown, missing] = await Promise.all([
      runAsync(dir), runAsync(dir, 'IGreeter.ts', '--no-such-option'), runAsync(dir, 'INope.ts'),
    ]);
    expect(none.code).toBe(2);
    expect(unknown.code).toBe(2);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('cannot read INope.ts');
  });

  it('--version prints the package version; --help prints usage', async () => {
    const dir = tempFiles({});
    const [v, h] = await Promise.all([runAsync(dir, '--version'), runAsync(dir, '--help')]);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(version);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('Usage: sandbox-gen [options] [input]');
    expect(h.stdout).toContain('--watch');
    expect(h.stdout).toContain('--config');
    expect(h.stdout).toContain('--check');
  });
});
