/**
 * Checker types → TypeModel. The TypeScript checker resolves what the user wrote (imported
 * types, aliases, utility types, intersections, generic types with their arguments, enums), and
 * this walks the result. A type that cannot cross a process boundary exactly is refused with a
 * diagnostic at the nearest declaration the user wrote, never approximated.
 */
import { basename } from 'node:path';
import { ts, type SourceFile } from 'ts-morph';
import { DiagnosticId, makeDiagnostic, type Diagnostic } from './diagnostics.js';
import { BINARY_CLASSES, type BinaryClass, type IndexModel, type NamedTypeModel, type PropertyModel, type TypeModel } from './model.js';

export interface ReadContext {
  readonly checker: ts.TypeChecker;
  /** The input file. */
  readonly sourceFile: SourceFile;
  readonly diagnostics: Diagnostic[];
  /** Named types by checker identity: `reading` while inside its own body (recursion), `failed` once reported. */
  readonly named: Map<ts.Type, NamedTypeModel | 'reading' | 'failed'>;
  /** Names given so far, so two different types named `User` get `User` and `User_2`. */
  readonly names: Set<string>;
  /** The name given to each named type, set before its body is read (recursion needs it). */
  readonly typeNames: Map<ts.Type, string>;
  /** Diagnostics already reported, by id and position, so a shared type is reported once. */
  readonly reported: Set<string>;
}

/** Where in the interface a type appears, for messages. */
export interface Where {
  /** `ICalculator.centroid` */
  readonly member: string;
  /** `parameter "points"`, `the result`, `property "Point.x"` */
  readonly label: string;
  /** `points`, `result`, `Point`: the root of property paths below it. */
  readonly path: string;
  /** The nearest node the user wrote: diagnostics point here. */
  readonly node: ts.Node;
}

/** Where a type may appear: `void` only as a result, `Promise<T>` only around one. */
export type Position = 'value' | 'result' | 'awaited-result';

/** The global async iterables a method's whole result may be, to stream its items (read-method.ts). */
export const STREAM_TYPES: readonly string[] = ['AsyncIterable', 'AsyncIterableIterator', 'AsyncGenerator'];

/** Synchronous iterables, refused as a result with a pointer to streams. */
const SYNC_ITERABLES: readonly string[] = ['Iterable', 'IterableIterator', 'Iterator', 'Generator'];

/** Named types nested deeper than this are a generic type that expands forever (`T<T<T<…>>>`). */
const MAX_NAMED_DEPTH = 64;

/** Lib and package classes that cannot cross, and what to send instead. */
const REFUSED_BUILTINS: Record<string, string> = {
  RegExp: 'send the pattern\'s source and flags as strings, and build the RegExp on the other side',
  Error: 'send the error\'s data ({ name: string; message: string }) or throw it: thrown errors reach the caller as RemoteError',
  Promise: 'send the resolved value: only a method\'s result may be a Promise',
  WeakMap: 'a WeakMap holds object identities, which do not exist in another process; send a Map with primitive keys',
  WeakSet: 'a WeakSet holds object identities, which do not exist in another process; send a Set of primitives',
  WeakRef: 'send the referenced value instead',
  DataView: 'send the ArrayBuffer (or a Uint8Array) the DataView looks at',
  SharedArrayBuffer: 'send an ArrayBuffer: memory cannot be shared between processes',
  Function: 'pass data instead: the function would run in the other process, where nothing can call it back',
  URL: 'send the URL as a string (url.href)',
  Iterator: 'send an array',
  Iterable: 'send an array',
  IterableIterator: 'send an array',
  Generator: 'send an array',
  AsyncIterator: 'send an array, or make this a method of its own that returns AsyncIterable<T>',
  ReadableStream: 'send the bytes as a Buffer or Uint8Array',
  Blob: 'send the bytes as a Buffer or Uint8Array',
};

