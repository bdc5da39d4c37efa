import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkGenerated, generate, writeGenerated } from '../../generator/index.js';
import { tempFiles } from './fixtures.js';

const SOURCE = 'export interface IPing {\n  ping(): number;\n}\n';

describe('generate and writeGenerated', () => {
  it('generate writes nothing; writeGenerated writes only what changed', async () => {
    const dir = tempFiles({ 'IPing.ts': SOURCE });
    const result = await generate({ input: join(dir, 'IPing.ts'), outDir: join(dir, 'out') });
    expect(result.files.map((f) => f.path)).toEqual(['client', 'worker', 'codec'].map((k) => join(dir, 'out', `IPing.${k}.ts`)));
    expect(readdirSync(dir)).toEqual(['IPing.ts']);
    expect(await checkGenerated(result)).toEqual(result.files.map((f) => ({ path: f.path, state: 'missing' })));

    expect(await writeGenerated(result)).toEqual(result.files.map((f) => f.path));
    expect(await writeGenerated(result)).toEqual([]);
    expect(await checkGenerated(result)).toEqual([]);
    expect(readFileSync(join(dir, 'out/IPing.client.ts'), 'utf8')).toContain("import type { IPing } from '../IPing.js';");
  });

  it('honours importExtension and interfaceName', async () => {
    const dir = tempFiles({ 'IPing.ts': `${SOURCE}export interface IPong {\n  pong(): number;\n}\n` });
    const result = await generate({ input: join(dir, 'IPing.ts'), interfaceName: 'IPong', importExtension: '.ts' });
    expect(result.files.map((f) => f.path.slice(dir.length + 1))).toEqual(['IPong.client.ts', 'IPong.worker.ts', 'IPong.codec.ts']);
    expect(result.files[0]!.content).toContain("import type { IPong } from './IPing.ts';");
    expect(result.files[0]!.content).toContain("from './IPong.codec.ts';");
  });

  it('refuses to write a result with errors', async () => {
    const dir = tempFiles({ 'IPing.ts': 'export interface IPing {\n  ping(cb: () => void): void;\n}\n' });
    const result = await generate({ input: join(dir, 'IPing.ts') });
    expect(result.files).toEqual([]);
    await expect(writeGenerated(result)).rejects.toThrow(/generation reported errors/);
  });
});
