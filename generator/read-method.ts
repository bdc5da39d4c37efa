/**
 * One method signature → MethodModel: parameters, result (`Promise<T>` unwrapped), JSDoc tags,
 * and the refusals that are about the method itself (reserved names, generics).
 */
import { Node, type MethodSignature } from 'ts-morph';
import { DiagnosticId } from './diagnostics.js';
import type { MethodModel, ParameterModel, TypeModel } from './model.js';
import { fail, readType, report, type ReadContext, type Where } from './read-type.js';
import { readTags } from './tags.js';
import { oneLineTypeText } from './type-text.js';

/**
 * Members of the generated client, and `then`, which would make every client a thenable that
 * `await` tries to unwrap.
 */
const RESERVED_METHODS = new Set(['close', 'pool', 'create', 'constructor', 'then']);

export function readMethod(ctx: ReadContext, member: MethodSignature, name: string, memberName: string): MethodModel | undefined {
  const nameNode = member.getNameNode();
  const before = ctx.diagnostics.length;
  if (RESERVED_METHODS.has(name)) {
    report(ctx, DiagnosticId.ReservedName, nameNode, memberName,
      `${memberName} has the same name as a member of the generated client (close, pool, create, constructor, then)`,
      `rename the method: the generated client uses "${name}" itself`);
  }
  const typeParameter = member.getTypeParameters()[0];
  if (typeParameter !== undefined) {
    report(ctx, DiagnosticId.GenericMethod, typeParameter, memberName,
      `${memberName} is generic; the generated code must know the exact types to check them`,
      'replace the type parameter with the concrete type (or a union of them)');
    // Its parameters mention the type parameter; reporting each of those would only repeat this.
    return undefined;
  }
  if (member.hasQuestionToken()) {
    report(ctx, DiagnosticId.NotSupportedYet, nameNode, memberName,
      `${memberName} is optional, which is not supported yet`, 'declare the method without ?');
  }

  const params: ParameterModel[] = [];
  for (const param of member.getParameters()) {
    const paramName = param.getNameNode();
    const label = `parameter "${paramName.getText()}"`;
    const where: Where = { member: memberName, label, path: paramName.getText() };
    if (!Node.isIdentifier(paramName)) {
      fail(ctx, DiagnosticId.NotSupportedYet, paramName, where, 'is destructured, which is not supported yet', 'name the parameter');
      continue;
    }
    if (paramName.getText() === 'this') {
      fail(ctx, DiagnosticId.NotSupportedYet, paramName, where, 'declares the type of this, which is not supported', 'remove the this parameter');
      continue;
    }
    if (param.isRestParameter()) {
      fail(ctx, DiagnosticId.NotSupportedYet, param, where, 'is a rest parameter, which is not supported yet', 'take an array parameter instead');
      continue;
    }
    const typeNode = param.getTypeNode();
    if (typeNode === undefined) {
      fail(ctx, DiagnosticId.NotSupportedYet, param, where, 'has no type annotation', `declare its type: ${paramName.getText()}: string`);
      continue;
    }
    const type = readType(ctx, typeNode, where);
    if (type !== undefined) {
      params.push({ name: paramName.getText(), optional: param.hasQuestionToken(), type, typeText: oneLineTypeText(typeNode) });
    }
  }

  const returnNode = member.getReturnTypeNode();
  const resultWhere: Where = { member: memberName, label: 'the result', path: 'result' };
  let result: TypeModel | undefined;
  let resultText = '';
  if (returnNode === undefined) {
    fail(ctx, DiagnosticId.NotSupportedYet, nameNode, resultWhere, 'has no type annotation', `declare it: ${name}(…): Promise<void>`);
  } else {
    result = readType(ctx, returnNode, resultWhere, 'result');
    resultText = oneLineTypeText(awaitedNode(returnNode));
  }

  const tags = readTags(member);
  if (tags.badTimeout !== undefined) {
    report(ctx, DiagnosticId.BadTimeout, tags.badTimeout, memberName,
      `${memberName}: @timeout ${JSON.stringify(tags.badTimeout.text)} is not a duration`,
      'write a whole number of milliseconds with its unit: @timeout 250ms, @timeout 5s, @timeout 2m');
  }
  if (result === undefined || ctx.diagnostics.length > before) return undefined;
  return {
    name,
    line: nameNode.getStartLineNumber(),
    params,
    result,
    resultText,
    doc: tags.doc,
    timeoutMs: tags.timeoutMs,
    idempotent: tags.idempotent,
    signatureRefs: refsOf([...params.map((p) => p.type), result]),
  };
}

/** `Promise<T>` → the node of `T`; anything else unchanged. */
function awaitedNode(node: Node): Node {
  if (Node.isParenthesizedTypeNode(node)) return awaitedNode(node.getTypeNode());
  if (Node.isTypeReference(node) && node.getTypeName().getText() === 'Promise' && node.getTypeArguments().length === 1
      && node.getSourceFile().getInterface('Promise') === undefined && node.getSourceFile().getTypeAlias('Promise') === undefined) {
    return node.getTypeArguments()[0]!;
  }
  return node;
}

/** Named types that the given types mention directly (not through other named types). */
export function refsOf(types: readonly TypeModel[]): string[] {
  const found = new Set<string>();
  const visit = (t: TypeModel): void => {
    switch (t.kind) {
      case 'ref': found.add(t.name); break;
      case 'array': visit(t.element); break;
      case 'union': t.members.forEach(visit); break;
      case 'object': t.properties.forEach((p) => visit(p.type)); break;
      default: break;
    }
  };
  types.forEach(visit);
  return [...found];
}
