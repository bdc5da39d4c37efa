/**
 * ServiceModel → the data the templates print. The templates hold the files' structure (the
 * classes, each method's signature and body, the dispatch table, the descriptor); this module
 * computes only what templates are bad at: local names that collide with nothing, the import
 * declarations, escaping (every string here is ready to print where its field's doc says), and
 * the validator functions, whose recursive bodies stay in code. The exported types are the
 * templates' contract, documented in docs/templates.md: changing them is a breaking change.
 */
import { relative } from 'node:path';
import { buildValidators } from './validators.js';
import { commentText, jsString, memberName, NameScope, propertyAccess } from './identifiers.js';
import { importDeclaration, relativeSpecifier } from './imports.js';
import type { MethodModel, ServiceModel, SignatureImport } from './model.js';
import { generatedNames } from './names.js';

/** Where the files go and what they are stamped with. */
export interface ViewContext {
  /** Absolute path of the input file. */
  readonly input: string;
  /** Absolute path of the folder the files are written to. */
  readonly outDir: string;
  /** Extension of relative imports in generated code (`.js`). */
  readonly importExtension: string;
  readonly version: string;
  /** First 16 hex digits of the SHA-256 of the input file's bytes. */
  readonly fileHash: string;
  readonly interfaceHash: string;
}

/** What the `stamp` partial prints at the top of every file. Every field is safe in a line comment. */
export interface StampView {
  /** sandbox-gen's version, `0.1.0`. */
  readonly version: string;
  /** Base name of the input file, `ICalculator.ts`. */
  readonly sourceName: string;
  /** First 16 hex digits of the SHA-256 of the input file's bytes. */
  readonly fileHash: string;
  readonly interfaceName: string;
  /** The interface hash, which the worker checks at its handshake (16 hex digits). */
  readonly interfaceHash: string;
}

export interface ParameterView {
  /** An identifier, as declared. */
  readonly name: string;
  /** The name as a string literal, `'points'`. */
  readonly nameLiteral: string;
  /** Declared with `?`. */
  readonly optional: boolean;
  /** The type as written in the source, on one line (`Point[]`). */
  readonly typeText: string;
}

/** Per-method policy from the JSDoc tags (`@timeout 5s`, `@idempotent`, `@priority 2`). */
export interface TagsView {
  readonly timeoutMs: number | undefined;
  readonly idempotent: boolean;
  readonly priority: number | undefined;
}

/** One method of the interface, in every template's view; `id` is its index, its number on the wire. */
export interface MethodView {
  readonly id: number;
  /** As declared; may not be an identifier (`'odd-name'(): void` is allowed). */
  readonly name: string;
  /** The name as a string literal, `'add'`. */
  readonly nameLiteral: string;
  /** The name as a class member is declared: `add`, or `'odd-name'`. */
  readonly memberName: string;
  /** Property access after an expression: `.add`, or `['odd-name']`. */
  readonly access: string;
  readonly params: readonly ParameterView[];
  /** How many leading parameters a call must give: up to the last one declared without `?`. */
  readonly required: number;
  /** The awaited result type as written (for a stream, the item type). */
  readonly resultText: string;
  /** Returns an async iterable: the client's method returns `AsyncIterable<resultText>`. */
  readonly stream: boolean;
  /** The JSDoc's lines, escaped for a block comment (empty lines stay empty); empty when there is none. */
  readonly doc: readonly string[];
  /** `ICalculator.ts:4`, the method's declaration, escaped for a block comment. */
  readonly see: string;
  readonly tags: TagsView;
}

export interface ClientMethodView extends MethodView {
  /** The per-call options parameter, a name none of the method's parameters uses (`options`). */
  readonly optionsName: string;
}

export interface CodecMethodView extends MethodView {
  /** The validator function of each argument, in order (`$number`). */
  readonly args: readonly string[];
  /** The validator function of the result (for a stream, of each item). */
  readonly result: string;
}

/** The local names under which the client imports the runtime and the descriptor (`ProcessPool`, or `ProcessPool_2` when the interface's types use the name). */
export interface ClientLocals {
  readonly ProcessPool: string;
  readonly siblingModule: string;
  readonly PoolConfig: string;
  readonly Remote: string;
  readonly CallOptions: string;
  readonly Caller: string;
  readonly Lease: string;
  readonly LeaseOptions: string;
  readonly WarmUpConfig: string;
  /** The service descriptor of the codec file; no parameter of any method shadows it. */
  readonly service: string;
}

