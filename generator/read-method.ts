/**
 * One method signature → MethodModel: parameters, result (`Promise<T>` unwrapped, or the items of
 * a stream: `AsyncIterable<T>`), JSDoc tags, and the refusals that are about the method itself
 * (reserved names, generics).
 */
import { basename } from 'node:path';
import { ts } from 'ts-morph';
import { DiagnosticId } from './diagnostics.js';
import type { MethodModel, ParameterModel, SignatureImport, TypeModel } from './model.js';
import { fail, isStreamType, readType, report, STREAM_TYPES, type ReadContext, type Where } from './read-type.js';
import { collectSignatureImports } from './signature-imports.js';
import { readTags } from './tags.js';
import { oneLineTypeText } from './type-text.js';

/**
 * Members of the generated client and of its lease, and `then`, which would make every client a
 * thenable that `await` tries to unwrap.
 */
export const RESERVED_METHODS = ['close', 'pool', 'create', 'constructor', 'then', 'lease', 'release'];

export function readMethod(
  ctx: ReadContext, member: ts.MethodSignature, name: string, memberName: string, imports: Map<string, SignatureImport>,
): MethodModel | undefined {
  const nameNode = member.name;
  const before = ctx.diagnostics.filter((d) => d.severity === 'error').length;
  if (RESERVED_METHODS.includes(name)) {
    report(ctx, DiagnosticId.ReservedName, nameNode, memberName,
      `${memberName} has the same name as a member of the generated client (${RESERVED_METHODS.join(', ')})`,
      `rename the method: the generated client uses "${name}" itself`);
  }
  const typeParameter = member.typeParameters?.[0];
  if (typeParameter !== undefined) {
    report(ctx, DiagnosticId.GenericMethod, typeParameter, memberName,
      `${memberName} is generic; the generated code must know the exact types to check them`,
      'replace the type parameter with the concrete type (or a union of them)');
    // Its parameters mention the type parameter; reporting each of those would only repeat this.
    return undefined;
  }
  if (member.questionToken !== undefined) {
    report(ctx, DiagnosticId.NotSupportedYet, nameNode, memberName,
      `${memberName} is optional; the client could not know whether the worker implements it`, 'declare the method without ?');
  }

  const params: ParameterModel[] = [];
  const signatureNodes: ts.Node[] = [];
  for (const param of member.parameters) {
    const paramName = param.name;
    const label = `parameter "${paramName.getText()}"`;
    const where: Where = { member: memberName, label, path: paramName.getText(), node: paramName };
    if (!ts.isIdentifier(paramName)) {
      fail(ctx, DiagnosticId.NotSupportedYet, where, 'is destructured, which is not supported', 'name the parameter');
      continue;
    }
    if (paramName.text === 'this') {
      fail(ctx, DiagnosticId.ThisType, where, 'declares the type of this, which means nothing in another process', 'remove the this parameter');
      continue;
    }
    if (param.dotDotDotToken !== undefined) {
      fail(ctx, DiagnosticId.NotSupportedYet, { ...where, node: param }, 'is a rest parameter, which is not supported', 'take an array parameter instead');
      continue;
    }
    const typeNode = param.type;
    if (typeNode === undefined) {
      fail(ctx, DiagnosticId.NotSupportedYet, { ...where, node: param }, 'has no type annotation', `declare its type: ${paramName.text}: string`);
      continue;
    }
    if (containsThisType(typeNode)) {
      fail(ctx, DiagnosticId.ThisType, { ...where, node: typeNode }, 'uses the this type, which names no type the other process could check',
        'name the interface instead of this');
      continue;
    }
    signatureNodes.push(typeNode);
    const type = readType(ctx, ctx.checker.getTypeFromTypeNode(typeNode), { ...where, node: typeNode });
    if (type !== undefined) {
      params.push({ name: paramName.text, optional: param.questionToken !== undefined, type, typeText: oneLineTypeText(typeNode) });
    }
  }

  const returnNode = member.type;
  let result: TypeModel | undefined;
  let resultText = '';
  const streamArgs = returnNode === undefined ? undefined : streamTypeArguments(ctx, returnNode);
  if (returnNode !== undefined && streamArgs !== undefined) {
    const item = readStreamItem(ctx, memberName, name, returnNode, streamArgs);
    if (item !== undefined) {
      result = item.type;
      resultText = oneLineTypeText(item.node);
      signatureNodes.push(item.node);
    }
  } else if (returnNode === undefined) {
    fail(ctx, DiagnosticId.NotSupportedYet, { member: memberName, label: 'the result', path: 'result', node: nameNode },
      'has no type annotation', `declare it: ${name}(…): Promise<void>`);
  } else if (containsThisType(returnNode)) {
    fail(ctx, DiagnosticId.ThisType, { member: memberName, label: 'the result', path: 'result', node: returnNode },
      'uses the this type, which names no type the other process could check', 'name the interface instead of this');
  } else if (isStreamType(ctx.checker.getTypeFromTypeNode(returnNode))) {
    fail(ctx, DiagnosticId.NotSupportedYet, { member: memberName, label: 'the result', path: 'result', node: returnNode },
      `names a stream through ${returnNode.getText()}; the generated client repeats the item type, which it can only take from the signature`,
      `write the stream type in the signature: ${name}(…): AsyncIterable<Item>`);
  } else {
    result = readType(ctx, ctx.checker.getTypeFromTypeNode(returnNode),
      { member: memberName, label: 'the result', path: 'result', node: returnNode }, 'result');
    const awaited = awaitedNode(ctx, returnNode);
    resultText = oneLineTypeText(awaited);
    signatureNodes.push(awaited);
  }

  const tags = readTags(member);
  if (tags.badTimeout !== undefined) {
    report(ctx, DiagnosticId.BadTimeout, tags.badTimeout, memberName,
      `${memberName}: @timeout ${JSON.stringify(tags.badTimeout.text)} is not a duration`,
      'write a whole number of milliseconds with its unit: @timeout 250ms, @timeout 5s, @timeout 2m');
  }
  if (tags.badPriority !== undefined) {
    report(ctx, DiagnosticId.BadPriority, tags.badPriority, memberName,
      `${memberName}: @priority ${JSON.stringify(tags.badPriority.text)} is not a finite number`,
      'write a number, higher runs first (the default is 0): @priority 10, @priority -1, @priority 0.5');
  }
  collectSignatureImports(ctx, memberName, signatureNodes, imports);
  if (result === undefined || ctx.diagnostics.filter((d) => d.severity === 'error').length > before) return undefined;
  const sf = member.getSourceFile();
  return {
    name,
    sourceName: basename(sf.fileName),
    line: sf.getLineAndCharacterOfPosition(nameNode.getStart()).line + 1,
    params,
    result,
    resultText,
    doc: tags.doc,
    timeoutMs: tags.timeoutMs,
    idempotent: tags.idempotent,
    priority: tags.priority,
    stream: streamArgs !== undefined,
  };
}