export function readType(ctx: ReadContext, type: ts.Type, where: Where, position: Position = 'value', depth = 0): TypeModel | undefined {
  const { flags } = type;
  if (flags & ts.TypeFlags.Any) {
    if ((type as { intrinsicName?: string }).intrinsicName === 'error') return unresolved(ctx, where);
    return unchecked(ctx, where, 'any');
  }
  if (flags & ts.TypeFlags.Unknown) return unchecked(ctx, where, 'unknown');
  if (flags & ts.TypeFlags.Never) {
    return fail(ctx, DiagnosticId.VoidValue, where, 'is never; no value of it can be sent', 'use void for a method that returns nothing');
  }
  if (flags & ts.TypeFlags.Void) {
    if (position !== 'value') return { kind: 'void' };
    return fail(ctx, DiagnosticId.VoidValue, where, 'is void; void is only allowed as a whole result, not in a parameter, a property or a union',
      'use undefined, or make the parameter optional');
  }
  if (flags & ts.TypeFlags.Undefined) return { kind: 'undefined' };
  if (flags & ts.TypeFlags.Null) return { kind: 'null' };
  if (flags & ts.TypeFlags.ESSymbolLike) return symbol(ctx, where);
  if (flags & ts.TypeFlags.TypeParameter) {
    if ((type as { isThisType?: boolean }).isThisType === true) {
      return fail(ctx, DiagnosticId.ThisType, where, 'is the this type, which names no type the other process could check',
        'name the interface instead of this');
    }
    return fail(ctx, DiagnosticId.GenericMethod, where, `has the type parameter ${type.symbol.name}; the generated code must know the exact type`,
      'use a concrete type where the service is declared (Page<User>, not Page<T>)');
  }

  // Named types (interfaces, aliases, enums, generic instantiations) become functions of their
  // own, which is also how recursive types terminate.
  const name = namedSymbol(type);
  if (name !== undefined && !isBuiltin(type)) return named(ctx, type, name, where, depth);
  return structure(ctx, type, where, position, depth);
}

/** The body of a type, whether or not it is named. */
function structure(ctx: ReadContext, type: ts.Type, where: Where, position: Position, depth: number): TypeModel | undefined {
  const { flags } = type;
  if (flags & ts.TypeFlags.Boolean) return { kind: 'boolean' };
  if (flags & ts.TypeFlags.BooleanLiteral) return { kind: 'literal', value: (type as { intrinsicName?: string }).intrinsicName === 'true' };
  if (type.isStringLiteral()) return { kind: 'literal', value: type.value };
  if (type.isNumberLiteral()) return { kind: 'literal', value: type.value };
  if (flags & ts.TypeFlags.BigIntLiteral) {
    const { negative, base10Value } = (type as ts.BigIntLiteralType).value;
    return { kind: 'bigint-literal', value: `${negative ? '-' : ''}${base10Value}` };
  }
  // Template literal types and Uppercase<string> are strings whose pattern is not checked.
  if (flags & (ts.TypeFlags.String | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping)) return { kind: 'string' };
  if (flags & ts.TypeFlags.Number) return { kind: 'number' };
  if (flags & ts.TypeFlags.BigInt) return { kind: 'bigint' };
  if (flags & ts.TypeFlags.Enum) return { kind: 'number' }; // an enum with computed members: any number
  if (flags & ts.TypeFlags.NonPrimitive) {
    return fail(ctx, DiagnosticId.NotSupportedYet, where, 'has type object, which says nothing the other process could check',
      'declare the object\'s properties in an interface');
  }
  if (type.isUnion()) return union(ctx, type, where, depth);
  if (type.isIntersection()) {
    // A branded primitive (`string & { __brand: 'Id' }`) travels as the primitive.
    const primitive = type.types.find((t) => t.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.BooleanLike));
    if (primitive !== undefined) return readType(ctx, primitive, where, 'value', depth);
  }
  if (flags & ts.TypeFlags.Object || type.isIntersection()) return object(ctx, type, where, position, depth);
  return fail(ctx, DiagnosticId.NotSupportedYet, where, `has type ${ctx.checker.typeToString(type)}, which cannot be sent`,
    'use the types listed in docs/supported-types.md');
}

