/**
 * The generated client repeats each method's signature as the user wrote it, so editors show
 * the user's own type names. Every name those signatures use must then be imported into the
 * client: from the file that declares it, or the way the declaring file imported it (a package,
 * another file of the project). Globals (Date, Map, Buffer, Partial, …) need nothing.
 */
import { ts } from 'ts-morph';
import { DiagnosticId } from './diagnostics.js';
import type { SignatureImport } from './model.js';
import { report, type ReadContext } from './read-type.js';

/** Adds to `imports` (keyed by local name) what the type nodes mention; reports names it cannot import. */
export function collectSignatureImports(
  ctx: ReadContext, member: string, nodes: readonly ts.Node[], imports: Map<string, SignatureImport>,
): void {
  const visit = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node)) use(ctx, member, leftmost(node.typeName), imports);
    else if (ts.isTypeQueryNode(node)) use(ctx, member, leftmost(node.exprName), imports);
    else if (ts.isExpressionWithTypeArguments(node) && ts.isIdentifier(node.expression)) use(ctx, member, node.expression, imports);
    else if (ts.isImportTypeNode(node)) {
      report(ctx, DiagnosticId.NotSupportedYet, node, member, `${member}: the import type ${node.getText()} is not supported in a signature`,
        'import the type with an import declaration at the top of the file');
    }
    ts.forEachChild(node, visit);
  };
  nodes.forEach(visit);
}

function leftmost(name: ts.EntityName): ts.Identifier {
  return ts.isIdentifier(name) ? name : leftmost(name.left);
}

function use(ctx: ReadContext, member: string, id: ts.Identifier, imports: Map<string, SignatureImport>): void {
  const symbol = ctx.checker.getSymbolAtLocation(id);
  if (symbol === undefined) return; // unresolved: the type reader reports it
  const found = importFor(ctx, member, id, symbol);
  if (found === undefined) return;
  const existing = imports.get(found.local);
  if (existing === undefined) {
    imports.set(found.local, found);
  } else if (existing.from !== found.from || existing.name !== found.name) {
    report(ctx, DiagnosticId.NameCollision, id, member,
      `${member} uses ${found.local}, and another signature of the service uses a different type of the same name`,
      `import one of them under another name (import type { ${found.local} as Other${found.local} } …)`);
  }
}

function importFor(ctx: ReadContext, member: string, id: ts.Identifier, symbol: ts.Symbol): SignatureImport | undefined {
  const local = id.text;
  if (symbol.flags & ts.SymbolFlags.Alias) {
    const declaration = symbol.declarations?.[0];
    if (declaration === undefined) return undefined;
    const importDeclaration = ts.findAncestor(declaration, ts.isImportDeclaration);
    if (importDeclaration === undefined || !ts.isStringLiteral(importDeclaration.moduleSpecifier)) {
      report(ctx, DiagnosticId.NotSupportedYet, id, member, `${member}: ${local} is imported in a way the generated client cannot repeat`,
        `import ${local} with an import declaration (import type { ${local} } from '…')`);
      return undefined;
    }
    const name = ts.isImportSpecifier(declaration) ? (declaration.propertyName ?? declaration.name).text
      : ts.isNamespaceImport(declaration) ? '*'
      : 'default';
    const specifier = importDeclaration.moduleSpecifier.text;
    if (!specifier.startsWith('.') && !specifier.startsWith('/')) return { from: specifier, fromIsFile: false, name, local };
    const moduleSymbol = ctx.checker.getSymbolAtLocation(importDeclaration.moduleSpecifier);
    const file = moduleSymbol?.valueDeclaration;
    if (file === undefined || !ts.isSourceFile(file)) return undefined; // unresolved: reported as such by the type reader
    return { from: file.fileName, fromIsFile: true, name, local };
  }
  const declaration = symbol.declarations?.[0];
  if (declaration === undefined || symbol.flags & ts.SymbolFlags.TypeParameter) return undefined;
  const sf = declaration.getSourceFile();
  // A global of TypeScript's lib (Date, Partial) or of a package's declarations (Buffer).
  if (isGlobal(declaration)) return undefined;
  const exported = (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Export) !== 0 || isExportedByName(sf, symbol.name);
  if (!exported) {
    const nameNode = (declaration as { name?: ts.Node }).name ?? declaration;
    report(ctx, DiagnosticId.NotExported, nameNode, member,
      `${member} uses ${symbol.name}, which is not exported; the generated client imports it`, `export ${symbol.name}`);
    return undefined;
  }
  return { from: sf.fileName, fromIsFile: true, name: symbol.name, local };
}

/** Declared in a script (no imports or exports), such as TypeScript's lib: visible everywhere. */
function isGlobal(declaration: ts.Node): boolean {
  const sf = declaration.getSourceFile();
  if (ts.findAncestor(declaration, (n) => ts.isModuleDeclaration(n) && n.name.getText() === 'global') !== undefined) return true;
  return !ts.isExternalModule(sf);
}

/** `export { Point }` at the end of the file. */
function isExportedByName(sf: ts.SourceFile, name: string): boolean {
  return sf.statements.some((s) => ts.isExportDeclaration(s) && s.moduleSpecifier === undefined && s.exportClause !== undefined
    && ts.isNamedExports(s.exportClause) && s.exportClause.elements.some((e) => (e.propertyName ?? e.name).text === name));
}
