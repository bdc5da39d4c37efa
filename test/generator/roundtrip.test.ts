// A realistic interface (test/generator/e2e/IRealistic.ts), written as a user would, generated,
// compiled with tsc under the strictest options, and called through a real pool: every value
// must come back exactly, as the same value of the same class (a Buffer stays a Buffer, a Map a
// Map, a bigint a bigint), both as an argument (client → worker) and as a result (worker → client).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ValidationError } from 'process-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProject } from './e2e-project.js';
import { Flag, Priority, Role, type Person, type UserId } from './e2e/models.js';
import type { IRealistic } from './e2e/IRealistic.js';
import { root } from './fixtures.js';

const e2e = (name: string): string => join(root, 'test/generator/e2e', name);

// Compile-time checks of the generated client's types, compiled with the project.
const TYPES = `import type { CallOptions } from 'process-sandbox';
import type { IRealisticClient } from './gen/IRealistic.client.js';
import { Role, type Person } from './models.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
function check<_T extends true>(): void {}

export async function use(c: IRealisticClient, p: Person): Promise<void> {
  check<Equal<Awaited<ReturnType<IRealisticClient['person']>>, Person>>();
  check<Equal<Awaited<ReturnType<IRealisticClient['employee']>>, import('./models.js').Employee>>();
  check<Equal<Parameters<IRealisticClient['dates']>, [d: Date, maybe?: Date | null, options?: CallOptions]>>();
  check<Equal<ReturnType<IRealisticClient['nothing']>, Promise<void>>>();
  const [m] = await c.maps(new Map([['a', 1]]), new Map(), new Map());
  const n: number | undefined = m.get('a');
  const one: bigint = (await c.bigints([1n], 2n)).one;
  const buffer: Buffer = (await c.binary(new Uint8Array(0), Buffer.alloc(0), new ArrayBuffer(0), new Float64Array(0), new Int16Array(0), new BigInt64Array(0))).b;
  void [n, one, buffer, Role.Admin];
  // @ts-expect-error: a number where the interface says bigint
  await c.bigints([1], 1n);
  // @ts-expect-error: a missing argument
  await c.person();
  // @ts-expect-error: results are promises
  const sync: Person = c.person(p);
  void sync;
}
`;

type Client = { [K in keyof IRealistic]: (...args: Parameters<IRealistic[K]>) => Promise<Awaited<ReturnType<IRealistic[K]>>> } & {
  close(): Promise<void>;
};

let client: Client;

beforeAll(async () => {
  const project = await buildProject(
    [e2e('IRealistic.ts'), e2e('models.ts'), e2e('realistic.ts')], 'IRealistic.ts', { 'types.ts': TYPES },
    // models.ts declares enums, as a user who compiles with tsc may: the generator must carry
    // them, so this project cannot be erasable. Generated code alone is (compile.test.ts).
    { interfaceName: 'IRealistic', allowWarnings: ['SG0015'], compilerOptions: { erasableSyntaxOnly: false } },
  );
  const module = await import(pathToFileURL(project.js('gen/IRealistic.client.ts')).href) as {
    IRealisticClient: { create(config: object): Promise<Client> };
  };
  client = await module.IRealisticClient.create({ workerModule: project.js('realistic.ts'), logger: false, minPoolSize: 1, maxPoolSize: 1 });
}, 60_000);

afterAll(async () => {
  await client?.close();
});

/** Deep equality that also holds each value's class: toStrictEqual checks constructors, this checks prototypes all the way down. */
function same(actual: unknown, expected: unknown): void {
  expect(actual).toStrictEqual(expected);
  const walk = (a: unknown, b: unknown, path: string): void => {
    if (typeof b !== 'object' || b === null) {
      expect(typeof a, path).toBe(typeof b);
      return;
    }
    expect(Object.getPrototypeOf(a), `class at ${path}`).toBe(Object.getPrototypeOf(b));
    if (b instanceof Map) [...b].forEach(([k, v], i) => walk([...(a as Map<unknown, unknown>)][i]?.[1], v, `${path}.get(${String(k)})`));
    else if (b instanceof Set) [...b].forEach((v, i) => walk([...(a as Set<unknown>)][i], v, `${path}[${i}]`));
    else if (!ArrayBuffer.isView(b) && !(b instanceof ArrayBuffer) && !(b instanceof Date)) {
      for (const key of Object.keys(b)) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
    }
  };
  walk(actual, expected, 'value');
}

const ada: Person = {
  id: 2n ** 70n,
  name: 'Ada',
  born: new Date('1815-12-10T00:00:00.000Z'),
  role: Role.Admin,
  address: { street: 'St James Square', city: 'London' },
  tags: ['math', 'engines'],
};

