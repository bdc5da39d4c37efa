import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../generator/generate.js';
import { writeGenerated } from '../../generator/write.js';
import { goldenCases, UPDATE_COMMAND } from './fixtures.js';

const update = process.env['UPDATE_GOLDEN'] === '1';

describe('golden fixtures', () => {
  for (const c of goldenCases) {
    it(`${c.name}: generated files match test/fixtures/${c.name}/expected`, async () => {
      const result = await generate({ input: c.input, outDir: c.expected });
      expect(result.diagnostics).toEqual([]);
      const expectedNames = result.files.map((f) => basename(f.path)).sort();

      if (update) {
        await writeGenerated(result);
        for (const name of readdirSync(c.expected)) {
          if (!expectedNames.includes(name)) rmSync(join(c.expected, name));
        }
        return;
      }

      const onDisk = existsSync(c.expected) ? readdirSync(c.expected).sort() : [];
      expect(onDisk, `files in ${c.expected} drifted; refresh with: ${UPDATE_COMMAND}`).toEqual(expectedNames);
      for (const file of result.files) {
        expect(file.content, `${file.path} drifted; refresh with: ${UPDATE_COMMAND}`).toBe(readFileSync(file.path, 'utf8'));
      }
    });
  }
});
