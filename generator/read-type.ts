/**
 * Type nodes → TypeModel. Works on syntax, not on the checker: a type the generator cannot
 * check exactly is refused with a diagnostic rather than approximated, and names resolve only
 * to declarations in the input file (anything else is "not supported yet").
 */
import {
  Node, SyntaxKind, type LiteralTypeNode, type SourceFile, type TypeElementTypes, type TypeNode, type TypeReferenceNode,
} from 'ts-morph';
import { DiagnosticId, makeDiagnostic, type Diagnostic } from './diagnostics.js';
import type { NamedTypeModel, PropertyModel, TypeModel } from './model.js';

export interface ReadContext {
  readonly sourceFile: SourceFile;
  /** Absolute path of the input, for diagnostics. */
  readonly file: string;
  readonly diagnostics: Diagnostic[];
  /** Named types read so far: `reading` while inside its own body (recursion), `failed` once reported. */
  readonly named: Map<string, NamedTypeModel | 'reading' | 'failed'>;
}

/** Where in the interface a type appears, for messages. */
export interface Where {
  /** `ICalculator.centroid` */
  readonly member: string;
  /** `parameter "points"`, `the result`, `property "Point.x"` */
  readonly label: string;
  /** `points`, `result`, `Point`: the root of property paths below it. */
  readonly path: string;
}

/** Where a type may appear: `void` only as a result, `Promise<T>` only around one. */
export type Position = 'value' | 'result' | 'awaited-result';

const PRIMITIVES: Partial<Record<SyntaxKind, TypeModel>> = {
  [SyntaxKind.StringKeyword]: { kind: 'string' },
  [SyntaxKind.NumberKeyword]: { kind: 'number' },
  [SyntaxKind.BooleanKeyword]: { kind: 'boolean' },
  [SyntaxKind.UndefinedKeyword]: { kind: 'undefined' },
  [SyntaxKind.NullKeyword]: { kind: 'null' },
};

const NOT_YET_FIX: Record<string, string> = {
  Date: 'pass an ISO 8601 string or epoch milliseconds (number) instead',
  Map: 'pass an array of { key, value } objects instead',
  Set: 'pass an array instead',
  Record: 'pass an array of { key, value } objects instead',
  bigint: 'pass a decimal string instead',
  any: 'declare the exact type, so the generated code can check it',
  unknown: 'declare the exact type, so the generated code can check it',
  object: 'declare the object\'s properties in an interface',
  tuple: 'use an object type with named properties instead',
  intersection: 'write the combined object type out as one interface',
  enum: 'use a union of literal types (\'a\' | \'b\') instead',
};
const DEFAULT_FIX = 'use string, number, boolean, null, literal types, arrays, object types or interfaces declared in this file, Uint8Array or Buffer';

