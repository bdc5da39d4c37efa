#!/usr/bin/env node
// Generation time for an interface of 200 methods over 50 shared types (spread over two files,
// one importing the other), through the compiled CLI as a build runs it: a cold generation,
// --check on fresh files, and a warm run of generate() in one process (what --watch and
// build tools that call the API pay after the first run).
//
// Needs a build (npx tsc -p tsconfig.build.json). Run: node test/generator/bench-generate.mjs [--json]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cli = join(root, 'generator/dist/cli.js');
const TYPES = 50;
const METHODS = 200;
const RUNS = 5;

const dir = mkdtempSync(join(tmpdir(), 'sandbox-gen-bench-gen-'));
try {
  writeFileSync(join(dir, 'types.ts'), typesFile());
  writeFileSync(join(dir, 'IBig.ts'), serviceFile());

  const cliMs = (...args) => {
    const start = performance.now();
    execFileSync(process.execPath, [cli, 'IBig.ts', '-o', 'gen', ...args], { cwd: dir, stdio: 'ignore' });
    return performance.now() - start;
  };
  const generateMs = [];
  const checkMs = [];
  for (let i = 0; i < RUNS; i++) {
    rmSync(join(dir, 'gen'), { recursive: true, force: true });
    generateMs.push(cliMs());
    checkMs.push(cliMs('--check'));
  }

  const { generate } = await import(pathToFileURL(join(root, 'generator/dist/generate.js')).href);
  const inProcess = [];
  let files = 0;
  let bytes = 0;
  for (let i = 0; i < RUNS + 1; i++) {
    const start = performance.now();
    const result = await generate({ input: join(dir, 'IBig.ts'), outDir: join(dir, 'gen') });
    inProcess.push(performance.now() - start);
    if (result.diagnostics.length > 0) throw new Error(`unexpected diagnostics: ${result.diagnostics.map((d) => d.message).join('; ')}`);
    files = result.files.length;
    bytes = result.files.reduce((n, f) => n + f.content.length, 0);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const out = {
    methods: METHODS,
    types: TYPES,
    generatedFiles: files,
    generatedBytes: bytes,
    cliGenerateMs: Math.round(median(generateMs)),
    cliCheckMs: Math.round(median(checkMs)),
    apiFirstMs: Math.round(inProcess[0]),
    apiWarmMs: Math.round(median(inProcess.slice(1))),
  };
  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    process.stdout.write([
      `sandbox-gen on ${METHODS} methods over ${TYPES} shared types (${files} files, ${(bytes / 1024).toFixed(0)} KiB generated), median of ${RUNS}:`,
      `  sandbox-gen IBig.ts             ${out.cliGenerateMs} ms  (a fresh process, as a build runs it)`,
      `  sandbox-gen IBig.ts --check     ${out.cliCheckMs} ms`,
      `  generate() first call           ${out.apiFirstMs} ms  (in a process that has loaded the generator)`,
      `  generate() later calls          ${out.apiWarmMs} ms  (what --watch pays per change)`,
      '',
    ].join('\n'));
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function typesFile() {
  const lines = ['export enum Status { Active = \'active\', Closed = \'closed\' }'];
  for (let t = 0; t < TYPES; t++) {
    const ref = t > 0 ? `  parent?: Type${t - 1} | null;\n` : '';
    lines.push(`export interface Type${t} {
  id: string;
  count: number;
  big: bigint;
  when: Date;
  status: Status;
  tags: readonly string[];
  scores: Map<string, number>;
  data?: Uint8Array;
  kind: 'a' | 'b' | 'c';
${ref}}`);
  }
  lines.push('export type Page<T> = { items: T[]; total: number; next?: string };');
  return `${lines.join('\n\n')}\n`;
}

function serviceFile() {
  const names = Array.from({ length: TYPES }, (_, t) => `Type${t}`);
  const lines = [`import type { ${names.join(', ')}, Page } from './types.js';`, '', 'export interface IBig {'];
  for (let m = 0; m < METHODS; m++) {
    const a = `Type${m % TYPES}`;
    const b = `Type${(m * 7) % TYPES}`;
    lines.push(`  /** Method ${m}. */`);
    lines.push(m % 3 === 0
      ? `  method${m}(first: ${a}, second?: ${b}[] | null): Promise<Page<${a}>>;`
      : m % 3 === 1
        ? `  method${m}(byId: Map<string, ${a}>, flag: boolean): ${b} | undefined;`
        : `  method${m}(items: Partial<${a}>[], limit: number): Promise<[${b}, number]>;`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