/** `AsyncIterable<…>`, `AsyncIterableIterator<…>`, `AsyncGenerator<…>` (the global ones, as written) → their type arguments. */
function streamTypeArguments(ctx: ReadContext, node: ts.TypeNode): readonly ts.TypeNode[] | undefined {
  if (ts.isParenthesizedTypeNode(node)) return streamTypeArguments(ctx, node.type);
  if (!ts.isTypeReferenceNode(node) || !ts.isIdentifier(node.typeName) || !STREAM_TYPES.includes(node.typeName.text)) return undefined;
  const declaration = ctx.checker.getSymbolAtLocation(node.typeName)?.declarations?.[0];
  if (declaration !== undefined && !declaration.getSourceFile().isDeclarationFile) return undefined;
  return node.typeArguments ?? [];
}

/** What values a stream's generator may be declared to return or take back: none that matter, since neither is sent. */
const NOTHING = ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never;

/** The item type of a stream result: each item is checked and sent as a value. */
function readStreamItem(
  ctx: ReadContext, memberName: string, name: string, node: ts.TypeNode, args: readonly ts.TypeNode[],
): { type: TypeModel; node: ts.TypeNode } | undefined {
  const where: Where = { member: memberName, label: 'the result', path: 'item', node };
  const [itemNode, ...rest] = args;
  if (itemNode === undefined) {
    return fail(ctx, DiagnosticId.NotSupportedYet, where, 'is a stream without an item type', `declare it: ${name}(…): AsyncIterable<Item>`);
  }
  const extra = rest.find((n) => (ctx.checker.getTypeFromTypeNode(n).flags & NOTHING) === 0);
  if (extra !== undefined) {
    return fail(ctx, DiagnosticId.NotSupportedYet, { ...where, node: extra },
      `declares ${extra.getText()} as what its stream returns when done or takes back from next(); neither crosses the process boundary`,
      `declare only the items (AsyncGenerator<${itemNode.getText()}>), and send what the end would return as a last item or from another method`);
  }
  const type = readType(ctx, ctx.checker.getTypeFromTypeNode(itemNode), { member: memberName, label: 'the items', path: 'item', node: itemNode });
  return type === undefined ? undefined : { type, node: itemNode };
}

function containsThisType(node: ts.Node): boolean {
  if (node.kind === ts.SyntaxKind.ThisType) return true;
  return ts.forEachChild(node, (child) => (containsThisType(child) ? true : undefined)) === true;
}

/** `Promise<T>` (the global one) → the node of `T`; anything else unchanged. */
function awaitedNode(ctx: ReadContext, node: ts.TypeNode): ts.TypeNode {
  if (ts.isParenthesizedTypeNode(node)) return awaitedNode(ctx, node.type);
  if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && node.typeName.text === 'Promise' && node.typeArguments?.length === 1) {
    const declaration = ctx.checker.getSymbolAtLocation(node.typeName)?.declarations?.[0];
    if (declaration === undefined || declaration.getSourceFile().isDeclarationFile) return node.typeArguments[0]!;
  }
  return node;
}

/** Named types that the given types mention directly (not through other named types). */
export function refsOf(types: readonly TypeModel[]): string[] {
  const found = new Set<string>();
  const visit = (t: TypeModel): void => {
    switch (t.kind) {
      case 'ref': found.add(t.name); break;
      case 'array': case 'set': visit(t.element); break;
      case 'tuple': t.elements.forEach(visit); if (t.rest !== undefined) visit(t.rest); break;
      case 'map': visit(t.key); visit(t.value); break;
      case 'union': t.members.forEach(visit); break;
      case 'object': t.properties.forEach((p) => visit(p.type)); if (t.index !== undefined) visit(t.index.value); break;
      default: break;
    }
  };
  types.forEach(visit);
  return [...found];
}
