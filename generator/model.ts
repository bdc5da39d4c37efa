/**
 * The service model: what the generator knows about an interface once it has been read from
 * source. Everything the generated files depend on is here, and nothing about ts-morph, so the
 * validators, the view model and the interface hash are plain functions of this data.
 */

/** A type the generator can check and send. `ref` names a type declared in the input file. */
export type TypeModel =
  | { readonly kind: 'string' }
  | { readonly kind: 'number' }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'null' }
  | { readonly kind: 'undefined' }
  /** Return types only: accepts undefined or null. */
  | { readonly kind: 'void' }
  | { readonly kind: 'literal'; readonly value: string | number | boolean }
  /** `Uint8Array` (a Buffer is one) or, where the interface says so, `Buffer`. */
  | { readonly kind: 'binary'; readonly buffer: boolean }
  | { readonly kind: 'array'; readonly element: TypeModel }
  | { readonly kind: 'object'; readonly properties: readonly PropertyModel[] }
  | { readonly kind: 'union'; readonly members: readonly TypeModel[] }
  | { readonly kind: 'ref'; readonly name: string };

export interface PropertyModel {
  readonly name: string;
  readonly optional: boolean;
  readonly type: TypeModel;
}

/** An interface or type alias of the input file that the service uses. */
export interface NamedTypeModel {
  readonly name: string;
  /** 1-based line of its declaration, for back-links in generated code. */
  readonly line: number;
  /** Position in the file, so generated code lists named types in declaration order. */
  readonly position: number;
  readonly exported: boolean;
  /** The interface's body as an object type, or the alias's target. */
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
  /** 1-based line of the method's name, for `@see IFoo.ts:line` back-links. */
  readonly line: number;
  readonly params: readonly ParameterModel[];
  /** The awaited return type (`Promise<T>` unwrapped). */
  readonly result: TypeModel;
  /** The awaited return type as written in the source. */
  readonly resultText: string;
  /** The JSDoc blocks' inner text (tags included), or undefined when there is none. */
  readonly doc: string | undefined;
  /** From `@timeout 5s`. */
  readonly timeoutMs: number | undefined;
  /** From `@idempotent`. */
  readonly idempotent: boolean;
  /** Named types the signature mentions directly; the client imports them. */
  readonly signatureRefs: readonly string[];
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
}
