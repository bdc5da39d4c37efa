// The generated validators, run: the golden codecs (identical to fresh output, which
// golden.test.ts checks) with the runtime's checkArguments/checkResult, as a client runs them.
import { checkArguments, checkResult, isSandboxError, type Check, type MethodDescriptor } from 'process-sandbox';
import { describe, expect, it } from 'vitest';
import { ICalculatorService } from '../fixtures/calculator/expected/ICalculator.codec.js';
import { IDrawingService } from '../fixtures/shapes/expected/IDrawing.codec.js';

type Methods = readonly MethodDescriptor[];
const method = (methods: Methods, name: string): MethodDescriptor => methods.find((m) => m.name === name)!;

/** The ValidationError message for these arguments, or undefined when they pass. */
function argumentError(methods: Methods, name: string, args: unknown[]): string | undefined {
  try {
    checkArguments(method(methods, name), args);
    return undefined;
  } catch (error) {
    if (!isSandboxError(error)) throw error;
    return error.message;
  }
}

function resultError(methods: Methods, name: string, value: unknown): string | undefined {
  try {
    checkResult(method(methods, name), value);
    return undefined;
  } catch (error) {
    if (!isSandboxError(error)) throw error;
    return error.message;
  }
}

const calc = ICalculatorService.methods;
const draw = IDrawingService.methods;
const shape = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  kind: 'circle', points: [{ x: 0, y: 0 }], closed: undefined, tags: ['a', 1, true], meta: { id: 'm' }, ...extra,
});