function union(ctx: ReadContext, type: ts.UnionType, where: Where, depth: number): TypeModel | undefined {
  const members: TypeModel[] = [];
  let ok = true;
  let sawTrue = false;
  let sawFalse = false;
  for (const member of writtenMembers(ctx, type, where.node)) {
    // Members are values even in a result: `void | T` or `Promise<T> | U` would blur what arrives.
    const read = readType(ctx, member, where, 'value', depth);
    if (read === undefined) ok = false;
    else if (read.kind === 'union') members.push(...read.members);
    else {
      if (read.kind === 'literal' && read.value === true) sawTrue = true;
      if (read.kind === 'literal' && read.value === false) sawFalse = true;
      members.push(read);
    }
  }
  if (!ok) return undefined;
  // The checker spells `boolean` as `true | false`; print and check it as boolean.
  const merged = sawTrue && sawFalse
    ? [...members.filter((m) => !(m.kind === 'literal' && typeof m.value === 'boolean')), { kind: 'boolean' } as const]
    : members;
  // The checker lists undefined and null first; keep them last, as users write them.
  const nullish = merged.filter((m) => m.kind === 'undefined' || m.kind === 'null');
  const rest = merged.filter((m) => m.kind !== 'undefined' && m.kind !== 'null');
  const ordered = [...rest, ...nullish.filter((m) => m.kind === 'null'), ...nullish.filter((m) => m.kind === 'undefined')];
  return ordered.length === 1 ? ordered[0] : { kind: 'union', members: ordered };
}

/**
 * The union's members in written order. The checker flattens a named union written as a member
 * (`Shape | null`, with `type Shape = Circle | Rect`) into its parts; it stays one member here, so
 * it keeps its name in messages and its validator (which tells its own members apart).
 */
function writtenMembers(ctx: ReadContext, type: ts.UnionType, node: ts.Node): readonly ts.Type[] {
  const ordered = writtenOrder(ctx, type, node);
  const named = (writtenUnion(node)?.types ?? [])
    .map((member) => ctx.checker.getTypeFromTypeNode(member))
    .filter((t): t is ts.UnionType => t.isUnion() && t.aliasSymbol !== undefined);
  if (named.length === 0) return ordered;
  const whole = new Map<ts.Type, ts.Type>();
  const present = new Set(ordered);
  // Only a named union all of whose parts are here: the node found may not be this type's.
  for (const t of named) if (t.types.every((part) => present.has(part))) for (const part of t.types) if (!whole.has(part)) whole.set(part, t);
  return [...new Set(ordered.map((t) => whole.get(t) ?? t))];
}

/** The union type node the user wrote for a union type at `node`, if there is one. */
function writtenUnion(node: ts.Node): ts.UnionTypeNode | undefined {
  let written: ts.Node | undefined = node;
  for (let i = 0; i < 8 && written !== undefined && !ts.isUnionTypeNode(written); i++) {
    if (ts.isParenthesizedTypeNode(written)) written = written.type;
    else if (ts.isArrayTypeNode(written)) written = written.elementType;
    else if (ts.isTypeOperatorNode(written)) written = written.type;
    else if (ts.isPropertySignature(written) || ts.isTypeAliasDeclaration(written) || ts.isParameter(written)) written = written.type;
    else written = undefined;
  }
  return written !== undefined && ts.isUnionTypeNode(written) ? written : undefined;
}

/**
 * The checker orders a union's members by when it first met each type; messages read better in
 * the order the user wrote them, which the nearest union type node in the source gives.
 */
function writtenOrder(ctx: ReadContext, type: ts.UnionType, node: ts.Node): readonly ts.Type[] {
  const written = writtenUnion(node);
  if (written === undefined) return type.types;
  const rank = new Map<ts.Type, number>();
  written.types.forEach((member, i) => {
    const t = ctx.checker.getTypeFromTypeNode(member);
    for (const part of t.isUnion() ? t.types : [t]) if (!rank.has(part)) rank.set(part, i);
  });
  const last = written.types.length;
  return type.types.map((t, i) => ({ t, i })).sort((a, b) => (rank.get(a.t) ?? last) - (rank.get(b.t) ?? last) || a.i - b.i).map(({ t }) => t);
}