export function readType(ctx: ReadContext, node: TypeNode, where: Where, position: Position = 'value'): TypeModel | undefined {
  const kind = node.getKind();
  const primitive = PRIMITIVES[kind];
  if (primitive !== undefined) return primitive;

  if (Node.isParenthesizedTypeNode(node)) return readType(ctx, node.getTypeNode(), where, position);
  if (kind === SyntaxKind.VoidKeyword) {
    if (position !== 'value') return { kind: 'void' };
    return fail(ctx, DiagnosticId.VoidValue, node, where, 'is void; void is only allowed as a whole result, not in a parameter, a property or a union',
      'use undefined, or make the parameter optional');
  }
  if (kind === SyntaxKind.NeverKeyword) {
    return fail(ctx, DiagnosticId.VoidValue, node, where, 'is never; no value of it can be sent', 'use void for a method that returns nothing');
  }
  if (kind === SyntaxKind.SymbolKeyword) return symbol(ctx, node, where);
  if (kind === SyntaxKind.BigIntKeyword) return notYet(ctx, node, where, 'bigint');
  if (kind === SyntaxKind.AnyKeyword) return notYet(ctx, node, where, 'any');
  if (kind === SyntaxKind.UnknownKeyword) return notYet(ctx, node, where, 'unknown');
  if (kind === SyntaxKind.ObjectKeyword) return notYet(ctx, node, where, 'object');
  if (Node.isLiteralTypeNode(node)) return literal(ctx, node, where);
  if (Node.isUnionTypeNode(node)) return union(ctx, node.getTypeNodes(), where);
  if (Node.isArrayTypeNode(node)) return array(ctx, node.getElementTypeNode(), where);
  if (Node.isTypeOperatorTypeNode(node)) {
    const operator = node.getOperator();
    if (operator === SyntaxKind.UniqueKeyword) return symbol(ctx, node, where);
    const operand = node.getTypeNode();
    if (operator === SyntaxKind.ReadonlyKeyword && Node.isArrayTypeNode(operand)) return array(ctx, operand.getElementTypeNode(), where);
    return notYet(ctx, node, where, operator === SyntaxKind.ReadonlyKeyword ? 'tuple' : node.getText());
  }
  if (Node.isTypeLiteral(node)) return object(ctx, node.getMembers(), where);
  if (Node.isTypeReference(node)) return reference(ctx, node, where, position);
  if (Node.isFunctionTypeNode(node) || Node.isConstructorTypeNode(node)) return functionType(ctx, node, where);
  if (Node.isTupleTypeNode(node)) return notYet(ctx, node, where, 'tuple');
  if (Node.isIntersectionTypeNode(node)) return notYet(ctx, node, where, 'intersection');
  return notYet(ctx, node, where, node.getText());
}

function literal(ctx: ReadContext, node: LiteralTypeNode, where: Where): TypeModel | undefined {
  const lit = node.getLiteral();
  if (Node.isStringLiteral(lit) || Node.isNoSubstitutionTemplateLiteral(lit)) return { kind: 'literal', value: lit.getLiteralValue() };
  if (Node.isNumericLiteral(lit)) return { kind: 'literal', value: lit.getLiteralValue() };
  if (Node.isTrueLiteral(lit)) return { kind: 'literal', value: true };
  if (Node.isFalseLiteral(lit)) return { kind: 'literal', value: false };
  if (lit.getKind() === SyntaxKind.NullKeyword) return { kind: 'null' };
  if (Node.isPrefixUnaryExpression(lit) && lit.getOperatorToken() === SyntaxKind.MinusToken) {
    const operand = lit.getOperand();
    if (Node.isNumericLiteral(operand)) return { kind: 'literal', value: -operand.getLiteralValue() };
  }
  return notYet(ctx, node, where, Node.isBigIntLiteral(lit) ? 'bigint' : node.getText());
}

function union(ctx: ReadContext, nodes: TypeNode[], where: Where): TypeModel | undefined {
  const members: TypeModel[] = [];
  let ok = true;
  for (const member of nodes) {
    // Members are values even in a result: `void | T` or `Promise<T> | U` would blur what arrives.
    const read = readType(ctx, member, where, 'value');
    if (read === undefined) ok = false;
    else if (read.kind === 'union') members.push(...read.members);
    else members.push(read);
  }
  return ok ? { kind: 'union', members } : undefined;
}

function array(ctx: ReadContext, element: TypeNode, where: Where): TypeModel | undefined {
  const read = readType(ctx, element, where);
  return read === undefined ? undefined : { kind: 'array', element: read };
}

/** The members of an object type literal or a data interface. */
export function object(ctx: ReadContext, members: TypeElementTypes[], where: Where): TypeModel | undefined {
  const properties: PropertyModel[] = [];
  let ok = true;
  for (const member of members) {
    const property = readProperty(ctx, member, where);
    if (property === undefined) ok = false;
    else properties.push(property);
  }
  return ok ? { kind: 'object', properties } : undefined;
}