describe('generated validators', () => {
  it('pass good values without building anything', () => {
    const check: Check = calc[1].args[0]!;
    expect(check([{ x: 1, y: 2 }, { x: 3, y: 4, label: 'b' }])).toBeUndefined();
    expect(argumentError(calc, 'add', [1, 2])).toBeUndefined();
    expect(argumentError(calc, 'centroid', [[{ x: 1, y: 2 }]])).toBeUndefined();
    expect(argumentError(calc, 'centroid', [[], null])).toBeUndefined();
    expect(argumentError(calc, 'centroid', [[], [0.5]])).toBeUndefined();
    expect(argumentError(calc, 'echo', [new Uint8Array(2)])).toBeUndefined();
    expect(argumentError(calc, 'echo', [Buffer.from('a')])).toBeUndefined(); // a Buffer is a Uint8Array
    expect(resultError(calc, 'reset', undefined)).toBeUndefined();
    expect(resultError(calc, 'reset', null)).toBeUndefined();
  });

  it('name the path and the expected type of what does not fit', () => {
    expect(calc[1].args[0]!([{ x: 1, y: 2 }, { x: 'a', y: 2 }])).toEqual({ path: [1, 'x'], expected: 'number', value: 'a' });
    expect(argumentError(calc, 'centroid', [[{ x: 1, y: 2 }, { x: 'a', y: 2 }]]))
      .toBe('[process-sandbox] centroid: argument "points[1].x": expected number, got string');
    expect(argumentError(calc, 'centroid', [[{ x: 1, y: 2, label: 3 }]]))
      .toBe('[process-sandbox] centroid: argument "points[0].label": expected string | undefined, got number');
    expect(argumentError(calc, 'centroid', [[], 'heavy']))
      .toBe('[process-sandbox] centroid: argument "weights": expected number[] | null | undefined, got string');
    expect(argumentError(calc, 'centroid', [[], [1, null]]))
      .toBe('[process-sandbox] centroid: argument "weights[1]": expected number, got null');
    expect(argumentError(calc, 'centroid', [{ x: 1, y: 2 }]))
      .toBe('[process-sandbox] centroid: argument "points": expected Point[], got object');
    expect(argumentError(calc, 'add', ['1', 2])).toBe('[process-sandbox] add: argument "a": expected number, got string');
    expect(argumentError(calc, 'echo', ['bytes'])).toBe('[process-sandbox] echo: argument "data": expected Uint8Array, got string');
    expect(resultError(calc, 'centroid', { x: 1 })).toBe('[process-sandbox] centroid: result.y: expected number, got undefined');
    expect(resultError(calc, 'reset', 0)).toBe('[process-sandbox] reset: result: expected void, got number');
  });

  it('check nested objects, literal unions, recursion and union dispatch', () => {
    expect(argumentError(draw, 'draw', [[shape()]])).toBeUndefined();
    expect(argumentError(draw, 'draw', [[shape({ children: [shape({ meta: { id: 'c', parent: null } })] })]])).toBeUndefined();
    expect(argumentError(draw, 'draw', [[shape({ children: [shape({ meta: { id: 'c', parent: { id: 7 } } })] })]]))
      .toBe('[process-sandbox] draw: argument "shapes[0].children[0].meta.parent.id": expected string, got number');
    expect(argumentError(draw, 'draw', [[shape({ kind: 'oval' })]]))
      .toBe('[process-sandbox] draw: argument "shapes[0].kind": expected Kind, got string');
    expect(argumentError(draw, 'draw', [[shape({ tags: ['a', 'c'] })]]))
      .toBe('[process-sandbox] draw: argument "shapes[0].tags[1]": expected "a" | "b" | 1 | true, got string');
    expect(argumentError(draw, 'draw', [[shape({ style: { stroke: null, dash: [1, '2'] } })]]))
      .toBe('[process-sandbox] draw: argument "shapes[0].style.dash[1]": expected number, got string');
    expect(argumentError(draw, 'draw', [[], { scale: 1, background: 'black' }]))
      .toBe('[process-sandbox] draw: argument "options.background": expected "white" | "transparent" | undefined, got string');

    // Group = Shape[] | Shape: the value's shape picks the member, whose path is reported.
    expect(argumentError(draw, 'measure', [shape(), 'px'])).toBeUndefined();
    expect(argumentError(draw, 'measure', [[shape(), shape({ points: 'none' })], undefined]))
      .toBe('[process-sandbox] measure: argument "group[1].points": expected { x: number; y: number }[], got string');
    expect(argumentError(draw, 'measure', [7, 'px'])).toBe('[process-sandbox] measure: argument "group": expected Group, got number');
    expect(argumentError(draw, 'measure', [shape(), 'cm'])).toBe('[process-sandbox] measure: argument "unit": expected "px" | "mm" | undefined, got string');

    // Shape | Style: both are records and no property tells them apart, so each is tried; the
    // closest one's issue is reported.
    expect(argumentError(draw, 'pick', [{ stroke: 'red' }])).toBeUndefined();
    expect(argumentError(draw, 'pick', [shape()])).toBeUndefined();
    expect(argumentError(draw, 'pick', [{ stroke: 1 }])).toBe('[process-sandbox] pick: argument "a.stroke": expected string | null, got number');
    expect(argumentError(draw, 'pick', [shape({ kind: 'oval' })])).toBe('[process-sandbox] pick: argument "a.kind": expected Kind, got string');
    expect(argumentError(draw, 'pick', [7])).toBe('[process-sandbox] pick: argument "a": expected Shape | Style | null, got number');
    expect(argumentError(draw, 'draw', [[shape({ meta: { id: 'm', extra: 1 } })]]))
      .toBe('[process-sandbox] draw: argument "shapes[0].meta": expected { id: string; parent?: { id: string } | null }, got unexpected property "extra"');

    expect(argumentError(draw, 'mode', [-1])).toBeUndefined();
    expect(argumentError(draw, 'mode', [2])).toBe('[process-sandbox] mode: argument "value": expected -1 | 0 | 1, got number');
    expect(resultError(draw, 'draw', Buffer.from('png'))).toBeUndefined();
    expect(resultError(draw, 'draw', new Uint8Array(1))).toBe('[process-sandbox] draw: result: expected Buffer, got Uint8Array');
    expect(resultError(draw, 'measure', { width: 1, height: '2' })).toBe('[process-sandbox] measure: result.height: expected number, got string');
  });

  it('carries the tags and arity in the descriptors', () => {
    expect((draw as Methods).map((m) => [m.name, m.required, m.timeoutMs, m.idempotent, m.priority])).toEqual([
      ['draw', 1, 5000, undefined, undefined],
      ['measure', 2, undefined, true, 2.5],
      ['mode', 1, undefined, undefined, undefined],
      ['ping', 0, 250, true, -1],
      ['legacy-name', 0, undefined, undefined, undefined],
      ['pick', 1, undefined, undefined, undefined],
    ]);
    expect(ICalculatorService.interfaceHash).toMatch(/^[0-9a-f]{16}$/);
  });
});