export interface ClientView {
  readonly stamp: StampView;
  /** Finished import declarations, one a line: the runtime, the signatures' types, the codec. */
  readonly imports: readonly string[];
  readonly interfaceName: string;
  readonly classes: {
    /** `ICalculatorCalls`: the methods, which the client and its lease both extend. */
    readonly calls: string;
    /** `ICalculatorClient` */
    readonly client: string;
    /** `ICalculatorLease` */
    readonly lease: string;
  };
  readonly locals: ClientLocals;
  /** The worker entry's base name as a string literal, `'ICalculator.worker'`. */
  readonly workerFile: string;
  readonly methods: readonly ClientMethodView[];
}

export interface WorkerView {
  readonly stamp: StampView;
  readonly imports: readonly string[];
  readonly interfaceName: string;
  readonly locals: {
    readonly serveWorker: string;
    /** The service descriptor of the codec file. */
    readonly service: string;
  };
  readonly methods: readonly MethodView[];
}

export interface CodecView {
  readonly stamp: StampView;
  readonly imports: readonly string[];
  /** Every validator function's source, its doc comment included, in output order. */
  readonly validators: readonly string[];
  /** The exported descriptor, `ICalculatorService`. */
  readonly serviceConst: string;
  readonly locals: { readonly defineService: string };
  /** String literals: the interface's name, the input's base name, the interface hash. */
  readonly nameLiteral: string;
  readonly sourceLiteral: string;
  readonly interfaceHashLiteral: string;
  readonly methods: readonly CodecMethodView[];
}

export interface ServiceViews {
  readonly codec: CodecView;
  readonly client: ClientView;
  readonly worker: WorkerView;
}

const RUNTIME = 'process-sandbox';
const WORKER_RUNTIME = 'process-sandbox/worker';
/** The codec's own small entry: workers load it, and must not load the pool with it. */
const CODEC_RUNTIME = 'process-sandbox/codec';

export function buildViews(service: ServiceModel, ctx: ViewContext): ServiceViews {
  const stamp: StampView = {
    version: lineComment(ctx.version),
    sourceName: lineComment(service.sourceName),
    fileHash: ctx.fileHash,
    interfaceName: service.name,
    interfaceHash: ctx.interfaceHash,
  };
  const names = generatedNames(service.name);
  const inputSpecifier = relativeSpecifier(relative(ctx.outDir, ctx.input), ctx.importExtension);
  const codecSpecifier = relativeSpecifier(names.codecFile, ctx.importExtension);
  const methods = service.methods.map(methodView);
  return {
    codec: codecView(service, ctx, stamp, methods),
    client: clientView(service, ctx, stamp, methods, codecSpecifier),
    worker: workerView(service, stamp, methods, inputSpecifier, codecSpecifier),
  };
}

function methodView(m: MethodModel, id: number): MethodView {
  return {
    id,
    name: m.name,
    nameLiteral: jsString(m.name),
    memberName: memberName(m.name),
    access: propertyAccess(m.name),
    params: m.params.map((p) => ({ name: p.name, nameLiteral: jsString(p.name), optional: p.optional, typeText: p.typeText })),
    required: requiredCount(m),
    resultText: m.resultText,
    stream: m.stream,
    doc: m.doc === undefined ? [] : m.doc.split(/\r?\n/).map((l) => commentText(l.trimEnd())),
    see: commentText(`${m.sourceName}:${m.line}`),
    tags: { timeoutMs: m.timeoutMs, idempotent: m.idempotent, priority: m.priority },
  };
}

/** Leading parameters declared without `?`; a `T | undefined` parameter still counts, as TypeScript's own arity does. */
function requiredCount(m: MethodModel): number {
  let count = 0;
  m.params.forEach((p, i) => { if (!p.optional) count = i + 1; });
  return count;
}

/** A file name may hold a line break; a line comment may not. */
function lineComment(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]/g, ' ');
}

function codecView(service: ServiceModel, ctx: ViewContext, stamp: StampView, methods: readonly MethodView[]): CodecView {
  const validators = buildValidators(service);
  const runtime = [
    ...validators.runtime.map((name) => ({ name })),
    { name: 'defineService' },
    ...(validators.functions.length > 0 ? [{ name: 'Issue', type: true }] : []),
  ];
  return {
    stamp,
    imports: [importDeclaration(CODEC_RUNTIME, runtime)],
    validators: validators.functions,
    serviceConst: generatedNames(service.name).serviceConst,
    // The validators' scope reserves these names, so they are imported as they are.
    locals: { defineService: 'defineService' },
    nameLiteral: jsString(service.name),
    sourceLiteral: jsString(service.sourceName),
    interfaceHashLiteral: jsString(ctx.interfaceHash),
    methods: methods.map((m) => ({ ...m, args: validators.methods[m.id]!.args, result: validators.methods[m.id]!.result })),
  };
}