function object(ctx: ReadContext, type: ts.Type, where: Where, position: Position, depth: number): TypeModel | undefined {
  const { checker } = ctx;
  const symbolName = targetSymbol(type)?.name;
  if (isStreamType(type)) return streamElsewhere(ctx, where, position);
  if (isBuiltin(type) && symbolName !== undefined) return builtin(ctx, type, symbolName, where, position, depth);
  if (checker.isTupleType(type)) return tuple(ctx, type as ts.TypeReference, where, depth);
  if (checker.isArrayType(type)) {
    const element = checker.getTypeArguments(type as ts.TypeReference)[0];
    const read = element === undefined ? undefined : readType(ctx, element, where, 'value', depth);
    return read === undefined ? undefined : { kind: 'array', element: read };
  }
  const classSymbol = targetSymbol(type);
  if (classSymbol !== undefined && classSymbol.flags & ts.SymbolFlags.Class) {
    const hasMethods = checker.getPropertiesOfType(type).some((p) => p.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.Accessor));
    return fail(ctx, DiagnosticId.ClassType, where,
      `is the class ${classSymbol.name}${hasMethods ? ', which has methods' : ''}; a class instance arrives in the other process as a plain object, without its prototype`,
      `declare an interface with the data ${classSymbol.name} carries and send that`);
  }
  if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return functionType(ctx, where);

  const properties: PropertyModel[] = [];
  let ok = true;
  for (const property of checker.getPropertiesOfType(type)) {
    const read = readProperty(ctx, property, where, depth);
    if (read === undefined) ok = false;
    else properties.push(read);
  }
  let index: IndexModel | undefined;
  for (const info of checker.getIndexInfosOfType(type)) {
    const key = info.keyType.flags & ts.TypeFlags.String ? 'string' : info.keyType.flags & ts.TypeFlags.Number ? 'number' : undefined;
    const node = info.declaration ?? where.node;
    const inner: Where = { ...where, label: `the index signature of "${where.path}"`, path: `${where.path}[key]`, node };
    if (key === undefined) {
      ok = false;
      if (info.keyType.flags & ts.TypeFlags.ESSymbolLike) symbol(ctx, inner);
      else fail(ctx, DiagnosticId.NotSupportedYet, inner, `has keys of type ${checker.typeToString(info.keyType)}, which are not checked`, 'use string keys');
      continue;
    }
    // A string index signature covers number keys too: one check of every key suffices.
    if (index?.key === 'string') continue;
    const value = readType(ctx, info.type, inner, 'value', depth);
    if (value === undefined) ok = false;
    else index = { key, value };
  }
  return ok ? { kind: 'object', properties, index } : undefined;
}

function readProperty(ctx: ReadContext, property: ts.Symbol, where: Where, depth: number): PropertyModel | undefined {
  const name = property.name;
  const declaration = property.valueDeclaration ?? property.declarations?.[0];
  const node = declaration !== undefined && !isLibNode(declaration) ? declaration : where.node;
  const isSymbolKey = name.startsWith('__@') || (declaration !== undefined && ts.isPropertySignature(declaration) && ts.isComputedPropertyName(declaration.name));
  const path = `${where.path}.${isSymbolKey && declaration !== undefined ? (declaration as ts.PropertySignature).name.getText() : name}`;
  const inner: Where = { member: where.member, label: `property "${path}"`, path, node };
  if (isSymbolKey) return symbol(ctx, inner);
  if (property.flags & ts.SymbolFlags.Method) {
    return fail(ctx, DiagnosticId.FunctionType, inner, 'is a method; functions cannot cross a process boundary',
      'keep only data properties in types that are sent; move the behaviour into a method of the service');
  }
  if (name === '__proto__') {
    return fail(ctx, DiagnosticId.NotSupportedYet, inner, 'is named __proto__, which decoding renames for safety',
      'rename the property');
  }
  const type = ctx.checker.getTypeOfSymbol(property);
  const read = readType(ctx, type, inner, 'value', depth);
  return read === undefined ? undefined : { name, optional: (property.flags & ts.SymbolFlags.Optional) !== 0, type: read };
}

