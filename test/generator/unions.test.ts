// Union validators, run: the golden codec of test/fixtures/unions (identical to fresh output,
// which golden.test.ts checks) with the runtime's checkArguments/checkResult, as a client runs
// them. Discriminated unions switch on their tag and report the path inside the chosen member;
// other unions report the closest member's issue.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkArguments, checkResult, isSandboxError, type MethodDescriptor } from 'process-sandbox';
import { describe, expect, it } from 'vitest';
import { printType } from '../../generator/print-type.js';
import { IUnionsService } from '../fixtures/unions/expected/IUnions.codec.js';
import { fixturesDir } from './fixtures.js';

const methods: readonly MethodDescriptor[] = IUnionsService.methods;
const method = (name: string): MethodDescriptor => methods.find((m) => m.name === name)!;

/** The ValidationError message for these arguments, or undefined when they pass. */
function argumentError(name: string, args: unknown[]): string | undefined {
  try {
    checkArguments(method(name), args);
    return undefined;
  } catch (error) {
    if (!isSandboxError(error)) throw error;
    return error.message.replace(`[process-sandbox] ${name}: `, '');
  }
}

function resultError(name: string, value: unknown): string | undefined {
  try {
    checkResult(method(name), value);
    return undefined;
  } catch (error) {
    if (!isSandboxError(error)) throw error;
    return error.message.replace(`[process-sandbox] ${name}: `, '');
  }
}

const circle = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ kind: 'circle', center: { x: 0, y: 0 }, radius: 1, ...extra });
const rect = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ kind: 'rect', width: 1, height: 2, ...extra });
const order = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id: 'o1', items: [{ sku: 's', qty: 1 }], ...extra });

describe('discriminated unions', () => {
  it('pass every member, picked by its tag', () => {
    expect(argumentError('draw', [[circle(), rect(), { kind: 'group', children: [circle()], label: 'g' }]])).toBeUndefined();
    expect(argumentError('settle', [{ ok: true, value: 1 }])).toBeUndefined();
    expect(argumentError('settle', [{ ok: false, error: 'no', code: 3 }])).toBeUndefined();
    expect(argumentError('migrate', [{ v: 2, name: 'n' }])).toBeUndefined(); // two tags, one member
    expect(argumentError('migrate', [{ v: 3, names: [] }])).toBeUndefined();
    expect(resultError('settle', null)).toBeUndefined();
  });

  it('report the path inside the member the tag chose', () => {
    expect(argumentError('draw', [[circle(), circle({ radius: '2' })]])).toBe('argument "shapes[1].radius": expected number, got string');
    expect(argumentError('draw', [[circle({ center: { x: 0 } })]])).toBe('argument "shapes[0].center.y": expected number, got undefined');
    expect(argumentError('draw', [[rect({ depth: 3 })]]))
      .toBe('argument "shapes[0]": expected { kind: "rect"; width: number; height: number }, got unexpected property "depth"');
    expect(argumentError('settle', [{ ok: false, error: 7 }])).toBe('argument "outcome.error": expected string, got number');
    expect(argumentError('migrate', [{ v: 1, names: ['x'] }])).toBe('argument "record.name": expected string, got undefined');
    expect(resultError('settle', { ok: true, value: 'one' })).toBe('result.value: expected number, got string');
  });

  it('say which tags are allowed, and the tag found, when it is unknown or missing', () => {
    expect(argumentError('draw', [[{ kind: 'triangle', sides: 3 }]])).toBe('argument "shapes[0].kind": expected "circle" | "rect" | "group", got "triangle"');
    expect(argumentError('draw', [[{ kind: 'x'.repeat(41) }]])).toBe('argument "shapes[0].kind": expected "circle" | "rect" | "group", got string');
    expect(argumentError('draw', [[{ kind: { name: 'circle' } }]])).toBe('argument "shapes[0].kind": expected "circle" | "rect" | "group", got object');
    expect(argumentError('draw', [[{ radius: 1 }]])).toBe('argument "shapes[0].kind": expected "circle" | "rect" | "group", got undefined');
    expect(argumentError('settle', [{ ok: 'yes', value: 1 }])).toBe('argument "outcome.ok": expected true | false, got "yes"');
    expect(argumentError('settle', [{ ok: 1n, value: 1 }])).toBe('argument "outcome.ok": expected true | false, got 1n');
    expect(argumentError('migrate', [{ v: 4, name: 'n' }])).toBe('argument "record.v": expected 1 | 2 | 3, got 4');
    expect(argumentError('migrate', [{ v: '1', name: 'n' }])).toBe('argument "record.v": expected 1 | 2 | 3, got "1"');
    expect(argumentError('draw', [['circle']])).toBe('argument "shapes[0]": expected Shape, got string');
  });

  it('switch on bigint tags too, and not on a tag two members share', () => {
    expect(argumentError('odd', [{ t: 'a', y: 's' }, { big: 2n, b: 'b' }])).toBeUndefined();
    expect(argumentError('odd', [{ t: 'a', x: 1 }, { big: 1n, a: 7 }])).toBe('argument "big.a": expected string, got number');
    expect(argumentError('odd', [{ t: 'a', x: 1 }, { big: 3n, a: 'a' }])).toBe('argument "big.big": expected 1n | 2n, got 3n');
    // Shared: both members have t: 'a'; { t: 'a', y: 1 } is closer to the second (one mismatch against two).
    expect(argumentError('odd', [{ t: 'a', y: 1 }, { big: 1n, a: 'a' }])).toBe('argument "shared.y": expected string, got number');
    const codec = readFileSync(join(fixturesDir, 'unions/expected/IUnions.codec.ts'), 'utf8');
    expect(codec).toContain("case 1n: return $Big_1n(v);");
    expect(codec).not.toContain("switch (v['t'])");
  });

  it('nest: a member holding the union, arrays of it, and the union as an optional or nullable property', () => {
    expect(argumentError('draw', [[{ kind: 'group', children: [rect(), { kind: 'group', children: [rect({ height: null })] }] }]]))
      .toBe('argument "shapes[0].children[1].children[0].height": expected number, got null');
    expect(argumentError('draw', [[], rect({ width: 'w' })])).toBe('argument "highlight.width": expected number, got string');
    expect(argumentError('draw', [[], { kind: 'oval' }])).toBe('argument "highlight.kind": expected "circle" | "rect" | "group", got "oval"');
    expect(argumentError('draw', [[], undefined])).toBeUndefined();
    expect(argumentError('place', [order({ ship: null })])).toBeUndefined();
    expect(argumentError('place', [order({ ship: circle({ center: { x: 1, y: '2' } }) })]))
      .toBe('argument "order.ship.center.y": expected number, got string');
    expect(argumentError('place', [order({ ship: 'boat' })])).toBe('argument "order.ship": expected Shape | null | undefined, got string');
  });
});

