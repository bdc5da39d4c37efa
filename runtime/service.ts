/**
 * The seam between generated code and the runtime. Generated codecs describe a service as data
 * (names, ids, validators); the runtime moves bytes and never knows the interface. Keep it that
 * way: a runtime fix must not require regenerating.
 */
import { ValidationError } from './errors.js';
import type { Check } from './validation.js';
import type { CallOptions } from './call.js';
import { validationError } from './validation.js';

export interface MethodDescriptor {
  /** Index in the service's method list; what travels on the wire. */
  readonly id: number;
  readonly name: string;
  /** Parameter names, in order. */
  readonly params: readonly string[];
  /** How many leading parameters are required (the rest are optional). */
  readonly required: number;
  /** One validator per parameter. */
  readonly args: readonly Check[];
  /** Validator of the (awaited) return value; for a stream, of each item. */
  readonly result: Check;
  /** Per-method timeout from the interface's `@timeout` tag, overriding methodCallTimeoutMs. */
  readonly timeoutMs?: number | undefined;
  /** From `@idempotent`: the runtime may retry it on a fresh worker after a crash. */
  readonly idempotent?: boolean | undefined;
  /** From `@priority n`: the method's calls wait in the queue at this priority unless a call says otherwise. */
  readonly priority?: number | undefined;
  /** It returns `AsyncIterable<T>`: the worker sends its items as they come (runtime/stream.ts). */
  readonly stream?: boolean | undefined;
}

export interface ServiceDescriptor {
  /** The interface's name, `ICalculator`. */
  readonly name: string;
  /** The interface's source file, relative to where it was generated from, for messages. */
  readonly source: string;
  /** Hash of everything about the interface that the wire depends on. */
  readonly interfaceHash: string;
  readonly methods: readonly MethodDescriptor[];
}

/** Identity function that gives generated descriptors their type. */
export function defineService<const S extends ServiceDescriptor>(service: S): S {
  return service;
}

/** Throws ValidationError when `args` do not fit the method's parameters. */
export function checkArguments(method: MethodDescriptor, args: readonly unknown[]): void {
  const { params } = method;
  if (args.length > params.length) {
    throw new ValidationError({
      method: method.name,
      path: 'arguments',
      expected: `at most ${params.length} argument${params.length === 1 ? '' : 's'}`,
      received: `${args.length}`,
    });
  }
  for (let i = 0; i < params.length; i++) {
    const value = args[i];
    if (value === undefined && i >= method.required) continue;
    const found = method.args[i]!(value);
    if (found !== undefined) throw validationError(method.name, { argument: params[i]! }, found);
  }
}

/** Throws ValidationError when a result does not fit the method's return type. */
export function checkResult(method: MethodDescriptor, value: unknown): void {
  const found = method.result(value);
  if (found !== undefined) throw validationError(method.name, 'result', found);
}

/** The ValidationError for a streamed item (the `index`th, from 0) that does not fit the item type, or undefined. */
export function checkItem(method: MethodDescriptor, value: unknown, index: number): ValidationError | undefined {
  const found = method.result(value);
  return found === undefined ? undefined : validationError(method.name, { item: index }, found);
}

/** The URL of a module beside `fromUrl`, with the same extension (`.js` beside `.js`, `.ts` beside `.ts`). */
export function siblingModule(fromUrl: string, baseName: string): URL {
  const match = /\.[cm]?[jt]s$/.exec(new URL(fromUrl).pathname);
  return new URL(`./${baseName}${match?.[0] ?? '.js'}`, fromUrl);
}

/**
 * What generated methods call: the pool (any worker) or a lease (its one worker). Generated code
 * depends on this shape only.
 */
export interface Caller {
  call<T>(method: MethodDescriptor, args: unknown[], options?: CallOptions): Promise<T>;
  stream<T>(method: MethodDescriptor, args: unknown[], options?: CallOptions): AsyncIterable<T>;
}

/**
 * The client's view of an interface: every method returns a promise of its awaited result, and a
 * method returning `AsyncIterable<T>` (or `AsyncIterableIterator<T>`, `AsyncGenerator<T>`)
 * returns `AsyncIterable<T>`.
 */
export type Remote<T> = {
  [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => RemoteResult<R> : never;
};

/**
 * What a client method returns for an implementation's `R`. Tuple-wrapped so a union result is
 * not distributed (`Promise<A | B>`, not `Promise<A> | Promise<B>`), and `any` stays a promise.
 */
export type RemoteResult<R> = 0 extends 1 & R ? Promise<R>
  : [R] extends [AsyncIterable<infer T>] ? AsyncIterable<T> : Promise<Awaited<R>>;
