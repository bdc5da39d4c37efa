/** Loads the implementation named by workerModule/workerExport and checks it has every method. */
import { pathToFileURL } from 'node:url';
import type { ServiceDescriptor } from '../runtime/service.js';

export class ImplementationError extends Error {
  override readonly name = 'ImplementationError';
}

/** The implementation: the instance calls run on and, for a class export, how to make another (one per lease). */
export interface Implementation {
  readonly impl: Record<string, unknown>;
  readonly construct: (() => Record<string, unknown>) | undefined;
}

export async function loadImplementation(service: ServiceDescriptor, workerModule: string, workerExport: string): Promise<Implementation> {
  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(workerModule).href) as Record<string, unknown>;
  } catch (error) {
    const e = error as Error & { code?: string };
    const why = e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND' ? 'it was not found'
      : e.code === 'ERR_UNKNOWN_FILE_EXTENSION' && /\.[cm]?ts$/.test(workerModule)
        ? `Node.js ${process.versions.node} in this worker does not load TypeScript (22.18 and later do; 22.6 to 22.17 with --experimental-strip-types in execArgv)`
        : `it threw while loading: ${e.name}: ${e.message}`;
    throw new ImplementationError(`cannot load workerModule "${workerModule}": ${why}. Set workerModule to the module that implements ${service.name}`, { cause: error });
  }
  if (!(workerExport in exports)) {
    const names = Object.keys(exports);
    throw new ImplementationError(`workerModule "${workerModule}" has no export "${workerExport}"; its exports are: ${names.length > 0 ? names.join(', ') : '(none)'}. Set workerExport to the one that implements ${service.name}`);
  }
  const exported = exports[workerExport];
  let impl: unknown = exported;
  const construct = typeof exported !== 'function' ? undefined : (): Record<string, unknown> => {
    try {
      return new (exported as new () => Record<string, unknown>)();
    } catch (error) {
      const e = error as Error;
      throw new ImplementationError(`constructing export "${workerExport}" of "${workerModule}" threw: ${e.name}: ${e.message}`, { cause: error });
    }
  };
  if (construct !== undefined) impl = construct();
  if (typeof impl !== 'object' || impl === null) {
    throw new ImplementationError(`export "${workerExport}" of "${workerModule}" is ${impl === null ? 'null' : typeof impl}; expected a class or an object that implements ${service.name}`);
  }
  const target = impl as Record<string, unknown>;
  const missing = service.methods.filter((m) => typeof target[m.name] !== 'function').map((m) => m.name);
  if (missing.length > 0) {
    throw new ImplementationError(`export "${workerExport}" of "${workerModule}" lacks method${missing.length === 1 ? '' : 's'} of ${service.name}: ${missing.join(', ')}`);
  }
  return { impl: target, construct };
}
