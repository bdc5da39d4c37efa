import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DiagnosticId, formatDiagnostic, type Diagnostic } from '../../generator/diagnostics.js';
import { generate } from '../../generator/generate.js';
import { tempFiles } from './fixtures.js';

/** Generates from `source` (as IService.ts) and returns its diagnostics. */
async function diagnose(source: string, interfaceName?: string): Promise<readonly Diagnostic[]> {
  const dir = tempFiles({ 'IService.ts': source });
  const result = await generate({ input: join(dir, 'IService.ts'), interfaceName });
  if (result.diagnostics.length > 0) expect(result.files).toEqual([]);
  return result.diagnostics;
}

/** 1-based line and column of the `nth` occurrence of `snippet` in `source`. */
function locate(source: string, snippet: string, nth = 1): string {
  let offset = -1;
  for (let n = 0; n < nth; n++) offset = source.indexOf(snippet, offset + 1);
  if (offset < 0) throw new Error(`${snippet} not in source`);
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return `IService.ts:${line}:${offset - before.lastIndexOf('\n')}`;
}

/** Asserts exactly one diagnostic: its id, where it points, and that it names the member. */
async function expectOne(source: string, id: string, at: string, member: string | undefined, interfaceName?: string): Promise<Diagnostic> {
  const diagnostics = await diagnose(source, interfaceName);
  expect(diagnostics.map((d) => d.id)).toEqual([id]);
  const d = diagnostics[0]!;
  const text = formatDiagnostic(d);
  expect(text).toContain(`${at} - error ${id}: `);
  if (member !== undefined) {
    expect(d.member).toBe(member);
    expect(d.message).toContain(member);
  }
  expect(d.fix.length).toBeGreaterThan(0);
  expect(text).toContain('\n  fix: ');
  expect(text).toMatch(/\n\s*\d+ \| .+\n\s+\| +\^+/); // the code frame: the line, then carets under the span
  return d;
}