function tuple(ctx: ReadContext, type: ts.TypeReference, where: Where, depth: number): TypeModel | undefined {
  const target = type.target as ts.TupleType;
  const args = ctx.checker.getTypeArguments(type);
  const elements: TypeModel[] = [];
  let rest: TypeModel | undefined;
  let required = 0;
  let ok = true;
  target.elementFlags.forEach((flag, i) => {
    const arg = args[i];
    if (arg === undefined) return;
    if (flag & ts.ElementFlags.Variadic || (flag & ts.ElementFlags.Rest && i !== target.elementFlags.length - 1)) {
      ok = false;
      fail(ctx, DiagnosticId.NotSupportedYet, where, 'is a tuple with a rest element before its end, which is not checked',
        'put the rest element last, or send an array');
      return;
    }
    const read = readType(ctx, arg, where, 'value', depth);
    if (read === undefined) ok = false;
    else if (flag & ts.ElementFlags.Rest) rest = read;
    else {
      elements.push(read);
      if (flag & ts.ElementFlags.Required) required = elements.length;
    }
  });
  return ok ? { kind: 'tuple', elements, required, rest } : undefined;
}

/** Lib classes the codec carries (Date, Map, Set, binary), the Promise around a result, and refusals. */
function builtin(ctx: ReadContext, type: ts.Type, name: string, where: Where, position: Position, depth: number): TypeModel | undefined {
  const args = ctx.checker.getTypeArguments(type as ts.TypeReference);
  if ((BINARY_CLASSES as readonly string[]).includes(name)) return { kind: 'binary', class: name as BinaryClass };
  switch (name) {
    case 'Date':
      return { kind: 'date' };
    case 'Map':
    case 'ReadonlyMap': {
      const [keyType, valueType] = args;
      if (keyType === undefined || valueType === undefined) break;
      const key = readType(ctx, keyType, { ...where, label: `the keys of ${where.label}` }, 'value', depth);
      const value = readType(ctx, valueType, where, 'value', depth);
      if (key === undefined || value === undefined) return undefined;
      if (!primitiveKey(ctx, key)) {
        return fail(ctx, DiagnosticId.NotSupportedYet, where, 'is a Map whose keys are objects; a decoded key is a new object, so no lookup would find it',
          'key the Map by a string, number or bigint that identifies the object');
      }
      return { kind: 'map', key, value };
    }
    case 'Set':
    case 'ReadonlySet': {
      const element = args[0] === undefined ? undefined : readType(ctx, args[0], where, 'value', depth);
      return element === undefined ? undefined : { kind: 'set', element };
    }
    case 'Array':
    case 'ReadonlyArray': {
      const element = args[0] === undefined ? undefined : readType(ctx, args[0], where, 'value', depth);
      return element === undefined ? undefined : { kind: 'array', element };
    }
    case 'Promise':
    case 'PromiseLike':
      if (position === 'result' && args[0] !== undefined) return readType(ctx, args[0], where, 'awaited-result', depth);
      return fail(ctx, DiagnosticId.NotSupportedYet, where, 'is a Promise; only a method\'s result may be one',
        position === 'value' ? 'send the resolved value instead' : 'return Promise<T> once, not nested');
    case 'Function':
    case 'CallableFunction':
    case 'NewableFunction':
      return functionType(ctx, where);
    case 'Symbol':
      return symbol(ctx, where);
  }
  if (SYNC_ITERABLES.includes(name) && position !== 'value') {
    return fail(ctx, DiagnosticId.NotSupportedYet, where, `is a synchronous ${name}; a worker streams items only from an async iterable`,
      'return AsyncIterable<T> to stream the items (implemented as an async generator, async *m() { yield … }), or T[] to send them at once');
  }
  const fix = REFUSED_BUILTINS[name];
  return fail(ctx, DiagnosticId.NotSupportedYet, where, `has type ${name}, which cannot cross a process boundary exactly`,
    fix ?? 'send the data it holds, as an interface of plain properties');
}

function primitiveKey(ctx: ReadContext, key: TypeModel): boolean {
  switch (key.kind) {
    case 'string': case 'number': case 'bigint': case 'boolean': case 'literal': case 'bigint-literal': case 'null': case 'undefined':
      return true;
    case 'union':
      return key.members.every((m) => primitiveKey(ctx, m));
    case 'ref': {
      const target = [...ctx.named.values()].find((n): n is NamedTypeModel => typeof n === 'object' && n.name === key.name);
      return target !== undefined && primitiveKey(ctx, target.type);
    }
    default:
      return false;
  }
}

