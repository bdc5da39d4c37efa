// Generated code must compile under the strictest settings users run (strict,
// exactOptionalPropertyTypes, noUncheckedIndexedAccess, verbatimModuleSyntax, erasableSyntaxOnly),
// against the real runtime's declarations (dist/, from `npx tsc -p tsconfig.build.json`), with
// every TypeScript major a user is likely to have (as protobuf-es's typescript-compat does: the
// majors are devDependencies under aliases), and pass the lint rules.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../../generator/generate.js';
import { writeGenerated } from '../../generator/write.js';
import { goldenCases, root, tempDir } from './fixtures.js';
import { STRICT, STRICT_JSON } from './e2e-project.js';

const IMPLEMENTATION = `import { ICalculatorClient } from './gen/ICalculator.client.js';
import type { ICalculator, Point } from './ICalculator.js';

export default class Calculator implements ICalculator {
  add(a: number, b: number): number { return a + b; }
  async centroid(points: Point[], weights?: number[] | null): Promise<Point> {
    const w = (i: number): number => weights?.[i] ?? 1;
    const total = points.reduce((sum, _p, i) => sum + w(i), 0);
    return {
      x: points.reduce((sum, p, i) => sum + p.x * w(i), 0) / total,
      y: points.reduce((sum, p, i) => sum + p.y * w(i), 0) / total,
    };
  }
  echo(data: Uint8Array): Uint8Array { return data; }
  reset(): void {}
}

export async function use(client: ICalculatorClient): Promise<void> {
  const sum: number = await client.add(1, 2);
  const centre: Point = await client.centroid([{ x: 0, y: 0 }], null);
  const bytes: Uint8Array = await client.echo(new Uint8Array(1));
  const nothing: void = await client.reset();
  void [sum, centre, bytes, nothing];
  // @ts-expect-error: a string where the interface says number
  await client.add('1', 2);
  // @ts-expect-error: a missing argument
  await client.add(1);
  // @ts-expect-error: results are promises
  const sync: number = client.add(1, 2);
  void sync;
  await client.close();
}
`;

// The strictest options a user may compile with (shared with the end-to-end projects).
const OPTIONS: ts.CompilerOptions = { ...STRICT, noEmit: true };

/** The TypeScript majors generated code is compiled with, each through its own tsc. */
const COMPILERS = ['typescript-5', 'typescript-6', 'typescript-7'].map((name) => {
  const dir = join(root, 'node_modules', name);
  return { name, dir, version: (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version };
});

describe('generated code', () => {
  let project: string;
  let files: string[];

  beforeAll(async () => {
    for (const d of ['dist/runtime/index.d.ts', 'dist/worker-template/index.d.ts']) {
      if (!existsSync(join(root, d))) throw new Error(`${d} is missing: run "npx tsc -p tsconfig.build.json" first`);
    }
    // A project of its own that depends on process-sandbox, as a user's would.
    project = tempDir('sandbox-gen-compile-');
    mkdirSync(join(project, 'node_modules'));
    symlinkSync(root, join(project, 'node_modules/process-sandbox'), 'dir');
    writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');

    files = [];
    for (const c of goldenCases) {
      const dir = join(project, c.name);
      mkdirSync(dir);
      const input = join(dir, basename(c.input));
      copyFileSync(c.input, input);
      const result = await generate({ input, outDir: join(dir, 'gen') });
      expect(result.diagnostics).toEqual([]);
      await writeGenerated(result);
      files.push(input, ...result.files.map((f) => f.path));
    }
    const implementation = join(project, 'calculator/calculator.ts');
    writeFileSync(implementation, IMPLEMENTATION);
    files.push(implementation);
  });

  it('compiles with every strict option, beside an implementation and a caller', () => {
    const program = ts.createProgram(files, OPTIONS);
    const diagnostics = ts.getPreEmitDiagnostics(program);
    const text = ts.formatDiagnostics(diagnostics, {
      getCanonicalFileName: (f) => f, getCurrentDirectory: () => project, getNewLine: () => '\n',
    });
    expect(text).toBe('');
  });

  for (const compiler of COMPILERS) {
    it(`compiles with every strict option under TypeScript ${compiler.version} (${compiler.name})`, () => {
      const tsconfig = join(project, `tsconfig.${compiler.name}.json`);
      writeFileSync(tsconfig, JSON.stringify({ compilerOptions: { ...STRICT_JSON, noEmit: true }, files }, null, 2));
      const tsc = spawnSync(process.execPath, [join(compiler.dir, 'bin/tsc'), '-p', tsconfig, '--pretty', 'false'], { cwd: project, encoding: 'utf8', timeout: 120_000 });
      expect(`${tsc.stdout}${tsc.stderr}`).toBe('');
      expect(tsc.status).toBe(0);
    }, 120_000);
  }

  it('passes the project\'s lint rules', async () => {
    // The stamp's /* eslint-disable */ is for users' rules; ours must hold for generated code anyway.
    const eslint = new ESLint({ cwd: root, allowInlineConfig: false });
    const results = await eslint.lintFiles(goldenCases.map((c) => join(c.expected, '*.ts')));
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath}:${m.line}:${m.column} ${m.ruleId ?? ''} ${m.message}`));
    expect(problems).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(12);
  });
});