describe('unions no property tells apart', () => {
  it('pass any member that fits', () => {
    expect(argumentError('reach', [{ email: 'a@b' }, [{ phone: '1' }]])).toBeUndefined();
    expect(argumentError('reach', [{ phone: '1', ext: 2 }, { email: 'c@d' }])).toBeUndefined();
  });

  it('report the issue of the closest member (fewest properties that do not fit)', () => {
    expect(argumentError('reach', [{ phone: 5 }, []])).toBe('argument "contact.phone": expected string, got number');
    expect(argumentError('reach', [{ phone: '1', ext: 'x' }, []])).toBe('argument "contact.ext": expected number | undefined, got string');
    expect(argumentError('reach', [{ email: 1 }, []])).toBe('argument "contact.email": expected string, got number');
    // A tie (each member misses one key) goes to the first member.
    expect(argumentError('reach', [{ email: 'a', phone: 'b' }, []]))
      .toBe('argument "contact": expected { email: string }, got unexpected property "phone"');
    // Through an array member and a named union member.
    expect(argumentError('reach', [{ email: 'a' }, [{ email: 'a' }, { phone: true }]])).toBe('argument "fallback[1].phone": expected string, got boolean');
    expect(argumentError('reach', [{ email: 'a' }, { phone: '1', ext: null }])).toBe('argument "fallback.ext": expected number | undefined, got null');
    expect(argumentError('reach', [{ email: 'a' }, 'none'])).toBe('argument "fallback": expected Contact[] | Contact, got string');
  });

  it('check a named union of several shapes, as a member, through its members', () => {
    // Layer = Shape[] | Shape, in Layer | Point: an array is a Shape[], an object a Shape or a Point.
    expect(argumentError('layer', [[rect()], { ok: true, value: 1 }])).toBeUndefined();
    expect(argumentError('layer', [{ x: 1, y: 2 }, { x: 1, y: 2 }])).toBeUndefined();
    expect(argumentError('layer', [[rect({ width: 'w' })], { x: 1, y: 2 }])).toBe('argument "x[0].width": expected number, got string');
    expect(argumentError('layer', [circle({ radius: null }), { x: 1, y: 2 }])).toBe('argument "x.radius": expected number, got null');
    // Closer to Point (one mismatch) than to any member of Shape, or of Outcome.
    expect(argumentError('layer', [{ x: 1, y: 'a' }, { x: 1, y: 2 }])).toBe('argument "x.y": expected number, got string');
    expect(argumentError('layer', [{ x: 1, y: 2 }, { x: 1 }])).toBe('argument "y.y": expected number, got undefined');
    expect(argumentError('layer', [{ x: 1, y: 2 }, { ok: false, error: 1 }])).toBe('argument "y.error": expected string, got number');
    expect(argumentError('layer', [7, { x: 1, y: 2 }])).toBe('argument "x": expected Layer | Point, got number');
  });
});

