import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { watchTargets } from '../../generator/watch.js';
import { tempFiles } from './fixtures.js';

/** The fs.watch handles this process holds. */
const folderWatches = (): number => process.getActiveResourcesInfo().filter((r) => r === 'FSEventWrap').length;

describe('watchTargets', () => {
  it('watches nothing once closed, even when close() came while a run was going on', async () => {
    const dir = tempFiles({ 'IGreeter.ts': 'export interface IGreeter {\n  greet(): string;\n}\n' });
    const input = join(dir, 'IGreeter.ts');
    const before = folderWatches();
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => { release = resolve; });
    const watcher = await watchTargets([{ input, outDir: join(dir, 'gen') }], async () => {
      runs++;
      if (runs === 2) await gate;
      return [];
    }, 10);
    expect(runs).toBe(1);
    expect(folderWatches()).toBe(before + 1);
    // A change starts the second run, which waits at the gate; the watcher closes meanwhile.
    writeFileSync(input, 'export interface IGreeter {\n  greet(name: string): string;\n}\n');
    const end = Date.now() + 10_000;
    while (runs < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    expect(runs).toBe(2);
    watcher.close();
    release();
    await new Promise((r) => setTimeout(r, 50));
    // The run that ended after close() must not have watched its folder again (the process would never exit).
    expect(folderWatches()).toBe(before);
  });
});