describe('a realistic interface round-trips exactly through client, pipe and worker', () => {
  it('interfaces from other files, inherited methods, generics, recursion, discriminated unions', async () => {
    expect(await client.ping()).toBe('pong');
    same(await client.person(ada), ada);
    same(await client.person({ ...ada, id: -1n, address: null, tags: [] }), { ...ada, id: -1n, address: null, tags: [] });
    const boss = { ...ada, id: 1n, salary: 2.5 };
    same(await client.employee({ ...ada, salary: 1, manager: boss }), { ...ada, salary: 1, manager: boss });
    same(await client.page({ items: [ada], total: 1, next: null }), { items: [ada], total: 1, next: null });
    same(await client.page({ items: [], total: 0 }), { items: [], total: 0 });
    const tree = { label: 'root', children: [{ label: 'a', children: [{ label: 'a1', children: [] }] }, { label: 'b', children: [] }] };
    same(await client.tree(tree), tree);
    same(await client.shape({ kind: 'circle', radius: 1 }), { kind: 'circle', radius: 1 });
    same(await client.shape({ kind: 'rect', width: 2, height: 3 }), { kind: 'rect', width: 2, height: 3 });
  });

  it('string, numeric and const enums; literals; branded strings; null and undefined kept apart', async () => {
    same(await client.enums(Role.Member, Priority.High, Flag.Off), [Role.Member, Priority.High, Flag.Off]);
    same(await client.literals('y', 2, true, 10n), ['y', 2, true, 10n]);
    same(await client.brand('user-1' as UserId), 'user-1');
    same(await client.nullish(null), [null, undefined]);
    same(await client.nullish(undefined, 0), [undefined, 0]);
    same(await client.nullish('x', -1.5), ['x', -1.5]);
    expect(await client.nothing()).toBeUndefined();
  });

  it('bigints of every size, Dates, Maps and Sets', async () => {
    const values = [0n, -1n, 1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 64n - 1n, 2n ** 64n, -(2n ** 64n) - 1n, 7n ** 300n, -(7n ** 300n)];
    same(await client.bigints(values, 42n), { values, one: 42n });
    for (const d of [new Date(0), new Date(-1), new Date('2024-02-29T12:34:56.789Z'), new Date(8.64e15), new Date(-8.64e15), new Date(1)]) {
      same(await client.dates(d, d), { d, maybe: d });
    }
    same(await client.dates(new Date(5), null), { d: new Date(5), maybe: null });
    same(await client.dates(new Date(5)), { d: new Date(5), maybe: undefined });
    const maps: Parameters<IRealistic['maps']> = [
      new Map([['a', 1], ['', -0.5]]),
      new Map([[5n, ada], [-(2n ** 80n), { ...ada, address: null }]]),
      new Map([[1, ['x']], [-2.5, []], [NaN, ['nan']]]),
    ];
    same(await client.maps(...maps), maps);
    same(await client.maps(new Map(), new Map(), new Map()), [new Map(), new Map(), new Map()]);
    same(await client.sets(new Set(['a', 'b']), new Set([1, 2n, -3])), [new Set(['a', 'b']), new Set([1, 2n, -3])]);
  });

  it('binary: each typed array keeps its class; a Buffer stays a Buffer; ArrayBuffer stays an ArrayBuffer', async () => {
    const args: Parameters<IRealistic['binary']> = [
      new Uint8Array([1, 2, 3]), Buffer.from('buffer'), new Uint8Array([9, 8, 7]).buffer,
      new Float64Array([1.5, NaN, -Infinity]), new Int16Array([-1, 300]), new BigInt64Array([-5n, 2n ** 62n]),
    ];
    const back = await client.binary(...args);
    same(back, { u: args[0], b: args[1], ab: args[2], f: args[3], i: args[4], bi: args[5] });
    expect(Buffer.isBuffer(back.b)).toBe(true);
    expect(Buffer.isBuffer(back.u)).toBe(false);
    // A Buffer where the interface says Uint8Array fits, and arrives as a Buffer.
    const viaBuffer = await client.binary(Buffer.from([1]), Buffer.alloc(0), new ArrayBuffer(0), new Float64Array(0), new Int16Array(0), new BigInt64Array(0));
    expect(Buffer.isBuffer(viaBuffer.u)).toBe(true);
  });

  it('tuples (optional and rest elements), records, index signatures and utility types', async () => {
    const tuples: Parameters<IRealistic['tuples']> = [['a', 1], ['b'], ['c', 1, 2, 3], [true, false]];
    same(await client.tuples(...tuples), tuples);
    same(await client.tuples(['a', 1], ['b', 2], ['c'], [false, true]), [['a', 1], ['b', 2], ['c'], [false, true]]);
    const records: Parameters<IRealistic['records']> = [{ a: 1, 'b c': 2, '3': 3 }, { home: { street: 's', city: 'c', zip: '1' } }, { admin: 3 }];
    same(await client.records(...records), records);
    same(await client.records({}, {}, {}), [{}, {}, {}]);
    const utility: Parameters<IRealistic['utility']> = [
      { name: 'only' }, { name: 'n', role: Role.Admin }, { id: 3n, name: 'o', born: new Date(3), role: Role.Member, tags: [] },
      { street: 's', city: 'c', zip: 'z' }, { street: 's', city: 'c' },
    ];
    same(await client.utility(...utility), utility);
    const x = { street: 's', city: 'c', created: new Date(1), updated: new Date(2) };
    same(await client.intersect(x), x);
  });

  it('a package\'s type (node:http IncomingHttpHeaders) and unknown as plain data', async () => {
    const headers = { host: 'example.org', 'set-cookie': ['a=1', 'b=2'], 'x-custom': 'yes' };
    same(await client.headers(headers), headers);
    const anything = { nested: [1, 'two', null, undefined, 3n, new Date(7), new Map([[1, new Set([2])]]), Buffer.from('z'), { deep: true }] };
    same(await client.anything(anything), anything);
  });
});