describe('messages describe anonymous object types by their shape', () => {
  it('in place of object, abbreviated', () => {
    expect(argumentError('place', [order({ items: [{ sku: 's', qty: 1, colour: 'red' }] })]))
      .toBe('argument "order.items[0]": expected { sku: string; qty: number; note?: string }, got unexpected property "colour"');
    expect(argumentError('place', [order({ items: 'none' })])).toBe('argument "order.items": expected { sku: string; qty: number; note?: string }[], got string');
    const object = (properties: [string, Parameters<typeof printType>[0], boolean?][]): Parameters<typeof printType>[0] => ({
      kind: 'object', index: undefined, properties: properties.map(([name, type, optional]) => ({ name, type, optional: optional ?? false })),
    });
    const n = { kind: 'number' } as const;
    expect(printType(object([['a', n], ['b', n], ['c', n], ['d', n]]))).toBe('{ a: number; b: number; c: number; … }');
    expect(printType(object([['outer', object([['inner', object([['x', n]])]])]]))).toBe('{ outer: { inner: { … } } }');
    expect(printType(object([['odd key', n, true]]))).toBe('{ "odd key"?: number }');
    expect(printType({ kind: 'object', properties: [], index: { key: 'string', value: n } })).toBe('{ [key: string]: number }');
    expect(printType(object([]))).toBe('{}');
  });
});

describe('generated union validators read well', () => {
  const codec = readFileSync(join(fixturesDir, 'unions/expected/IUnions.codec.ts'), 'utf8');

  it('are named after the path of the type they check', () => {
    const names = [...codec.matchAll(/^function (\$\w+)\(/gm)].map((m) => m[1]);
    expect(names).toEqual(expect.arrayContaining([
      '$Shape', '$Shape_circle', '$Shape_rect', '$Shape_group', '$Versioned_1', '$Versioned_3', '$Versioned_3_names',
      '$Contact_object', '$Contact_object_2', '$misses_Contact_object', '$Order_items', '$Order_items_item', '$Order_ship',
    ]));
    expect(codec).toContain("case 'circle': return $Shape_circle(v);");
  });

  it('carry one doc comment each, saying what it checks', () => {
    const functions = [...codec.matchAll(/(?:\/\*\* (.*) \*\/\n)?function (\$\w+)\(/g)];
    const documented = functions.filter((m) => !/^\$(number|boolean|string|void|undefined)$/.test(m[2]!));
    expect(documented.every((m) => m[1] !== undefined)).toBe(true);
    const docs = documented.map((m) => m[1]);
    expect(new Set(docs).size).toBe(docs.length);
    expect(docs).toContain('Shape (kind "circle"): { kind: "circle"; center: Point; radius: number } (IUnions.ts:8)');
    expect(docs).toContain('Order.items[]: { sku: string; qty: number; note?: string } (IUnions.ts:42)');
    expect(docs).toContain('Contact, member 2: { phone: string; ext?: number } (IUnions.ts:31)');
    expect(docs).toContain('How many properties of Shape (kind "rect") do not fit, and keys it does not declare: picks a union\'s closest member');
  });
});