describe('diagnostics', () => {
  it('SG0001: a function-typed parameter', async () => {
    const src = 'export interface IService {\n  subscribe(onEvent: (e: string) => void): void;\n}\n';
    const d = await expectOne(src, DiagnosticId.FunctionType, locate(src, '(e: string) => void'), 'IService.subscribe');
    expect(d.message).toContain('functions cannot cross a process boundary');
  });

  it('SG0001: a method inside a data type', async () => {
    const src = 'export interface Job { run(): void; name: string }\nexport interface IService {\n  start(job: Job): void;\n}\n';
    const d = await expectOne(src, DiagnosticId.FunctionType, locate(src, 'run(): void;'), 'IService.start');
    expect(d.message).toContain('"Job.run"');
  });

  it('SG0002: a symbol', async () => {
    const src = 'export interface IService {\n  tag(key: symbol): void;\n}\n';
    await expectOne(src, DiagnosticId.SymbolType, locate(src, 'symbol'), 'IService.tag');
  });

  it('SG0003: a class with methods', async () => {
    const src = 'export class Conn { open(): void {} }\nexport interface IService {\n  use(conn: Conn): void;\n}\n';
    const d = await expectOne(src, DiagnosticId.ClassType, locate(src, 'Conn', 2), 'IService.use');
    expect(d.message).toContain('class Conn');
  });

  it('SG0004: a generic method', async () => {
    const src = 'export interface IService {\n  identity<T>(value: T): T;\n}\n';
    await expectOne(src, DiagnosticId.GenericMethod, locate(src, 'T>'), 'IService.identity');
  });

  it('SG0005: an overload', async () => {
    const src = 'export interface IService {\n  parse(text: string): number;\n  parse(bytes: Uint8Array): number;\n}\n';
    await expectOne(src, DiagnosticId.Overload, locate(src, 'parse', 2), 'IService.parse');
  });

  it('SG0006: a property member', async () => {
    const src = 'export interface IService {\n  run(): void;\n  onDone: (code: number) => void;\n}\n';
    const d = await expectOne(src, DiagnosticId.NotAMethod, locate(src, 'onDone'), 'IService.onDone');
    expect(d.fix).toContain('onDone(code: number): void');
  });

  it('SG0007: a method named like a client member', async () => {
    for (const name of ['close', 'pool', 'create', 'constructor', 'lease', 'release']) {
      const src = `export interface IService {\n  run(): void;\n  ${name}(): void;\n}\n`;
      await expectOne(src, DiagnosticId.ReservedName, locate(src, name), `IService.${name}`);
    }
  });

  it('SG0008: types that cannot cross exactly (RegExp, Error, WeakMap, object keys of a Map, object, a Promise argument)', async () => {
    const cases: [string, string][] = [
      ['  at(when: RegExp): void;', 'RegExp'],
      ['  at(when: Error): void;', 'Error'],
      ['  at(when: WeakMap<object, number>): void;', 'WeakMap<object, number>'],
      ['  at(when: Map<{ id: string }, number>): void;', 'Map<{ id: string }, number>'],
      ['  at(when: object): void;', 'object'],
      ['  at(when: Promise<number>): void;', 'Promise<number>'],
      ['  at(when: [string, ...number[], string]): void;', '[string, ...number[], string]'],
    ];
    for (const [member, snippet] of cases) {
      const src = `export interface IService {\n${member}\n}\n`;
      const d = await expectOne(src, DiagnosticId.NotSupportedYet, locate(src, snippet), 'IService.at');
      expect(d.message).toContain('parameter "when"');
    }
  });

  it('SG0009: a signature type that is not exported', async () => {
    const src = 'interface Point { x: number }\nexport interface IService {\n  move(p: Point): void;\n}\n';
    const d = await expectOne(src, DiagnosticId.NotExported, locate(src, 'Point'), 'IService.move');
    expect(d.message).toContain('Point');
  });

  it('SG0010: a @timeout that does not parse', async () => {
    const src = 'export interface IService {\n  /** @timeout soon */\n  slow(): void;\n}\n';
    const d = await expectOne(src, DiagnosticId.BadTimeout, locate(src, '@timeout'), 'IService.slow');
    expect(d.message).toContain('"soon"');
  });

  it('SG0018: a @priority that is not a finite number', async () => {
    for (const value of ['high', '1e400', '', '+-1']) {
      const src = `export interface IService {\n  /** @idempotent\n   * @priority ${value} */\n  urgent(): void;\n}\n`;
      const d = await expectOne(src, DiagnosticId.BadPriority, locate(src, '@priority'), 'IService.urgent');
      expect(d.message).toContain(`@priority ${JSON.stringify(value)}`);
      expect(d.fix).toContain('@priority 10');
    }
  });

  it('SG0011: no service interface, or not the one named', async () => {
    await expectOne('export interface Point { x: number }\n', DiagnosticId.NoInterface, 'IService.ts:1:1', undefined);
    const d = await expectOne('export interface IA { a(): void }\n', DiagnosticId.NoInterface, 'IService.ts:1:1', undefined, 'IB');
    expect(d.message).toContain('IB');
    expect(d.fix).toContain('IA');
  });

  it('SG0012: void where a value must travel', async () => {
    const src = 'export interface IService {\n  take(x: void): void;\n}\n';
    await expectOne(src, DiagnosticId.VoidValue, locate(src, 'void'), 'IService.take');
  });

  it('SG0013: a signature type named like the generated client class', async () => {
    const src = 'export interface IServiceClient { id: string }\nexport interface IService {\n  get(): IServiceClient;\n}\n';
    await expectOne(src, DiagnosticId.NameCollision, locate(src, 'IServiceClient'), 'IService');
  });

  it('SG0014: a syntax error', async () => {
    const src = 'export interface IService {\n  run(: void;\n}\n';
    const diagnostics = await diagnose(src);
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics.every((d) => d.id === DiagnosticId.SyntaxError)).toBe(true);
    expect(formatDiagnostic(diagnostics[0]!)).toContain(`${locate(src, ': void')} - error SG0014`);
  });

  it('SG0003: a class instance, even one without methods', async () => {
    const src = 'export class Point { x = 0; y = 0 }\nexport interface IService {\n  move(p: Point): void;\n}\n';
    const d = await expectOne(src, DiagnosticId.ClassType, locate(src, 'Point', 2), 'IService.move');
    expect(d.message).toContain('without its prototype');
  });

  it('SG0006: a getter member', async () => {
    const src = 'export interface IService {\n  run(): void;\n  get size(): number;\n}\n';
    const d = await expectOne(src, DiagnosticId.NotAMethod, locate(src, 'size'), 'IService.size');
    expect(d.message).toContain('getter');
  });

  it('SG0009: a type of another file that the file does not export', async () => {
    const dir = tempFiles({
      'IService.ts': 'import type { Base } from \'./base.js\';\nexport interface IService extends Base {\n  run(): void;\n}\n',
      'base.ts': 'interface Hidden { x: number }\nexport interface Base {\n  get(): Hidden;\n}\n',
    });
    const result = await generate({ input: join(dir, 'IService.ts') });
    expect(result.diagnostics.map((d) => [d.id, d.line, d.column, d.file.endsWith('base.ts')])).toEqual([['SG0009', 1, 11, true]]);
  });

  it('SG0015: unknown and any are a warning, and generation goes on', async () => {
    const src = 'export interface IService {\n  put(value: unknown): any;\n}\n';
    const dir = tempFiles({ 'IService.ts': src });
    const result = await generate({ input: join(dir, 'IService.ts') });
    expect(result.diagnostics.map((d) => [d.id, d.severity])).toEqual([['SG0015', 'warning'], ['SG0015', 'warning']]);
    expect(formatDiagnostic(result.diagnostics[0]!)).toContain(`${locate(src, 'unknown')} - warning SG0015`);
    expect(result.files).toHaveLength(3);
  });

  it('SG0016: the this type', async () => {
    const src = 'export interface IService {\n  chain(): this;\n}\n';
    await expectOne(src, DiagnosticId.ThisType, locate(src, 'this'), 'IService.chain');
    // Inside a data interface, this is the interface itself: a recursive type, which is carried.
    const data = 'export interface Node { next: this | null }\nexport interface IService {\n  walk(n: Node): void;\n}\n';
    expect(await diagnose(data)).toEqual([]);
  });

  it('SG0017: a type that does not resolve', async () => {
    const src = 'import type { Missing } from \'./nowhere.js\';\nexport interface IService {\n  get(): Missing;\n}\n';
    const diagnostics = await diagnose(src);
    expect(diagnostics.map((d) => d.id)).toEqual(['SG0017']);
    expect(formatDiagnostic(diagnostics[0]!)).toContain(`${locate(src, 'Missing', 2)} - error SG0017`);
  });

  it('reports every problem in one run, not just the first', async () => {
    const src = 'export interface IService {\n  a(cb: () => void): void;\n  b(s: symbol): RegExp;\n  close(): void;\n}\n';
    const diagnostics = await diagnose(src);
    expect(diagnostics.map((d) => d.id)).toEqual(['SG0001', 'SG0002', 'SG0008', 'SG0007']);
  });

  it('reports a problem in a shared type once', async () => {
    const src = 'export interface Job { done: () => void }\nexport interface IService {\n  a(job: Job): void;\n  b(): Job[];\n}\n';
    const diagnostics = await diagnose(src);
    expect(diagnostics.map((d) => [d.id, d.member])).toEqual([['SG0001', 'IService.a']]);
  });

  it('ignores unsupported types the service does not use', async () => {
    const src = 'export type Callback = () => void;\nexport interface Point { x: number }\nexport interface IService {\n  run(p: Point): void;\n}\n';
    expect(await diagnose(src)).toEqual([]);
  });
});