/** A reference to a named type; its body is read once per service. */
function named(ctx: ReadContext, type: ts.Type, baseName: string, where: Where, depth: number): TypeModel | undefined {
  const state = ctx.named.get(type);
  if (state === 'failed') return undefined;
  if (state === 'reading') return { kind: 'ref', name: nameOf(ctx, type) };
  if (state !== undefined) return { kind: 'ref', name: state.name };
  if (depth > MAX_NAMED_DEPTH) {
    return fail(ctx, DiagnosticId.NotSupportedYet, where, `uses ${baseName}, a generic type that expands without end`,
      'make the recursion go through a named type with fixed arguments');
  }
  ctx.named.set(type, 'reading');
  const name = nameOf(ctx, type, baseName);
  const declaration = declarationOf(type);
  const node = declaration !== undefined && !isLibNode(declaration) ? declaration : where.node;
  const inner: Where = { member: where.member, label: `type "${name}"`, path: name, node };
  const body = structure(ctx, type, inner, 'value', depth + 1);
  if (body === undefined) {
    ctx.named.set(type, 'failed');
    return undefined;
  }
  const sf = node.getSourceFile();
  ctx.named.set(type, {
    name,
    sourceName: basename(sf.fileName),
    line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1,
    position: ctx.named.size,
    type: body,
  });
  return { kind: 'ref', name };
}

/** The name a named type gets: `User`, `Page<User>`, `User_2` for a second, different User. */
function nameOf(ctx: ReadContext, type: ts.Type, baseName?: string): string {
  const known = ctx.typeNames.get(type);
  if (known !== undefined) return known;
  const args = (type.aliasSymbol !== undefined ? type.aliasTypeArguments : typeArguments(ctx, type)) ?? [];
  let name = (baseName ?? namedSymbol(type) ?? 'Type')
    + (args.length > 0 ? `<${args.map((a) => argumentText(ctx, a)).join(', ')}>` : '');
  if (ctx.names.has(name)) {
    let n = 2;
    while (ctx.names.has(`${name}_${n}`)) n++;
    name = `${name}_${n}`;
  }
  ctx.names.add(name);
  ctx.typeNames.set(type, name);
  return name;
}

