/**
 * The service model: what the generator knows about an interface once it has been read from
 * source. Everything the generated files depend on is here, and nothing about ts-morph, so the
 * validators, the view model and the interface hash are plain functions of this data.
 */

/** Classes of binary values, each carried as itself (a Buffer stays a Buffer, an Int16Array an Int16Array). */
export const BINARY_CLASSES = [
  'Uint8Array', 'Buffer', 'ArrayBuffer', 'Int8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array',
] as const;
export type BinaryClass = (typeof BINARY_CLASSES)[number];

/** A type the generator can check and send. `ref` names a named type of `ServiceModel.types`. */
export type TypeModel =
  | { readonly kind: 'string' }
  | { readonly kind: 'number' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'bigint' }
  | { readonly kind: 'null' }
  | { readonly kind: 'undefined' }
  /** Return types only: accepts undefined or null. */
  | { readonly kind: 'void' }
  /** `unknown` or `any`: any value the codec carries exactly, unchecked beyond that. */
  | { readonly kind: 'unknown' }
  | { readonly kind: 'literal'; readonly value: string | number | boolean }
  /** A bigint literal type; the value in decimal. */
  | { readonly kind: 'bigint-literal'; readonly value: string }
  | { readonly kind: 'date' }
  /** A typed array, a Buffer (kept apart from Uint8Array) or an ArrayBuffer. */
  | { readonly kind: 'binary'; readonly class: BinaryClass }
  | { readonly kind: 'array'; readonly element: TypeModel }
  /** `[a, b?, ...c[]]`: `required` leading elements, then optional ones, then an optional rest. */
  | { readonly kind: 'tuple'; readonly elements: readonly TypeModel[]; readonly required: number; readonly rest: TypeModel | undefined }
  | { readonly kind: 'map'; readonly key: TypeModel; readonly value: TypeModel }
  | { readonly kind: 'set'; readonly element: TypeModel }
  | ObjectModel
  | { readonly kind: 'union'; readonly members: readonly TypeModel[] }
  | { readonly kind: 'ref'; readonly name: string };

export interface ObjectModel {
  readonly kind: 'object';
  readonly properties: readonly PropertyModel[];
  /** An index signature (`[k: string]: V`, `Record<string, V>`): every other own key must hold a V. */
  readonly index: IndexModel | undefined;
}

export interface PropertyModel {
  readonly name: string;
  readonly optional: boolean;
  readonly type: TypeModel;
}

export interface IndexModel {
  /** `number` keys are the own keys that read as numbers (`"3"`, `"-1.5"`). */
  readonly key: 'string' | 'number';
  readonly value: TypeModel;
}

/** A named type (interface, alias, enum, or a generic one with its arguments) that the service uses. */
export interface NamedTypeModel {
  /** Unique within the service: `Point`, `Page<User>`, or `User_2` when two files declare a User. */
  readonly name: string;
  /** Base name of the file that declares it, for back-links in generated code. */
  readonly sourceName: string;
  /** 1-based line of its declaration. */
  readonly line: number;
  /** Order of first use, so generated code lists named types deterministically. */
  readonly position: number;
  /** The interface's body as an object type, the alias's target, or the enum's values. */
  readonly type: TypeModel;
}

export interface ParameterModel {
  readonly name: string;
  /** Declared with `?`: callers may leave it out. */
  readonly optional: boolean;
  readonly type: TypeModel;
  /** Its type as written in the source, on one line, for the client's signature. */
  readonly typeText: string;
}

export interface MethodModel {
  readonly name: string;
  /** Base name of the file that declares the method (a base interface may live elsewhere). */
  readonly sourceName: string;
  /** 1-based line of the method's name, for `@see IFoo.ts:line` back-links. */
  readonly line: number;
  readonly params: readonly ParameterModel[];
  /** The awaited return type (`Promise<T>` unwrapped); for a stream, the type of each item. */
  readonly result: TypeModel;
  /** The awaited return type (for a stream, the item type) as written in the source. */
  readonly resultText: string;
  /**
   * It returns `AsyncIterable<T>`, `AsyncIterableIterator<T>` or `AsyncGenerator<T>` (the global
   * ones): the client returns `AsyncIterable<T>` and the worker sends the items as they come.
   */
  readonly stream: boolean;
  /** The JSDoc blocks' inner text (tags included), or undefined when there is none. */
  readonly doc: string | undefined;
  /** From `@timeout 5s`. */
  readonly timeoutMs: number | undefined;
  /** From `@idempotent`. */
  readonly idempotent: boolean;
  /** From `@priority n`: the default priority of the method's calls in the pool's queue. */
  readonly priority: number | undefined;
}

/** A type import the generated client needs to repeat the interface's signatures verbatim. */
export interface SignatureImport {
  /** Absolute path of a module file, or a bare package specifier. */
  readonly from: string;
  readonly fromIsFile: boolean;
  /** `default`, `*` (namespace), or the exported name. */
  readonly name: string;
  /** The name the signatures use. */
  readonly local: string;
}

export interface ServiceModel {
  /** The interface's name, `ICalculator`. */
  readonly name: string;
  /** Base name of the input file, `ICalculator.ts`. */
  readonly sourceName: string;
  readonly line: number;
  readonly methods: readonly MethodModel[];
  /** Every named type the methods reach, directly or through other named types. */
  readonly types: ReadonlyMap<string, NamedTypeModel>;
  /** What the client imports for its signatures (the interface itself included), sorted. */
  readonly imports: readonly SignatureImport[];
}
