/**
 * The pool's warmUp option checked against the interface: the method must be one of the
 * service's, and its arguments must pass that method's generated validators. Checked at
 * create(), before any process starts, so a typo is a ConfigurationError rather than every
 * worker failing to start. Running it is WorkerProcess's part: after the worker's ready, before
 * it takes a call.
 */
import type { ResolvedConfig } from './config.js';
import { ConfigurationError, isSandboxError, unprefixed } from './errors.js';
import { checkArguments, type MethodDescriptor, type ServiceDescriptor } from './service.js';

/** A warm-up each new worker runs before it takes calls. */
export interface WarmUp {
  readonly method: MethodDescriptor;
  readonly args: readonly unknown[];
}

export function resolveWarmUp(service: ServiceDescriptor, warmUp: ResolvedConfig['warmUp']): WarmUp | undefined {
  if (warmUp === undefined) return undefined;
  const method = service.methods.find((m) => m.name === warmUp.method);
  if (method === undefined) {
    throw new ConfigurationError([{
      field: 'warmUp.method',
      problem: `${JSON.stringify(warmUp.method)} is not a method of ${service.name}; the methods are ${service.methods.map((m) => m.name).join(', ')}`,
    }]);
  }
  try {
    checkArguments(method, warmUp.args);
  } catch (error) {
    if (!isSandboxError(error)) throw error;
    const why = unprefixed(error);
    throw new ConfigurationError([{ field: 'warmUp.args', problem: `do not fit ${service.name}.${method.name}(${method.params.join(', ')}): ${why}` }]);
  }
  return { method, args: warmUp.args };
}
