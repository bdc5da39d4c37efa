/**
 * Confinement, the application's side: when a pool with `confine` starts, what this machine can
 * enforce is probed (./kernel.ts); a knob it cannot enforce fails the start with
 * ConfinementUnsupportedError, or with onUnsupported 'warn' is logged; then each worker gets its
 * plan (./worker-plan.ts) in its bootstrap, and its hello must report at least what is expected
 * (./shortfall.ts). The worker's side is worker-template/confine/.
 */
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../config.js';
import { ConfinementUnsupportedError } from '../errors.js';
import { probeKernel } from './kernel.js';
import type { ResolvedConfine } from './options.js';
import type { WorkerConfinePlan } from './plan.js';
import type { Confinement } from './report.js';
import { expectedConfinement, unsupportedKnobs } from './requirements.js';
import { workerPlan } from './worker-plan.js';
import { defaultConfinedEnv } from './confined-env.js';

export type { ConfineOptions, ResolvedConfine } from './options.js';
export type { Confinement, Enforcement } from './report.js';

export interface PoolConfinement {
  /** What each worker is told to enforce; undefined where the platform confines nothing (warned). */
  readonly plan: WorkerConfinePlan | undefined;
  /** What each worker must report. */
  readonly expected: Confinement;
  /** The environment a confined worker starts with (its first image): see worker-plan.ts. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /**
   * On Linux, the script the pool starts in the worker entry's place, with the entry's command
   * line as its arguments: the first image, which restricts itself and executes the entry
   * (worker-template/confine/first-image.ts). Undefined where the worker has one image.
   */
  readonly firstImage: string | undefined;
}

/** dist/runtime/confine/ → dist/worker-template/confine/first-image.cjs (worker-template/bundle.mjs). */
const FIRST_IMAGE = fileURLToPath(new URL('../../worker-template/confine/first-image.cjs', import.meta.url));

export async function prepareConfinement(config: ResolvedConfig): Promise<PoolConfinement | undefined> {
  const confine = config.confine;
  if (confine === undefined) return undefined;
  const kernel = await probeKernel();
  const missing = unsupportedKnobs(confine, kernel);
  if (missing.length > 0) {
    const error = new ConfinementUnsupportedError(missing, confine.onUnsupported);
    if (confine.onUnsupported === 'fail') throw error;
    config.logger.warn(error.message);
  }
  const plan = kernel.platform === 'linux' ? workerPlan(config, confine, kernel)
    : kernel.platform === 'win32' ? windowsPlan(confine) : undefined;
  // Linux: without an env of the pool's own, the application's secrets stay out (confined-env.ts).
  const env = plan !== undefined && plan.windows === undefined && !config.envGiven ? defaultConfinedEnv(config.env) : { ...config.env };
  // Linux's first image never needs it; a Windows worker (one image) only with the network.
  if (plan !== undefined && (plan.windows === undefined || !confine.network)) delete env['NODE_EXTRA_CA_CERTS'];
  const linux = plan !== undefined && plan.windows === undefined;
  // The second image gets it back, if the pool gave it (worker-plan.ts).
  if (linux) delete env['NODE_OPTIONS'];
  return { plan, expected: expectedConfinement(confine, kernel), env, firstImage: linux ? FIRST_IMAGE : undefined };
}

/** Windows: the parent's job limits (runtime/platform/win32/job.ts) and the worker's token. */
function windowsPlan(confine: ResolvedConfine): WorkerConfinePlan {
  return {
    windows: { parentPid: process.pid, lowIntegrity: confine.write.length === 0 },
    landlockAbi: 0, seccomp: false, rules: [], secondImageEnv: {},
    network: confine.network, childProcesses: confine.childProcesses,
  };
}
