import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiagnosticId, formatDiagnostic } from '../../generator/diagnostics.js';
import { generate, type GenerateResult } from '../../generator/generate.js';
import { tempFiles } from './fixtures.js';

/** Generates from `methods` (the body of `interface IService`, after `prelude`). */
async function generateService(methods: string, prelude = ''): Promise<GenerateResult> {
  const dir = tempFiles({ 'IService.ts': `${prelude}export interface IService {\n${methods}\n}\n` });
  return generate({ input: join(dir, 'IService.ts') });
}

function fileOf(result: GenerateResult, suffix: string): string {
  return result.files.find((f) => f.path.endsWith(suffix))!.content;
}

describe('streamed results in the generator', () => {
  it('AsyncIterable<T>, AsyncIterableIterator<T> and AsyncGenerator<T> (written in parentheses too) stream T', async () => {
    const result = await generateService([
      '  a(): AsyncIterable<number>;',
      '  b(): AsyncIterableIterator<string>;',
      '  c(): AsyncGenerator<boolean, void, unknown>;',
      '  d(): (AsyncIterable<bigint>);',
      '  e(): Promise<number>;',
    ].join('\n'));
    expect(result.diagnostics).toEqual([]);
    const client = fileOf(result, 'IService.client.ts');
    expect(client).toContain('a(options?: CallOptions): AsyncIterable<number> {\n    return this.#caller.stream<number>(service.methods[0], [], options);');
    expect(client).toContain('b(options?: CallOptions): AsyncIterable<string> {');
    expect(client).toContain('c(options?: CallOptions): AsyncIterable<boolean> {');
    expect(client).toContain('d(options?: CallOptions): AsyncIterable<bigint> {');
    expect(client).toContain('e(options?: CallOptions): Promise<number> {\n    return this.#caller.call<number>(');
    const codec = fileOf(result, 'IService.codec.ts');
    expect(codec).toContain("{ id: 0, name: 'a', params: [], required: 0, args: [], result: $number, stream: true }");
    expect(codec).toContain("{ id: 4, name: 'e', params: [], required: 0, args: [], result: $number }");
  });

  it('validates each item with the item type\'s validator', async () => {
    const result = await generateService('  rows(): AsyncIterable<{ id: number } | null>;');
    expect(result.diagnostics).toEqual([]);
    const codec = fileOf(result, 'IService.codec.ts');
    expect(codec).toContain('/** rows item: { id: number } | null (IService.ts:2) */\nfunction $item_rows(v: unknown): Issue | undefined {');
    expect(codec).toContain('result: $item_rows, stream: true');
  });

  // (A service without streams keeps the hash it had before streams: the golden fixtures' stamps pin it.)
  it('a stream and a call of the same type have different interface hashes', async () => {
    const hashOf = async (methods: string): Promise<string> =>
      /interfaceHash: '([0-9a-f]{16})'/.exec(fileOf(await generateService(methods), 'IService.codec.ts'))![1]!;
    expect(await hashOf('  f(): AsyncIterable<number>;')).not.toBe(await hashOf('  f(): number;'));
  });

  describe('refuses with SG0008 what cannot stream', () => {
    const cases: [string, string, string, RegExp, RegExp][] = [
      ['a synchronous Iterable', '  f(): Iterable<number>;', 'Iterable<number>', /the result is a synchronous Iterable; a worker streams items only from an async iterable/, /return AsyncIterable<T> to stream the items/],
      ['a synchronous Generator', '  f(): Generator<number>;', 'Generator<number>', /is a synchronous Generator/, /or T\[\] to send them at once/],
      ['a Promise of a stream', '  f(): Promise<AsyncIterable<number>>;', 'Promise<AsyncIterable<number>>', /is a Promise of a stream; a stream is returned as it is/, /an async generator may await before its first yield/],
      ['a stream as a parameter', '  f(items: AsyncIterable<number>): void;', 'AsyncIterable<number>', /parameter "items" is a stream \(an async iterable\), which only a method's whole result may be/, /send an array/],
      ['a stream in a union', '  f(): AsyncIterable<number> | undefined;', 'AsyncIterable<number> | undefined', /the result is a stream \(an async iterable\)/, /send an array/],
      ['what the generator returns', '  f(): AsyncGenerator<number, string>;', 'string', /declares string as what its stream returns when done or takes back from next\(\)/, /declare only the items \(AsyncGenerator<number>\)/],
      ['no item type', '  f(): AsyncGenerator;', 'AsyncGenerator', /is a stream without an item type/, /AsyncIterable<Item>/],
    ];
    for (const [what, method, snippet, message, fix] of cases) {
      it(what, async () => {
        const { diagnostics } = await generateService(method);
        expect(diagnostics.map((d) => d.id)).toEqual([DiagnosticId.NotSupportedYet]);
        const d = diagnostics[0]!;
        expect(d.member).toBe('IService.f');
        expect(d.message).toMatch(message);
        expect(d.fix).toMatch(fix);
        const column = method.indexOf(snippet) + 1;
        expect(formatDiagnostic(d)).toContain(`IService.ts:2:${column} - error SG0008`);
      });
    }

    it('a stream named through an alias: the client repeats the item type, so the signature must show it', async () => {
      const { diagnostics } = await generateService('  f(): Numbers;', 'export type Numbers = AsyncIterable<number>;\n');
      expect(diagnostics.map((d) => d.id)).toEqual([DiagnosticId.NotSupportedYet]);
      expect(diagnostics[0]!.message).toContain('names a stream through Numbers');
      expect(diagnostics[0]!.fix).toBe('write the stream type in the signature: f(…): AsyncIterable<Item>');
    });

    it('a stream inside a data type', async () => {
      const { diagnostics } = await generateService('  f(): Feed;', 'export interface Feed { items: AsyncIterable<number> }\n');
      expect(diagnostics.map((d) => [d.id, d.line])).toEqual([[DiagnosticId.NotSupportedYet, 1]]);
      expect(diagnostics[0]!.message).toContain('property "Feed.items" is a stream');
    });
  });

  it('items of type void are refused as values are (SG0012)', async () => {
    const { diagnostics } = await generateService('  f(): AsyncIterable<void>;');
    expect(diagnostics.map((d) => d.id)).toEqual([DiagnosticId.VoidValue]);
    expect(diagnostics[0]!.message).toContain('the items is void');
  });
});
