// sandbox-gen reads interfaces with the TypeScript that ts-morph bundles (@ts-morph/common ships
// its own copy), not with the project's or the user's: docs/build-integration.md says which, and
// this test says when that changes. A user's tsconfig written for TypeScript 5 must still be read.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { generate } from '../../generator/generate.js';
import { tempDir } from './fixtures.js';

describe('the TypeScript that reads the interface', () => {
  it('is the one ts-morph bundles, TypeScript 6.0 (update docs/build-integration.md when this changes)', () => {
    expect(ts.versionMajorMinor).toBe('6.0');
  });

  it('reads a tsconfig written for TypeScript 5: moduleResolution node and baseUrl with paths, which 6.0 deprecates', async () => {
    const dir = tempDir('sandbox-gen-ts5-config-');
    mkdirSync(join(dir, 'src/models'), { recursive: true });
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2019', module: 'commonjs', moduleResolution: 'node', baseUrl: '.', paths: { '@models/*': ['src/models/*'] }, strict: true },
    }));
    writeFileSync(join(dir, 'src/models/point.ts'), 'export interface Point { x: number; y: number }\n');
    writeFileSync(join(dir, 'src/IGeo.ts'), "import type { Point } from '@models/point';\nexport interface IGeo { move(p: Point, by: number): Point }\n");

    const result = await generate({ input: join(dir, 'src/IGeo.ts'), outDir: join(dir, 'gen') });
    expect(result.diagnostics).toEqual([]);
    const codec = result.files.find((f) => f.path.endsWith('IGeo.codec.ts'))!.content;
    // The checker followed the path mapping to the declaration: Point's fields are validated.
    expect(codec).toContain("if (typeof v['x'] !== 'number')");
    expect(result.sources).toContain(join(dir, 'src/models/point.ts'));
  });
});