function argumentText(ctx: ReadContext, type: ts.Type): string {
  const state = ctx.named.get(type);
  if (typeof state === 'object') return state.name;
  return ctx.checker.typeToString(type, undefined, ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope)
    .replace(/import\("[^"]*"\)\./g, '');
}

function typeArguments(ctx: ReadContext, type: ts.Type): readonly ts.Type[] {
  if (!(type.flags & ts.TypeFlags.Object) || !((type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference)) return [];
  return ctx.checker.getTypeArguments(type as ts.TypeReference);
}

/** The name of an interface, alias or enum the user declared; undefined for anonymous types. */
function namedSymbol(type: ts.Type): string | undefined {
  if (type.aliasSymbol !== undefined) return type.aliasSymbol.name;
  const symbol = targetSymbol(type);
  if (symbol === undefined) return undefined;
  if (symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Enum)) return symbol.name;
  return undefined;
}

/** For `Page<User>`, the symbol of `Page`. */
function targetSymbol(type: ts.Type): ts.Symbol | undefined {
  return type.getSymbol();
}

function declarationOf(type: ts.Type): ts.Declaration | undefined {
  return type.aliasSymbol?.declarations?.[0] ?? type.getSymbol()?.declarations?.[0];
}

/**
 * An AsyncIterable, AsyncIterableIterator or AsyncGenerator of the global lib, named directly or
 * through an alias: a method's whole result, written as such, streams (read-method.ts).
 */
export function isStreamType(type: ts.Type): boolean {
  const symbol = targetSymbol(type);
  if (symbol === undefined || !STREAM_TYPES.includes(symbol.name) || !(symbol.flags & ts.SymbolFlags.Interface)) return false;
  const declarations = symbol.declarations ?? [];
  return declarations.length > 0 && declarations.every((d) => d.getSourceFile().isDeclarationFile && /\/node_modules\//.test(d.getSourceFile().fileName) && isGlobalScope(d));
}

/** A stream anywhere but as a method's whole result, written out. */
function streamElsewhere(ctx: ReadContext, where: Where, position: Position): undefined {
  if (position === 'awaited-result') {
    return fail(ctx, DiagnosticId.NotSupportedYet, where, 'is a Promise of a stream; a stream is returned as it is',
      'return AsyncIterable<T> itself: an async generator may await before its first yield (async *m() { await …; yield … })');
  }
  return fail(ctx, DiagnosticId.NotSupportedYet, where, 'is a stream (an async iterable), which only a method\'s whole result may be',
    'send an array, or make this a method of its own that returns AsyncIterable<T>');
}

/**
 * A global interface or class of TypeScript's lib or of a package's declarations: Date, Map,
 * Buffer, RegExp, … (their aliases, like Partial, are not; nor are the interfaces a package
 * declares in its own module, like node:http's IncomingHttpHeaders, which are data like any other).
 */
function isBuiltin(type: ts.Type): boolean {
  if (type.aliasSymbol !== undefined) return false;
  const symbol = targetSymbol(type);
  if (symbol === undefined || !(symbol.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class))) return false;
  const declarations = symbol.declarations ?? [];
  return declarations.length > 0 && declarations.every((d) => d.getSourceFile().isDeclarationFile && /\/node_modules\//.test(d.getSourceFile().fileName) && isGlobalScope(d));
}

function isGlobalScope(node: ts.Node): boolean {
  for (let parent = node.parent; !ts.isSourceFile(parent); parent = parent.parent) {
    if (ts.isModuleDeclaration(parent)) return (parent.flags & ts.NodeFlags.GlobalAugmentation) !== 0;
  }
  return !ts.isExternalModule(node.getSourceFile());
}

/** Declared by TypeScript's lib or a package: diagnostics point at the user's code instead. */
function isLibNode(node: ts.Node): boolean {
  return /\/node_modules\//.test(node.getSourceFile().fileName);
}

function unchecked(ctx: ReadContext, where: Where, what: string): TypeModel {
  report(ctx, DiagnosticId.Unchecked, where.node, where.member,
    `${where.member}: ${where.label} is ${what}; its value is carried as plain data (null, booleans, numbers, bigints, strings, dates, binary, arrays, plain objects, Maps, Sets) and not checked further`,
    'declare the exact type, so the generated code checks it', 'warning');
  return { kind: 'unknown' };
}

function unresolved(ctx: ReadContext, where: Where): undefined {
  return fail(ctx, DiagnosticId.Unresolved, where, 'has a type the TypeScript checker cannot resolve',
    'check the import and that the package (or its @types package) is installed; tsc --noEmit shows the same error');
}

function functionType(ctx: ReadContext, where: Where): undefined {
  return fail(ctx, DiagnosticId.FunctionType, where, 'is a function type; functions cannot cross a process boundary',
    'pass data instead: the function would run in the other process, where nothing can call it back');
}

function symbol(ctx: ReadContext, where: Where): undefined {
  return fail(ctx, DiagnosticId.SymbolType, where, 'is a symbol; symbols cannot cross a process boundary',
    'use a string (or a union of string literals) instead');
}

/** Reports a diagnostic at the node of `where` and returns undefined, so callers can `return fail(…)`. */
export function fail(ctx: ReadContext, id: DiagnosticId, where: Where, problem: string, fix: string): undefined {
  report(ctx, id, where.node, where.member, `${where.member}: ${where.label} ${problem}`, fix);
  return undefined;
}

export function report(
  ctx: ReadContext, id: DiagnosticId, at: ts.Node | { readonly node: ts.Node; readonly start: number; readonly end: number },
  member: string | undefined, message: string, fix: string, severity: Diagnostic['severity'] = 'error',
): void {
  const [node, start, end] = 'kind' in at ? [at, at.getStart(), at.getEnd()] : [at.node, at.start, at.end];
  const sf = node.getSourceFile();
  const key = `${id}:${sf.fileName}:${start}:${end}`;
  if (ctx.reported.has(key)) return;
  ctx.reported.add(key);
  ctx.diagnostics.push(makeDiagnostic(id, { file: sf.fileName, text: sf.text, start, end }, { member, message, fix }, severity));
}

/** The property's name as a string, or undefined for a computed name. */
export function propertyName(node: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) return node.text;
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isNumericLiteral(node)) return node.text;
  return undefined;
}
