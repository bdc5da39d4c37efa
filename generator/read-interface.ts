/**
 * The input file → one ServiceModel per service interface. A service interface is an exported
 * interface that declares methods and that no other type of the file refers to (data interfaces
 * such as `Point` are not services), or the one named with `--interface`. Every problem is reported, not just the first, so one run shows all
 * there is to fix.
 */
import { basename } from 'node:path';
import { Node, Project, SyntaxKind, ts, type InterfaceDeclaration } from 'ts-morph';
import { DiagnosticId, makeDiagnostic, type Diagnostic } from './diagnostics.js';
import type { MethodModel, NamedTypeModel, ServiceModel } from './model.js';
import { generatedNames } from './names.js';
import { readMethod, refsOf } from './read-method.js';
import { fail, propertyName, report, type ReadContext, type Where } from './read-type.js';

export interface ReadResult {
  readonly services: readonly ServiceModel[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads the services of `text`, the contents of the file at `file` (an absolute path). */
export function readServices(file: string, text: string, interfaceName?: string): ReadResult {
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { noLib: true } });
  const sourceFile = project.createSourceFile(`/${basename(file)}`, text);
  const ctx: ReadContext = { sourceFile, file, diagnostics: [], named: new Map() };

  const syntax = project.getProgram().compilerObject.getSyntacticDiagnostics(sourceFile.compilerNode);
  for (const d of syntax) {
    const start = d.start ?? 0;
    ctx.diagnostics.push(makeDiagnostic(DiagnosticId.SyntaxError, { file, text, start, end: start + (d.length ?? 1) }, {
      member: undefined,
      message: `${basename(file)} does not parse: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      fix: 'fix the syntax error (tsc --noEmit shows the same)',
    }));
  }
  if (ctx.diagnostics.length > 0) return { services: [], diagnostics: ctx.diagnostics };

  const services = findServiceInterfaces(ctx, interfaceName).map((decl) => readService(ctx, decl));
  return { services: ctx.diagnostics.length > 0 ? [] : services, diagnostics: ctx.diagnostics };
}

function findServiceInterfaces(ctx: ReadContext, interfaceName: string | undefined): InterfaceDeclaration[] {
  const { sourceFile } = ctx;
  const all = sourceFile.getInterfaces();
  if (interfaceName !== undefined) {
    const decl = all.find((i) => i.getName() === interfaceName);
    if (decl === undefined) {
      noInterface(ctx, `${sourceFile.getBaseName()} declares no interface named ${interfaceName}`,
        all.length > 0 ? `use one of: ${all.map((i) => i.getName()).join(', ')}` : `declare export interface ${interfaceName} { … }`);
      return [];
    }
    if (!decl.isExported()) {
      report(ctx, DiagnosticId.NotExported, decl.getNameNode(), interfaceName,
        `${interfaceName} is not exported; the generated files import it`, `write export interface ${interfaceName}`);
      return [];
    }
    return [decl];
  }
  // A data type with a method (refused when a service uses it) is not a service of its own.
  const used = new Set(sourceFile.getDescendantsOfKind(SyntaxKind.TypeReference)
    .filter((ref) => ref.getFirstAncestorByKind(SyntaxKind.InterfaceDeclaration)?.getName() !== ref.getTypeName().getText())
    .map((ref) => ref.getTypeName().getText()));
  const services = all.filter((i) => i.isExported() && i.getMethods().length > 0 && !used.has(i.getName()));
  const seen = new Set<string>();
  for (const decl of services) {
    const name = decl.getName();
    if (seen.has(name)) {
      report(ctx, DiagnosticId.NotSupportedYet, decl.getNameNode(), name,
        `${name} is declared twice; merged interface declarations are not supported yet`, `declare ${name} once`);
    }
    seen.add(name);
  }
  if (services.length === 0) {
    noInterface(ctx, `${sourceFile.getBaseName()} exports no interface with methods`,
      'export an interface that declares the service\'s methods, or name one with --interface');
  }
  return services;
}

function noInterface(ctx: ReadContext, message: string, fix: string): void {
  const text = ctx.sourceFile.getFullText();
  ctx.diagnostics.push(makeDiagnostic(DiagnosticId.NoInterface, { file: ctx.file, text, start: 0, end: 0 }, { member: undefined, message, fix }));
}

function readService(ctx: ReadContext, decl: InterfaceDeclaration): ServiceModel {
  const name = decl.getName();
  const where: Where = { member: name, label: 'the interface', path: name };
  const typeParameter = decl.getTypeParameters()[0];
  if (typeParameter !== undefined) {
    fail(ctx, DiagnosticId.NotSupportedYet, typeParameter, where, 'is generic, which is not supported yet',
      `remove the type parameters of ${name}`);
  }
  const base = decl.getExtends()[0];
  if (base !== undefined) {
    fail(ctx, DiagnosticId.NotSupportedYet, base, where, `extends ${base.getText()}, which is not supported yet`,
      `declare the methods of ${base.getText()} in ${name}`);
  }

  const methods: MethodModel[] = [];
  const seen = new Set<string>();
  for (const member of decl.getMembers()) {
    if (!Node.isMethodSignature(member)) {
      notAMethod(ctx, name, member);
      continue;
    }
    const methodName = propertyName(member.getNameNode());
    const memberName = `${name}.${methodName ?? member.getNameNode().getText()}`;
    if (methodName === undefined) {
      const computed = member.getNameNode().getText();
      const id = computed.includes('Symbol') ? DiagnosticId.SymbolType : DiagnosticId.NotSupportedYet;
      report(ctx, id, member.getNameNode(), memberName,
        `${memberName}: the computed method name ${computed} cannot be called across a process boundary`, 'give the method a plain name');
      continue;
    }
    if (seen.has(methodName)) {
      report(ctx, DiagnosticId.Overload, member.getNameNode(), memberName,
        `${memberName} is overloaded; the worker could not tell which signature a call means`,
        'give each signature its own method name, or merge them into one signature with a union type');
      continue;
    }
    seen.add(methodName);
    const method = readMethod(ctx, member, methodName, memberName);
    if (method !== undefined) methods.push(method);
  }

  checkImports(ctx, name, methods);
  return {
    name,
    sourceName: ctx.sourceFile.getBaseName(),
    line: decl.getStartLineNumber(),
    methods,
    types: reachedTypes(ctx, methods),
  };
}

/**
 * The client repeats the signatures as written, so it imports every type they name: those must
 * be exported, and must not be named like the class the client declares.
 */
function checkImports(ctx: ReadContext, service: string, methods: readonly MethodModel[]): void {
  const className = generatedNames(service).clientClass;
  const reported = new Set<string>();
  for (const method of methods) {
    for (const ref of method.signatureRefs) {
      const named = ctx.named.get(ref);
      if (reported.has(ref) || named === undefined || typeof named === 'string') continue;
      const decl = ctx.sourceFile.getInterface(ref) ?? ctx.sourceFile.getTypeAliasOrThrow(ref);
      const memberName = `${service}.${method.name}`;
      if (!named.exported) {
        reported.add(ref);
        report(ctx, DiagnosticId.NotExported, decl.getNameNode(), memberName,
          `${memberName} uses ${ref}, which is not exported; the generated client imports it`, `export ${ref}`);
      } else if (ref === className) {
        reported.add(ref);
        report(ctx, DiagnosticId.NameCollision, decl.getNameNode(), memberName,
          `${memberName} uses ${ref}, the name of the class the generated client declares`, `rename ${ref}`);
      }
    }
  }
}

function notAMethod(ctx: ReadContext, service: string, member: Node): void {
  const nameNode = Node.isPropertySignature(member) ? member.getNameNode() : undefined;
  const memberName = `${service}.${nameNode?.getText() ?? member.getKindName()}`;
  const typeNode = Node.isPropertySignature(member) ? member.getTypeNode() : undefined;
  const fix = typeNode !== undefined && Node.isFunctionTypeNode(typeNode)
    ? `declare it as a method: ${nameNode?.getText() ?? 'name'}${typeNode.getText().replace(/\)\s*=>/, '):')}`
    : 'a service interface may only declare methods; send data as a method\'s parameters or result';
  const what = Node.isPropertySignature(member) ? 'is a property, not a method' : `is a ${member.getKindName()}, not a method`;
  report(ctx, DiagnosticId.NotAMethod, nameNode ?? member, memberName, `${memberName} ${what}; the client can only call methods`, fix);
}

/** Every named type the methods reach, following named types into their bodies. */
function reachedTypes(ctx: ReadContext, methods: readonly MethodModel[]): Map<string, NamedTypeModel> {
  const reached = new Map<string, NamedTypeModel>();
  const queue = methods.flatMap((m) => refsOf([...m.params.map((p) => p.type), m.result]));
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const named = ctx.named.get(name);
    if (reached.has(name) || named === undefined || typeof named === 'string') continue;
    reached.set(name, named);
    queue.push(...refsOf([named.type]));
  }
  return new Map([...reached.values()].sort((a, b) => a.position - b.position).map((t) => [t.name, t]));
}