describe('what does not fit is refused in the caller, naming the method, the argument and the path', () => {
  async function refusal(call: Promise<unknown>): Promise<string> {
    const error = await call.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    return (error as ValidationError).message;
  }
  const any = <T>(value: unknown): T => value as T;

  it('extra properties, class instances, wrong classes and wrong primitives', async () => {
    expect(await refusal(client.person({ ...ada, age: 36 } as Person)))
      .toBe('[process-sandbox] person: argument "p": expected Person, got unexpected property "age"');
    expect(await refusal(client.person({ ...ada, address: new (class Place { street = 's'; city = 'c'; })() })))
      .toBe('[process-sandbox] person: argument "p.address": expected Address | null | undefined, got Place instance');
    expect(await refusal(client.person({ ...ada, id: any<bigint>(1) })))
      .toBe('[process-sandbox] person: argument "p.id": expected bigint, got number');
    expect(await refusal(client.dates(any<Date>('2020-01-01'))))
      .toBe('[process-sandbox] dates: argument "d": expected Date, got string');
    expect(await refusal(client.maps(any(new Map([[1, 1]])), new Map(), new Map())))
      .toBe('[process-sandbox] maps: argument "m["1"]": expected string (a key), got number');
    expect(await refusal(client.maps(any({ a: 1 }), new Map(), new Map())))
      .toBe('[process-sandbox] maps: argument "m": expected Map<string, number>, got object');
    expect(await refusal(client.binary(new Uint8Array(0), any(new Uint8Array(1)), new ArrayBuffer(0), new Float64Array(0), new Int16Array(0), new BigInt64Array(0))))
      .toBe('[process-sandbox] binary: argument "b": expected Buffer, got Uint8Array');
    expect(await refusal(client.tuples(['a', 1], ['b'], ['c'], any([true]))))
      .toBe('[process-sandbox] tuples: argument "ro": expected [boolean, boolean], got array');
    expect(await refusal(client.records({ a: any('1') }, {}, {})))
      .toBe('[process-sandbox] records: argument "r.a": expected number, got string');
    expect(await refusal(client.anything({ run() {} })))
      .toBe('[process-sandbox] anything: argument "x.run": expected plain data, got function');
  });

  it('a discriminated union: the path inside the member its tag picks, or the tags allowed', async () => {
    expect(await refusal(client.shape(any({ kind: 'triangle', sides: 3 }))))
      .toBe('[process-sandbox] shape: argument "s.kind": expected "circle" | "rect", got "triangle"');
    expect(await refusal(client.shape(any({ kind: 'circle', radius: '1' }))))
      .toBe('[process-sandbox] shape: argument "s.radius": expected number, got string');
    expect(await refusal(client.shape(any({ kind: 'rect', width: 2, height: 3, depth: 4 }))))
      .toBe('[process-sandbox] shape: argument "s": expected { kind: "rect"; width: number; height: number }, got unexpected property "depth"');
    // And what fits still crosses, both ways, after all three refusals.
    same(await client.shape({ kind: 'rect', width: 2, height: 3 }), { kind: 'rect', width: 2, height: 3 });
  });
});