function readProperty(ctx: ReadContext, member: TypeElementTypes, where: Where): PropertyModel | undefined {
  const nameNode = Node.isPropertySignature(member) || Node.isMethodSignature(member) ? member.getNameNode() : undefined;
  const name = nameNode === undefined ? undefined : propertyName(nameNode);
  const path = `${where.path}.${name ?? member.getText()}`;
  const inner: Where = { member: where.member, label: `property "${path}"`, path };
  if (Node.isMethodSignature(member) || Node.isCallSignatureDeclaration(member) || Node.isConstructSignatureDeclaration(member)) {
    return fail(ctx, DiagnosticId.FunctionType, member, inner, 'is a method; functions cannot cross a process boundary',
      'keep only data properties in types that are sent; move the behaviour into a method of the service');
  }
  if (Node.isIndexSignatureDeclaration(member)) {
    return fail(ctx, DiagnosticId.NotSupportedYet, member, { ...inner, label: `the index signature of "${where.path}"` },
      'is not supported yet', NOT_YET_FIX['Record']!);
  }
  if (!Node.isPropertySignature(member)) return notYet(ctx, member, inner, member.getKindName());
  if (name === undefined) {
    const computed = member.getNameNode().getText();
    return computed.includes('Symbol') ? symbol(ctx, member.getNameNode(), inner) : notYet(ctx, member.getNameNode(), inner, `the computed name ${computed}`);
  }
  const typeNode = member.getTypeNode();
  if (typeNode === undefined) {
    return fail(ctx, DiagnosticId.NotSupportedYet, member, inner, 'has no type annotation', `declare its type: ${name}: string`);
  }
  const type = readType(ctx, typeNode, inner);
  return type === undefined ? undefined : { name, optional: member.hasQuestionToken(), type };
}

/** The property's name as a string, or undefined for a computed name. */
export function propertyName(node: Node): string | undefined {
  if (Node.isIdentifier(node) || Node.isPrivateIdentifier(node)) return node.getText();
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (Node.isNumericLiteral(node)) return String(node.getLiteralValue());
  return undefined;
}

function reference(ctx: ReadContext, node: TypeReferenceNode, where: Where, position: Position): TypeModel | undefined {
  const typeName = node.getTypeName();
  if (!Node.isIdentifier(typeName)) return notYet(ctx, node, where, typeName.getText());
  const name = typeName.getText();
  const args = node.getTypeArguments();
  const sf = ctx.sourceFile;

  const iface = sf.getInterface(name);
  const alias = sf.getTypeAlias(name);
  if (iface !== undefined || alias !== undefined) {
    if (args.length > 0 || (iface ?? alias)!.getTypeParameters().length > 0) {
      return fail(ctx, DiagnosticId.NotSupportedYet, node, where, `uses the generic type ${name}, which is not supported yet`,
        'declare a non-generic interface for the data that is sent');
    }
    return named(ctx, name, where);
  }
  const cls = sf.getClass(name);
  if (cls !== undefined) {
    if (cls.getMethods().length > 0 || cls.getGetAccessors().length > 0 || cls.getSetAccessors().length > 0) {
      return fail(ctx, DiagnosticId.ClassType, node, where,
        `is the class ${name}, which has methods; a class instance arrives in the other process as a plain object without them`,
        `declare an interface with the data ${name} carries and send that`);
    }
    return notYet(ctx, node, where, `the class ${name}`);
  }
  if (sf.getEnum(name) !== undefined) return notYet(ctx, node, where, 'enum', `the enum ${name}`);
  const imported = sf.getImportDeclarations().find((d) =>
    d.getDefaultImport()?.getText() === name
    || d.getNamespaceImport()?.getText() === name
    || d.getNamedImports().some((n) => (n.getAliasNode() ?? n.getNameNode()).getText() === name));
  if (imported !== undefined) {
    return fail(ctx, DiagnosticId.NotSupportedYet, node, where,
      `uses ${name}, imported from '${imported.getModuleSpecifierValue()}'; types from other files are not supported yet`,
      `declare ${name} in ${sf.getBaseName()}`);
  }

  switch (name) {
    case 'Array':
    case 'ReadonlyArray':
      if (args.length === 1) return array(ctx, args[0]!, where);
      break;
    case 'Uint8Array':
      return { kind: 'binary', buffer: false };
    case 'Buffer':
      return { kind: 'binary', buffer: true };
    case 'Promise':
      if (position === 'result' && args.length === 1) return readType(ctx, args[0]!, where, 'awaited-result');
      return fail(ctx, DiagnosticId.NotSupportedYet, node, where, 'is a Promise; only a method\'s result may be one',
        position === 'value' ? 'send the resolved value instead' : 'return Promise<T> once, not nested');
    case 'Function':
    case 'CallableFunction':
    case 'NewableFunction':
      return functionType(ctx, node, where);
    case 'Symbol':
      return symbol(ctx, node, where);
  }
  return notYet(ctx, node, where, name);
}