function clientView(
  service: ServiceModel, ctx: ViewContext, stamp: StampView, methods: readonly MethodView[], codecSpecifier: string,
): ClientView {
  const names = generatedNames(service.name);
  // The runtime's names give way to the user's: signatures repeat the user's types verbatim.
  const scope = new NameScope([...service.imports.map((i) => i.local), names.clientClass, names.leaseClass, names.callsClass]);
  const runtime = {
    ProcessPool: scope.claim('ProcessPool'),
    siblingModule: scope.claim('siblingModule'),
    PoolConfig: scope.claim('PoolConfig'),
    Remote: scope.claim('Remote'),
    CallOptions: scope.claim('CallOptions'),
    Caller: scope.claim('Caller'),
    Lease: scope.claim('Lease'),
    LeaseOptions: scope.claim('LeaseOptions'),
    WarmUpConfig: scope.claim('WarmUpConfig'),
  };
  // Method bodies name the descriptor, so no parameter may shadow it.
  const service$ = new NameScope([...scope.claimed(), ...service.methods.flatMap((m) => m.params.map((p) => p.name))]).claim('service');
  const imports = [
    importDeclaration(RUNTIME, [
      { name: 'ProcessPool', local: runtime.ProcessPool },
      { name: 'siblingModule', local: runtime.siblingModule },
      { name: 'PoolConfig', local: runtime.PoolConfig, type: true },
      { name: 'Remote', local: runtime.Remote, type: true },
      { name: 'CallOptions', local: runtime.CallOptions, type: true },
      { name: 'Caller', local: runtime.Caller, type: true },
      { name: 'Lease', local: runtime.Lease, type: true },
      { name: 'LeaseOptions', local: runtime.LeaseOptions, type: true },
      { name: 'WarmUpConfig', local: runtime.WarmUpConfig, type: true },
    ]),
    ...signatureImports(service.imports, ctx),
    importDeclaration(codecSpecifier, [{ name: names.serviceConst, local: service$ }]),
  ];
  return {
    stamp,
    imports,
    interfaceName: service.name,
    classes: { calls: names.callsClass, client: names.clientClass, lease: names.leaseClass },
    locals: { ...runtime, service: service$ },
    workerFile: jsString(names.workerFile),
    // Per-call options (an AbortSignal) follow the interface's own parameters, under a name none of them uses.
    methods: methods.map((m) => ({ ...m, optionsName: new NameScope(m.params.map((p) => p.name)).claim('options') })),
  };
}

/** One type-only import declaration per module the signatures' names come from, files first, in path order. */
function signatureImports(imports: readonly SignatureImport[], ctx: ViewContext): string[] {
  const byModule = new Map<string, SignatureImport[]>();
  for (const i of imports) {
    const specifier = i.fromIsFile ? relativeSpecifier(relative(ctx.outDir, i.from), ctx.importExtension) : i.from;
    byModule.set(specifier, [...(byModule.get(specifier) ?? []), i]);
  }
  const order = (a: string, b: string): number => Number(!a.startsWith('.')) - Number(!b.startsWith('.')) || (a < b ? -1 : a > b ? 1 : 0);
  return [...byModule.keys()].sort(order).flatMap((specifier) => {
    const names = byModule.get(specifier)!;
    const quoted = jsString(specifier);
    const lines: string[] = [];
    // Default and namespace imports each take a declaration of their own.
    for (const n of names.filter((n) => n.name === '*')) lines.push(`import type * as ${n.local} from ${quoted};`);
    for (const n of names.filter((n) => n.name === 'default')) lines.push(`import type ${n.local} from ${quoted};`);
    const named = names.filter((n) => n.name !== '*' && n.name !== 'default');
    if (named.length > 0) lines.push(importDeclaration(specifier, named.map((n) => ({ name: n.name, local: n.local, type: true }))));
    return lines;
  });
}

function workerView(
  service: ServiceModel, stamp: StampView, methods: readonly MethodView[], inputSpecifier: string, codecSpecifier: string,
): WorkerView {
  const names = generatedNames(service.name);
  const scope = new NameScope([service.name]);
  const serveWorker = scope.claim('serveWorker');
  const service$ = scope.claim('service');
  return {
    stamp,
    imports: [
      importDeclaration(WORKER_RUNTIME, [{ name: 'serveWorker', local: serveWorker }]),
      importDeclaration(inputSpecifier, [{ name: service.name, type: true }]),
      importDeclaration(codecSpecifier, [{ name: names.serviceConst, local: service$ }]),
    ],
    interfaceName: service.name,
    locals: { serveWorker, service: service$ },
    methods,
  };
}
