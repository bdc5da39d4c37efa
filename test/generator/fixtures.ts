/** Paths and small helpers shared by the generator tests. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const fixturesDir = join(root, 'test/fixtures');

/** The golden cases: `test/fixtures/<case>/input/<one .ts file>` and `expected/`. */
export const goldenCases = ['calculator', 'shapes', 'two-interfaces', 'streams', 'unions'].map((name) => {
  const dir = join(fixturesDir, name);
  const inputFile = readdirSync(join(dir, 'input')).find((f) => f.endsWith('.ts'))!;
  return { name, input: join(dir, 'input', inputFile), expected: join(dir, 'expected') };
});

export const UPDATE_COMMAND = 'UPDATE_GOLDEN=1 npx vitest run test/generator';

const temps: string[] = [];
afterAll(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary folder, removed after the test file. */
export function tempDir(prefix = 'sandbox-gen-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** Writes `files` (name → contents) into a fresh temporary folder; returns the folder. */
export function tempFiles(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}
