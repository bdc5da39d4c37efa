/**
 * The input file → one ServiceModel per service interface. A service interface is an exported
 * interface that declares methods and that no other type of the file refers to (data interfaces
 * such as `Point` are not services), or the one named with `--interface`. Methods a service
 * inherits from the interfaces it extends (in this file or imported) are its methods too. Every
 * problem is reported, not just the first, so one run shows all there is to fix.
 */
import { basename } from 'node:path';
import { ts, type SourceFile } from 'ts-morph';
import { DiagnosticId, makeDiagnostic, type Diagnostic } from './diagnostics.js';
import type { MethodModel, NamedTypeModel, ServiceModel, SignatureImport } from './model.js';
import { generatedNames } from './names.js';
import { readMethod, refsOf } from './read-method.js';
import { propertyName, report, type ReadContext } from './read-type.js';

export interface ReadResult {
  readonly services: readonly ServiceModel[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Reads the services of the input file, loaded in a program (see program.ts). */
export function readServices(sourceFile: SourceFile, interfaceName?: string): ReadResult {
  const program = sourceFile.getProject().getProgram().compilerObject;
  const sf = sourceFile.compilerNode;
  const diagnostics: Diagnostic[] = [];
  const syntax = program.getSyntacticDiagnostics(sf);
  for (const d of syntax) {
    const file = d.file ?? sf;
    const start = d.start ?? 0;
    diagnostics.push(makeDiagnostic(DiagnosticId.SyntaxError, { file: file.fileName, text: file.text, start, end: start + (d.length ?? 1) }, {
      member: undefined,
      message: `${basename(file.fileName)} does not parse: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`,
      fix: 'fix the syntax error (tsc --noEmit shows the same)',
    }));
  }
  if (diagnostics.length > 0) return { services: [], diagnostics };

  const checker = program.getTypeChecker();
  const services: ServiceModel[] = [];
  const all: Diagnostic[] = [];
  const declarations = findServiceInterfaces(sourceFile, checker, all, interfaceName);
  for (const decl of declarations) {
    // Each service is read on its own: names and "reported once" are per service.
    const ctx: ReadContext = {
      checker, sourceFile, diagnostics: [], named: new Map(), names: new Set(), typeNames: new Map(), reported: new Set(),
    };
    const service = readService(ctx, decl);
    for (const d of ctx.diagnostics) {
      if (!all.some((a) => a.id === d.id && a.file === d.file && a.line === d.line && a.column === d.column)) all.push(d);
    }
    services.push(service);
  }
  const failed = all.some((d) => d.severity === 'error');
  return { services: failed ? [] : services, diagnostics: all };
}

function findServiceInterfaces(
  sourceFile: SourceFile, checker: ts.TypeChecker, diagnostics: Diagnostic[], interfaceName: string | undefined,
): ts.InterfaceDeclaration[] {
  const sf = sourceFile.compilerNode;
  const ctx: ReadContext = {
    checker, sourceFile, diagnostics, named: new Map(), names: new Set(), typeNames: new Map(), reported: new Set(),
  };
  const all = sf.statements.filter(ts.isInterfaceDeclaration);
  const exported = (d: ts.InterfaceDeclaration): boolean => (ts.getCombinedModifierFlags(d) & ts.ModifierFlags.Export) !== 0;
  if (interfaceName !== undefined) {
    const decl = all.find((i) => i.name.text === interfaceName);
    if (decl === undefined) {
      noInterface(ctx, `${basename(sf.fileName)} declares no interface named ${interfaceName}`,
        all.length > 0 ? `use one of: ${all.map((i) => i.name.text).join(', ')}` : `declare export interface ${interfaceName} { … }`);
      return [];
    }
    if (!exported(decl)) {
      report(ctx, DiagnosticId.NotExported, decl.name, interfaceName,
        `${interfaceName} is not exported; the generated files import it`, `write export interface ${interfaceName}`);
      return [];
    }
    return [decl];
  }
  // A data type with a method (refused when a service uses it) is not a service of its own.
  const used = new Set<string>();
  const visit = (node: ts.Node, owner: string | undefined): void => {
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && node.typeName.text !== owner) used.add(node.typeName.text);
    ts.forEachChild(node, (child) => visit(child, ts.isInterfaceDeclaration(node) ? node.name.text : owner));
  };
  visit(sf, undefined);
  const hasMethods = (d: ts.InterfaceDeclaration): boolean =>
    d.members.some(ts.isMethodSignature) || (d.heritageClauses?.length ?? 0) > 0 && checker.getPropertiesOfType(checker.getTypeAtLocation(d))
      .some((p) => (p.flags & ts.SymbolFlags.Method) !== 0);
  const services = all.filter((i) => exported(i) && hasMethods(i) && !used.has(i.name.text));
  const seen = new Set<string>();
  for (const decl of services) {
    const name = decl.name.text;
    if (seen.has(name)) {
      report(ctx, DiagnosticId.NotSupportedYet, decl.name, name,
        `${name} is declared twice; merged interface declarations are not supported`, `declare ${name} once`);
    }
    seen.add(name);
  }
  if (services.length === 0) {
    noInterface(ctx, `${basename(sf.fileName)} exports no interface with methods`,
      'export an interface that declares the service\'s methods, or name one with --interface');
  }
  return services.filter((d, i) => services.findIndex((o) => o.name.text === d.name.text) === i);
}

function noInterface(ctx: ReadContext, message: string, fix: string): void {
  const sf = ctx.sourceFile.compilerNode;
  ctx.diagnostics.push(makeDiagnostic(DiagnosticId.NoInterface, { file: sf.fileName, text: sf.text, start: 0, end: 0 }, { member: undefined, message, fix }));
}

function readService(ctx: ReadContext, decl: ts.InterfaceDeclaration): ServiceModel {
  const name = decl.name.text;
  const typeParameter = decl.typeParameters?.[0];
  if (typeParameter !== undefined) {
    report(ctx, DiagnosticId.GenericMethod, typeParameter, name, `${name} is generic; the generated code must know the exact types to check them`,
      `declare a non-generic service: export interface IUsers extends ${name}<User> {}`);
  }
  const imports = new Map<string, SignatureImport>();
  imports.set(name, { from: ctx.sourceFile.getFilePath(), fromIsFile: true, name, local: name });
  const methods: MethodModel[] = [];
  for (const { member, owner } of serviceMembers(ctx, decl, name)) {
    if (!ts.isMethodSignature(member)) {
      notAMethod(ctx, owner, member);
      continue;
    }
    const methodName = propertyName(member.name);
    const memberName = `${name}.${methodName ?? member.name.getText()}`;
    if (methodName === undefined) {
      const computed = member.name.getText();
      const id = computed.includes('Symbol') ? DiagnosticId.SymbolType : DiagnosticId.NotSupportedYet;
      report(ctx, id, member.name, memberName,
        `${memberName}: the computed method name ${computed} cannot be called across a process boundary`, 'give the method a plain name');
      continue;
    }
    const method = readMethod(ctx, member, methodName, memberName, imports);
    if (method !== undefined) methods.push(method);
  }
  checkClientName(ctx, name, decl, imports);
  return {
    name,
    sourceName: basename(ctx.sourceFile.getFilePath()),
    line: ctx.sourceFile.compilerNode.getLineAndCharacterOfPosition(decl.name.getStart()).line + 1,
    methods,
    types: reachedTypes(ctx, methods),
    imports: [...imports.values()].sort((a, b) => (a.local < b.local ? -1 : a.local > b.local ? 1 : 0)),
  };
}

/**
 * The members of a service: those of the interfaces it extends first (depth first, in the order
 * written), then its own; a member redeclared lower down replaces the inherited one. A name
 * declared twice in one interface is an overload.
 */
function serviceMembers(ctx: ReadContext, decl: ts.InterfaceDeclaration, service: string): { member: ts.TypeElement; owner: string }[] {
  const byName = new Map<string, { member: ts.TypeElement; owner: string }>();
  const unnamed: { member: ts.TypeElement; owner: string }[] = [];
  const visited = new Set<ts.InterfaceDeclaration>();
  const walk = (d: ts.InterfaceDeclaration): void => {
    if (visited.has(d)) return;
    visited.add(d);
    for (const clause of d.heritageClauses ?? []) {
      for (const base of clause.types) {
        const symbol = ctx.checker.getTypeAtLocation(base.expression).getSymbol() ?? ctx.checker.getSymbolAtLocation(base.expression);
        const target = symbol !== undefined && symbol.flags & ts.SymbolFlags.Alias ? ctx.checker.getAliasedSymbol(symbol) : symbol;
        const bases = (target?.declarations ?? []).filter(ts.isInterfaceDeclaration);
        if (bases.length === 0 || bases.some((b) => b.getSourceFile().isDeclarationFile && /\/node_modules\//.test(b.getSourceFile().fileName))) {
          report(ctx, DiagnosticId.NotSupportedYet, base, service, `${service} extends ${base.getText()}, which is not an interface of this project`,
            'extend only service interfaces declared in your own files');
          continue;
        }
        if ((base.typeArguments?.length ?? 0) > 0 || bases.some((b) => (b.typeParameters?.length ?? 0) > 0)) {
          report(ctx, DiagnosticId.GenericMethod, base, service, `${service} extends the generic interface ${base.getText()}; its methods' types depend on the arguments`,
            `declare the methods in ${service} with concrete types, or make the base interface non-generic`);
          continue;
        }
        bases.forEach(walk);
      }
    }
    const own = new Set<string>();
    for (const member of d.members) {
      const key = member.name !== undefined ? propertyName(member.name) : undefined;
      if (key === undefined || !ts.isMethodSignature(member)) {
        unnamed.push({ member, owner: service });
        continue;
      }
      if (own.has(key)) {
        report(ctx, DiagnosticId.Overload, member.name, `${service}.${key}`,
          `${service}.${key} is overloaded; the worker could not tell which signature a call means`,
          'give each signature its own method name, or merge them into one signature with a union type');
        continue;
      }
      own.add(key);
      byName.delete(key); // re-inserted last: a redeclared member takes the place of the inherited one
      byName.set(key, { member, owner: service });
    }
  };
  walk(decl);
  return [...byName.values(), ...unnamed];
}

/** The client class must not share its name with a type the signatures use. */
function checkClientName(ctx: ReadContext, service: string, decl: ts.InterfaceDeclaration, imports: ReadonlyMap<string, SignatureImport>): void {
  const className = generatedNames(service).clientClass;
  if (!imports.has(className)) return;
  const declared = ctx.sourceFile.compilerNode.statements
    .map((s) => (ts.isInterfaceDeclaration(s) || ts.isTypeAliasDeclaration(s) || ts.isEnumDeclaration(s) ? s.name : undefined))
    .find((n) => n?.text === className);
  report(ctx, DiagnosticId.NameCollision, declared ?? decl.name, service,
    `${service} uses ${className}, the name of the class the generated client declares`, `rename ${className}`);
}

function notAMethod(ctx: ReadContext, service: string, member: ts.TypeElement): void {
  const nameNode = member.name;
  const memberName = `${service}.${nameNode?.getText() ?? ts.SyntaxKind[member.kind]}`;
  const typeNode = ts.isPropertySignature(member) ? member.type : undefined;
  const fix = typeNode !== undefined && ts.isFunctionTypeNode(typeNode)
    ? `declare it as a method: ${nameNode?.getText() ?? 'name'}${typeNode.getText().replace(/\)\s*=>/, '):')}`
    : 'a service interface may only declare methods; send data as a method\'s parameters or result';
  const what = ts.isPropertySignature(member) ? 'is a property, not a method'
    : ts.isGetAccessor(member) ? 'is a getter, not a method'
    : ts.isSetAccessor(member) ? 'is a setter, not a method'
    : ts.isIndexSignatureDeclaration(member) ? 'is an index signature, not a method'
    : ts.isCallSignatureDeclaration(member) ? 'is a call signature, not a method'
    : 'is not a method';
  report(ctx, DiagnosticId.NotAMethod, nameNode ?? member, memberName, `${memberName} ${what}; the client can only call methods`, fix);
}

/** Every named type the methods reach, following named types into their bodies, in order of first use. */
function reachedTypes(ctx: ReadContext, methods: readonly MethodModel[]): Map<string, NamedTypeModel> {
  const byName = new Map<string, NamedTypeModel>();
  for (const state of ctx.named.values()) if (typeof state === 'object') byName.set(state.name, state);
  const reached = new Map<string, NamedTypeModel>();
  const queue = methods.flatMap((m) => refsOf([...m.params.map((p) => p.type), m.result]));
  for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
    const named = byName.get(name);
    if (reached.has(name) || named === undefined) continue;
    reached.set(name, named);
    queue.push(...refsOf([named.type]));
  }
  return new Map([...reached.values()].sort((a, b) => a.position - b.position).map((t) => [t.name, t]));
}
