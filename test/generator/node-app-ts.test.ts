// No build step: a user project of three TypeScript files (the interface, its implementation and
// the application), generated with `--import-extension .ts` and run with `node app.ts`. Node
// strips the types of the application, the generated client, worker entry and codec, and the
// implementation the workers load; process-sandbox itself is compiled JavaScript in node_modules.
// The suite runs once per Node line in CI, so this runs on each line that can strip types.
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { STRIP_TYPES_FLAG, typeStripping } from '../../dist/runtime/type-stripping.js';
import { STRICT } from './e2e-project.js';
import { root, tempDir } from './fixtures.js';

const INTERFACE = `export interface Greeting {
  text: string;
  at: Date;
  count: bigint;
}

export interface IGreeter {
  greet(name: string): Greeting;
  pid(): Promise<number>;
}
`;

const IMPLEMENTATION = `import type { Greeting, IGreeter } from './IGreeter.ts';

export default class Greeter implements IGreeter {
  #count = 0n;

  greet(name: string): Greeting {
    this.#count += 1n;
    return { text: \`hello, \${name}\`, at: new Date(0), count: this.#count };
  }

  async pid(): Promise<number> {
    return process.pid;
  }
}
`;

// try/finally rather than \`await using\`: Node strips types but does not down-level syntax, and
// Node 22 has no \`using\` declarations.
const APP = `import { isSandboxError, ValidationError } from 'process-sandbox';
import { IGreeterClient } from './gen/IGreeter.client.ts';

const greeter = await IGreeterClient.create({ workerModule: new URL('./greeter.ts', import.meta.url), maxPoolSize: 1, logger: false });
try {
  const first = await greeter.greet('node');
  const second = await greeter.greet('again');
  const refused = await greeter.greet(42 as unknown as string).catch((e: unknown) => e);
  console.log(JSON.stringify({
    text: first.text,
    at: first.at.toISOString(),
    counts: [first.count, second.count].map(String),
    ranElsewhere: (await greeter.pid()) !== process.pid,
    refused: refused instanceof ValidationError && isSandboxError(refused),
  }));
} finally {
  await greeter.close();
}
`;

const support = typeStripping(process.versions.node);
const title = 'runs a project of .ts files with node app.ts: application, generated files and the implementation the workers load';

describe('no build step', () => {
  if (support === 'unsupported') {
    it.skip(`${title} (skipped: Node.js ${process.versions.node} cannot strip types; 22.18 and later do by default, 22.6 to 22.17 with ${STRIP_TYPES_FLAG})`, () => {});
    return;
  }
  it(title, () => {
    const dir = tempDir('sandbox-node-ts-');
    mkdirSync(join(dir, 'node_modules'));
    symlinkSync(root, join(dir, 'node_modules/process-sandbox'), 'dir');
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    writeFileSync(join(dir, 'IGreeter.ts'), INTERFACE);
    writeFileSync(join(dir, 'greeter.ts'), IMPLEMENTATION);
    writeFileSync(join(dir, 'app.ts'), APP);

    const cli = join(root, 'generator/dist/cli.js');
    execFileSync(process.execPath, [cli, 'IGreeter.ts', '-o', 'gen', '--import-extension', '.ts'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });

    // What `tsc --noEmit` says of the project: the .ts imports need allowImportingTsExtensions.
    const files = ['IGreeter.ts', 'greeter.ts', 'app.ts', 'gen/IGreeter.client.ts', 'gen/IGreeter.worker.ts', 'gen/IGreeter.codec.ts'].map((f) => join(dir, f));
    const program = ts.createProgram(files, { ...STRICT, noEmit: true, allowImportingTsExtensions: true });
    const text = ts.formatDiagnostics(ts.getPreEmitDiagnostics(program), { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => '\n' });
    expect(text).toBe('');

    // 22.6 to 22.17 need the flag for the application itself; the pool adds it for its workers.
    const flags = support === 'flag' ? [STRIP_TYPES_FLAG] : [];
    const out = execFileSync(process.execPath, [...flags, 'app.ts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
    expect(JSON.parse(out.trim().split('\n').at(-1)!)).toEqual({
      text: 'hello, node',
      at: '1970-01-01T00:00:00.000Z',
      counts: ['1', '2'],
      ranElsewhere: true,
      refused: true,
    });
  }, 90_000);
});
