#!/usr/bin/env node
// Validation cost against msgpackr's own cost of the same values: the generated validators of a
// realistic interface (test/generator/e2e/IRealistic.ts) next to encodeFrame/decodeBody (the
// codec every call goes through), and next to msgpackr without records (plain maps), to show
// what the records the codec uses buy in frame size and time.
//
// Needs a build (npx tsc -p tsconfig.build.json). Run: node test/generator/bench-validation.mjs
// Prints one table, and JSON with --json.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Packr, Unpackr } from 'msgpackr';
import ts from 'typescript';

const root = fileURLToPath(new URL('../../', import.meta.url));
const { generate } = await import(pathToFileURL(join(root, 'generator/dist/generate.js')).href);
const { encodeFrame, decodeBody } = await import(pathToFileURL(join(root, 'dist/runtime/protocol/frames.js')).href);
const { checkArguments, checkResult } = await import(pathToFileURL(join(root, 'dist/runtime/service.js')).href);

// Generate the codec and load it as a user's compiled code would be loaded.
const dir = mkdtempSync(join(tmpdir(), 'sandbox-gen-bench-'));
try {
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(root, join(dir, 'node_modules/process-sandbox'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  for (const f of ['IRealistic.ts', 'models.ts']) copyFileSync(join(root, 'test/generator/e2e', f), join(dir, f));
  const result = await generate({ input: join(dir, 'IRealistic.ts'), interfaceName: 'IRealistic', outDir: dir });
  const codec = result.files.find((f) => f.path.endsWith('.codec.ts'));
  const js = ts.transpileModule(codec.content, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
  writeFileSync(join(dir, 'codec.js'), js);
  const { IRealisticService: service } = await import(pathToFileURL(join(dir, 'codec.js')).href);
  const method = (name) => service.methods.find((m) => m.name === name);

  const person = (i) => ({
    id: BigInt(i) * 1_000_003n,
    name: `Person ${i}`,
    born: new Date(1_000_000_000_000 + i * 86_400_000),
    role: i % 2 === 0 ? 'admin' : 'member',
    address: i % 3 === 0 ? null : { street: `${i} Main Street`, city: 'Springfield', zip: String(10_000 + i) },
    tags: ['a', 'b', `t${i % 7}`],
  });
  const cases = [
    { name: 'person (one object, 6 fields)', method: 'person', args: [person(1)] },
    { name: 'page of 100 persons', method: 'page', args: [{ items: Array.from({ length: 100 }, (_, i) => person(i)), total: 100, next: 'x' }] },
    { name: 'tree, 3 levels x 8', method: 'tree', args: [tree(3, 8)] },
    { name: 'Map<bigint, Person> of 100', method: 'maps', args: [new Map([['a', 1]]), new Map(Array.from({ length: 100 }, (_, i) => [BigInt(i), person(i)])), new Map([[1, ['x']]])] },
    { name: 'numbers: bigint[] of 1000', method: 'bigints', args: [Array.from({ length: 1000 }, (_, i) => BigInt(i) ** 3n), 1n] },
    // The second member of a discriminated union: trying members in turn fails the first on the way.
    { name: 'shape: union, 2nd member (rect)', method: 'shape', args: [{ kind: 'rect', width: 2, height: 3 }] },
    { name: 'binary: 6 typed arrays, 64 KiB', method: 'binary', args: [new Uint8Array(65536), Buffer.alloc(65536), new ArrayBuffer(65536), new Float64Array(8192), new Int16Array(32768), new BigInt64Array(8192)] },
  ];

  const maps = { packr: new Packr({ useRecords: false, moreTypes: true, useBigIntExtension: true, structuredClone: false }), unpackr: new Unpackr({ useRecords: false, mapsAsObjects: true, moreTypes: true, structuredClone: false }) };

  const rows = [];
  for (const c of cases) {
    const m = method(c.method);
    checkArguments(m, c.args); // throws if the sample does not fit
    const frame = encodeFrame(c.args);
    const body = frame.subarray(4);
    const plain = maps.packr.pack(c.args);
    rows.push({
      case: c.name,
      validateArgsNs: time(() => checkArguments(m, c.args)),
      validateResultNs: c.method === 'page' || c.method === 'person' || c.method === 'tree' || c.method === 'shape' ? time(() => checkResult(m, c.args[0])) : undefined,
      packNs: time(() => encodeFrame(c.args)),
      unpackNs: time(() => decodeBody(body)),
      frameBytes: body.length,
      mapsPackNs: time(() => maps.packr.pack(c.args)),
      mapsUnpackNs: time(() => maps.unpackr.unpack(plain)),
      mapsBytes: plain.length,
    });
  }

  if (process.argv.includes('--json')) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  } else {
    const fmt = (ns) => (ns === undefined ? '-' : ns >= 10_000 ? `${(ns / 1000).toFixed(0)} µs` : ns >= 1000 ? `${(ns / 1000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`);
    const header = ['case', 'validate args', 'validate result', 'pack (codec)', 'unpack (codec)', 'bytes', 'pack (maps)', 'unpack (maps)', 'bytes (maps)'];
    const table = [header, ...rows.map((r) => [r.case, fmt(r.validateArgsNs), fmt(r.validateResultNs), fmt(r.packNs), fmt(r.unpackNs), String(r.frameBytes), fmt(r.mapsPackNs), fmt(r.mapsUnpackNs), String(r.mapsBytes)])];
    const widths = header.map((_, i) => Math.max(...table.map((row) => row[i].length)));
    for (const row of table) process.stdout.write(`${row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')}\n`);
    process.stdout.write('\nvalidate = the generated validators (checkArguments / checkResult); codec = runtime/protocol/frames.ts (records);\nmaps = msgpackr with useRecords: false, for comparison. Median of 7 runs of ~50 ms each, per operation.\n');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

function tree(depth, width) {
  return { label: `n${depth}`, children: depth === 0 ? [] : Array.from({ length: width }, () => tree(depth - 1, width)) };
}

/** Median nanoseconds per call over 7 batches of about 50 ms each. */
function time(fn) {
  let n = 1;
  for (;;) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    if (Number(process.hrtime.bigint() - start) > 5e6) break;
    n *= 2;
  }
  n *= 10;
  const samples = [];
  for (let s = 0; s < 7; s++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) fn();
    samples.push(Number(process.hrtime.bigint() - start) / n);
  }
  return samples.sort((a, b) => a - b)[3];
}
