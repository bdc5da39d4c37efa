/**
 * What a pool needs before its first worker starts, made from the options it was given: the
 * resolved configuration (paths absolute, the workers' export condition, type stripping and the
 * compile cache in the workers' command line and environment, maxMemoryMB capped to what a
 * 32-bit worker can address), the warm-up, the confinement (which fails here, before any process
 * starts, when the kernel cannot enforce what confine asks), the platform's isolation of the
 * workers and their pipes' home.
 */
import { resolve as resolvePath } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { resolveConfig, type PoolConfig, type ResolvedConfig } from './config.js';
import { ConfigurationError } from './errors.js';
import { platform } from './platform/index.js';
import type { PoolIsolation } from './platform/platform.js';
import type { ServiceDescriptor } from './service.js';
import { resolveWarmUp, type WarmUp } from './warm-up.js';
import { typeStrippingArgs } from './type-stripping.js';
import { WORKER_CONDITION_ARGS } from './worker-condition.js';
import { withCompileCache } from './compile-cache.js';
import { prepareConfinement, type PoolConfinement } from './confine/index.js';
import { isLoopback } from './inspect.js';

const MIB = 1024 * 1024;

export interface PoolSetup {
  readonly config: ResolvedConfig;
  readonly warmUp: WarmUp | undefined;
  readonly confinement: PoolConfinement | undefined;
  /** Opened here: whoever gets the setup closes it. */
  readonly isolation: PoolIsolation;
  readonly pipeHome: string | undefined;
}

/** Throws ConfigurationError for bad options, ConfinementUnsupportedError for what cannot be confined. */
export async function setUpPool(service: ServiceDescriptor, options: PoolConfig): Promise<PoolSetup> {
  if (!isMainThread) {
    // The parent-death signal follows the thread that spawned the worker: spawned from a
    // worker thread, workers would be killed when that thread ends, not when the process does.
    throw new ConfigurationError([{ field: 'ProcessPool', problem: 'cannot be created on a worker thread; create the pool on the main thread and pass results to the thread' }]);
  }
  const given = resolveConfig(options);
  const warmUp = resolveWarmUp(service, given.warmUp);
  let config: ResolvedConfig = { ...given, workerModule: resolvePath(given.workerModule), workerEntry: resolvePath(given.workerEntry) };
  config = { ...config, execArgv: [...WORKER_CONDITION_ARGS, ...typeStrippingArgs(config), ...config.execArgv], env: withCompileCache(config.env) };
  const ceiling = await platform.workerMemoryCeilingBytes?.(config.workerExecutable);
  if (ceiling !== undefined && config.maxMemoryMB * MIB > ceiling) {
    // A 32-bit worker fails its allocations long before a 64-bit threshold: recycle it first.
    const capped = Math.floor(ceiling / MIB);
    config.logger.info(`maxMemoryMB ${config.maxMemoryMB} is past what workerExecutable "${config.workerExecutable}" can address; using ${capped}`);
    config = { ...config, maxMemoryMB: capped };
  }
  if (config.inspect !== undefined && !isLoopback(config.inspect.host)) {
    config.logger.warn(`inspect.host is ${JSON.stringify(config.inspect.host)}, not a loopback address: whoever can reach it can attach to a worker and run any code there; use "127.0.0.1" unless that network is yours alone`);
  }
  const confinement = await prepareConfinement(config);
  const isolation = platform.openIsolation({ processMemoryLimitBytes: config.hardMemoryLimitMB === undefined ? undefined : config.hardMemoryLimitMB * MIB });
  try {
    // Last: a step above that fails leaves no directory behind.
    return { config, warmUp, confinement, isolation, pipeHome: await platform.createPipeHome(config.pipeNamePrefix) };
  } catch (error) {
    await isolation.close();
    throw error;
  }
}
