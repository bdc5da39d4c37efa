/**
 * Generator diagnostics. Each kind has a stable id that never changes meaning, so users can
 * search for it and tools can match on it; the message names the member and the condition, the
 * fix says what to write instead.
 */
import { relative } from 'node:path';

export const DiagnosticId = {
  /** A function type in a parameter, result or property. */
  FunctionType: 'SG0001',
  /** A symbol type or a symbol-keyed member. */
  SymbolType: 'SG0002',
  /** A class instance (it would arrive as a plain object, without its prototype). */
  ClassType: 'SG0003',
  /** A method with type parameters, or a generic service interface. */
  GenericMethod: 'SG0004',
  /** Two signatures for one method name. */
  Overload: 'SG0005',
  /** A member of the service interface that is not a method. */
  NotAMethod: 'SG0006',
  /** A method whose name the generated client already uses. */
  ReservedName: 'SG0007',
  /** A type that cannot cross a process boundary exactly (RegExp, Error, WeakMap, object keys of a Map, …). */
  NotSupportedYet: 'SG0008',
  /** A type the client must import is not exported from the input file. */
  NotExported: 'SG0009',
  /** A `@timeout` tag that does not parse. */
  BadTimeout: 'SG0010',
  /** No interface to generate from. */
  NoInterface: 'SG0011',
  /** `void` (or `never`) where a value must travel. */
  VoidValue: 'SG0012',
  /** A name the generated files declare is already taken by the input file. */
  NameCollision: 'SG0013',
  /** The input file does not parse. */
  SyntaxError: 'SG0014',
  /** Warning: `unknown` or `any` is carried as plain data, unchecked. */
  Unchecked: 'SG0015',
  /** A `this` type. */
  ThisType: 'SG0016',
  /** A type name the TypeScript checker cannot resolve (a missing import or package). */
  Unresolved: 'SG0017',
  /** A `@priority` tag that is not a finite number. */
  BadPriority: 'SG0018',
} as const;
export type DiagnosticId = (typeof DiagnosticId)[keyof typeof DiagnosticId];

export interface Diagnostic {
  readonly id: DiagnosticId;
  readonly severity: 'error' | 'warning';
  /** Absolute path of the file the diagnostic points into. */
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** `ICalculator.add`, or undefined when the diagnostic is about the file. */
  readonly member: string | undefined;
  /** What is wrong, naming the member. */
  readonly message: string;
  /** One line: what to write instead. */
  readonly fix: string;
  /** The offending source line with a caret underline, ready to print. */
  readonly frame: string;
}

/** Where a diagnostic points: a span of the input file's text. */
export interface SourceSpan {
  readonly file: string;
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

export function makeDiagnostic(
  id: DiagnosticId,
  span: SourceSpan,
  details: { member: string | undefined; message: string; fix: string },
  severity: Diagnostic['severity'] = 'error',
): Diagnostic {
  const { line, column, lineText } = locate(span.text, span.start);
  const width = Math.max(1, Math.min(span.end - span.start, lineText.length - column + 1));
  const gutter = String(line).length;
  const frame = [
    `${String(line).padStart(gutter)} | ${lineText}`,
    `${' '.repeat(gutter)} | ${' '.repeat(column - 1)}${'^'.repeat(width)}`,
  ].join('\n');
  return { id, severity, file: span.file, line, column, ...details, frame };
}

function locate(text: string, offset: number): { line: number; column: number; lineText: string } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = text.indexOf('\n', offset);
  const lineText = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd).replace(/\r$/, '');
  let line = 1;
  for (let i = 0; i < lineStart; i++) if (text.charCodeAt(i) === 10) line++;
  return { line, column: offset - lineStart + 1, lineText: lineText.replace(/\t/g, ' ') };
}

/** `src/IFoo.ts:3:12 - error SG0001: …`, the code frame, and the fix. */
export function formatDiagnostic(d: Diagnostic, cwd = process.cwd()): string {
  const file = relative(cwd, d.file) || d.file;
  return `${file}:${d.line}:${d.column} - ${d.severity} ${d.id}: ${d.message}\n${d.frame}\n  fix: ${d.fix}`;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