/** A reference to an interface or alias of the input file; its body is read once per file. */
function named(ctx: ReadContext, name: string, where: Where): TypeModel | undefined {
  const state = ctx.named.get(name);
  if (state === 'failed') return undefined;
  if (state !== undefined) return { kind: 'ref', name };
  ctx.named.set(name, 'reading');
  const inner: Where = { member: where.member, label: `type "${name}"`, path: name };
  const iface = ctx.sourceFile.getInterface(name);
  const decl = iface ?? ctx.sourceFile.getTypeAliasOrThrow(name);
  let type: TypeModel | undefined;
  if (iface !== undefined) {
    const base = iface.getExtends()[0];
    type = base !== undefined
      ? fail(ctx, DiagnosticId.NotSupportedYet, base, inner, `extends ${base.getText()}, which is not supported yet`,
        `repeat the properties of ${base.getText()} in ${name}`)
      : object(ctx, iface.getMembers(), inner);
  } else {
    type = readType(ctx, ctx.sourceFile.getTypeAliasOrThrow(name).getTypeNodeOrThrow(), inner);
  }
  if (type === undefined) {
    ctx.named.set(name, 'failed');
    return undefined;
  }
  ctx.named.set(name, {
    name,
    line: decl.getStartLineNumber(),
    position: decl.getStart(),
    exported: decl.isExported(),
    type,
  });
  return { kind: 'ref', name };
}

function functionType(ctx: ReadContext, node: Node, where: Where): undefined {
  return fail(ctx, DiagnosticId.FunctionType, node, where, 'is a function type; functions cannot cross a process boundary',
    'pass data instead: the function would run in the other process, where nothing can call it back');
}

function symbol(ctx: ReadContext, node: Node, where: Where): undefined {
  return fail(ctx, DiagnosticId.SymbolType, node, where, 'is a symbol; symbols cannot cross a process boundary',
    'use a string (or a union of string literals) instead');
}

function notYet(ctx: ReadContext, node: Node, where: Where, what: string, shown = what): undefined {
  return fail(ctx, DiagnosticId.NotSupportedYet, node, where, `has type ${shown}, which is not supported yet`,
    NOT_YET_FIX[what] ?? DEFAULT_FIX);
}

/** Reports a diagnostic at `node` and returns undefined, so callers can `return fail(…)`. */
export function fail(ctx: ReadContext, id: DiagnosticId, node: Node, where: Where, problem: string, fix: string): undefined {
  report(ctx, id, node, where.member, `${where.member}: ${where.label} ${problem}`, fix);
  return undefined;
}

export function report(
  ctx: ReadContext, id: DiagnosticId, at: Node | { readonly start: number; readonly end: number },
  member: string | undefined, message: string, fix: string,
): void {
  const [start, end] = at instanceof Node ? [at.getStart(), at.getEnd()] : [at.start, at.end];
  const span = { file: ctx.file, text: ctx.sourceFile.getFullText(), start, end };
  ctx.diagnostics.push(makeDiagnostic(id, span, { member, message, fix }));
}
