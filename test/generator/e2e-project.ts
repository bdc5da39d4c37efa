// Builds a throwaway project the way a user's build does: copy the interface and its
// implementation in, run sandbox-gen, compile everything with tsc under the strictest options,
// and hand back the compiled paths. The project depends on process-sandbox through a
// node_modules link, so worker processes resolve the library as an installed package.
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import ts from 'typescript';
import { expect } from 'vitest';
import { generate, type GenerateOptions } from '../../generator/generate.js';
import { writeGenerated } from '../../generator/write.js';
import { root, tempDir } from './fixtures.js';

/**
 * The strictest options a user may compile with, as a tsconfig.json's compilerOptions, so that
 * every TypeScript the tests compile with (the project's own through its API, other majors
 * through their tsc) reads the same text.
 */
export const STRICT_JSON = {
  target: 'ES2022',
  lib: ['ES2023', 'ESNext.Disposable'],
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  exactOptionalPropertyTypes: true,
  noUncheckedIndexedAccess: true,
  noImplicitOverride: true,
  noImplicitReturns: true,
  noUnusedLocals: true,
  noUnusedParameters: true,
  verbatimModuleSyntax: true,
  isolatedModules: true,
  // Generated code must run under Node's type stripping (`node app.ts`) as it is.
  erasableSyntaxOnly: true,
  skipLibCheck: true,
  types: ['node'],
  typeRoots: [join(root, 'node_modules/@types')],
} as const;

export const STRICT: ts.CompilerOptions = ts.convertCompilerOptionsFromJson(STRICT_JSON, root).options;

export interface BuiltProject {
  readonly dir: string;
  /** Absolute path of the compiled file for a source file name of the project (`gen/IFoo.client.ts` → `…/dist/gen/IFoo.client.js`). */
  js(source: string): string;
}

/**
 * Copies `sources` (absolute paths) into a fresh project, generates from `input` (a base name of
 * one of them) into `gen/`, adds `extra` files (name → text), and compiles the lot to `dist/`.
 * Fails the calling test on any diagnostic of sandbox-gen (warnings listed in `allowWarnings`
 * aside) or of tsc. `compilerOptions` override STRICT.
 */
export async function buildProject(
  sources: readonly string[], input: string, extra: Record<string, string> = {},
  options: Partial<GenerateOptions> & { allowWarnings?: readonly string[]; compilerOptions?: ts.CompilerOptions } = {},
): Promise<BuiltProject> {
  const dir = tempDir('sandbox-gen-e2e-');
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules/process-sandbox'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const source of sources) copyFileSync(source, join(dir, basename(source)));
  for (const [name, text] of Object.entries(extra)) writeFileSync(join(dir, name), text);

  const { allowWarnings = [], compilerOptions = {}, ...generateOptions } = options;
  const result = await generate({ input: join(dir, input), outDir: join(dir, 'gen'), ...generateOptions });
  expect(result.diagnostics.filter((d) => !allowWarnings.includes(d.id))).toEqual([]);
  await writeGenerated(result);

  const files = [...sources.map((s) => join(dir, basename(s))), ...Object.keys(extra).map((n) => join(dir, n)), ...result.files.map((f) => f.path)];
  const program = ts.createProgram(files, { ...STRICT, ...compilerOptions, outDir: join(dir, 'dist'), rootDir: dir });
  const emitted = program.emit();
  const diagnostics = [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics];
  const text = ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => '\n' });
  expect(text).toBe('');
  return { dir, js: (source) => join(dir, 'dist', source.replace(/\.ts$/, '.js')) };
}
