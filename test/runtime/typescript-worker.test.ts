// A workerModule written in TypeScript, loaded by the workers as it is. The suite runs on each
// Node line in CI, so each line proves its own branch: where Node strips types (22.18+ by
// default, 22.6–22.17 with the flag the pool adds) the workers load the .ts file; where it cannot
// (Node 20), the pool refuses it up front with a ConfigurationError naming the version and the fix.
import { fileURLToPath } from 'node:url';
import { ConfigurationError } from 'process-sandbox';
import { describe, expect, it } from 'vitest';
import { STRIP_TYPES_FLAG, typeStripping, typeStrippingArgs, type TypeStrippingInput } from '../../dist/runtime/type-stripping.js';
import { testClient } from '../helpers.js';

// The implementation's own source: its relative imports are type-only, so stripping runs it as it is.
const tsImplementation = fileURLToPath(new URL('../workers/test-service.ts', import.meta.url));
const support = typeStripping(process.versions.node);

describe('a .ts workerModule', () => {
  if (support === 'unsupported') {
    it(`is refused on Node.js ${process.versions.node}, which cannot strip types, with the version and the fix`, async () => {
      const error = await testClient({ workerModule: tsImplementation }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigurationError);
      const problem = (error as ConfigurationError).issues.find((i) => i.field === 'workerModule')?.problem;
      expect(problem).toContain(`"${tsImplementation}" is a TypeScript file, and Node.js ${process.versions.node}, which runs the workers, cannot load TypeScript`);
      expect(problem).toContain('Node.js 22.18 or later');
      expect(problem).toContain('point workerModule at the .js');
    });
  } else {
    it(`is loaded by the workers on Node.js ${process.versions.node} (type stripping ${support === 'flag' ? `with ${STRIP_TYPES_FLAG}, which the pool adds` : 'on by default'})`, async () => {
      const client = await testClient({ workerModule: tsImplementation });
      expect(await client.add(2, 3)).toBe(5);
      expect(await client.pid()).not.toBe(process.pid);
    });
  }
});

describe('type stripping by Node version', () => {
  it('knows which lines strip by default, which need the flag, and which cannot', () => {
    expect(['20.20.2', '22.5.1', '21.7.3'].map(typeStripping)).toEqual(['unsupported', 'unsupported', 'unsupported']);
    expect(['22.6.0', '22.17.1', '23.0.0', '23.5.0'].map(typeStripping)).toEqual(['flag', 'flag', 'flag', 'flag']);
    expect(['22.18.0', '23.6.0', '24.0.0', 'v26.1.0'].map(typeStripping)).toEqual(['default', 'default', 'default', 'default']);
  });

  const config = (over: Partial<TypeStrippingInput> = {}): TypeStrippingInput => ({
    workerModule: '/app/impl.ts', workerEntry: '/app/gen/IFoo.worker.ts', workerExecutable: '/bin/node', execArgv: [], env: {}, ...over,
  });

  it('adds --experimental-strip-types only where the workers\' Node needs it for a .ts file', () => {
    expect(typeStrippingArgs(config(), '/bin/node', '22.17.1')).toEqual([STRIP_TYPES_FLAG]);
    expect(typeStrippingArgs(config({ workerModule: '/app/impl.mts', workerEntry: '/app/gen/IFoo.worker.js' }), '/bin/node', '22.6.0')).toEqual([STRIP_TYPES_FLAG]);
    expect(typeStrippingArgs(config(), '/bin/node', '22.18.0')).toEqual([]);
    expect(typeStrippingArgs(config({ workerModule: '/app/impl.js', workerEntry: '/app/gen/IFoo.worker.js' }), '/bin/node', '20.20.2')).toEqual([]);
  });

  it('leaves the decision to the user who passed a loader or a strip-types flag, and to another executable', () => {
    for (const execArgv of [['--import', 'tsx'], ['--import=tsx'], ['--no-experimental-strip-types'], ['--experimental-transform-types'], ['-r', 'ts-node/register']]) {
      expect(typeStrippingArgs(config({ execArgv }), '/bin/node', '20.20.2'), execArgv.join(' ')).toEqual([]);
    }
    expect(typeStrippingArgs(config({ env: { NODE_OPTIONS: '--max-old-space-size=512 --import tsx' } }), '/bin/node', '20.20.2')).toEqual([]);
    expect(typeStrippingArgs(config({ workerExecutable: '/opt/node24/bin/node' }), '/bin/node', '20.20.2')).toEqual([]);
  });

  it('refuses a .ts workerEntry or workerModule on a Node without stripping, naming each', () => {
    expect(() => typeStrippingArgs(config(), '/bin/node', '20.20.2')).toThrow(/workerEntry: "\/app\/gen\/IFoo\.worker\.ts" is a TypeScript file, and Node\.js 20\.20\.2[^\n]*compile the generated files[^\n]*\n {2}- workerModule: "\/app\/impl\.ts"/);
  });
});
