/**
 * When a worker should be recycled: the seed's triggers (calls served, lifetime, memory,
 * handles, GDI and USER objects), each threshold lowered by a random 0–10% per worker so that
 * workers born together do not all retire at the same moment.
 */
import type { ResolvedConfig } from './config.js';
import type { ResourceSample } from './platform/resources.js';

export type RecycleReason = 'calls' | 'lifetime' | 'memory' | 'handles' | 'gdi' | 'user' | 'error';

export interface WorkerLimits {
  readonly calls: number;
  readonly lifetimeMs: number;
  readonly memoryBytes: number;
  readonly handles: number;
  readonly gdiObjects: number;
  readonly userObjects: number;
}

export interface LimitCrossed {
  readonly reason: RecycleReason;
  readonly measured: number;
  readonly limit: number;
  /** What was measured, for logs: `working set`, `private bytes`, … */
  readonly what: string;
}

const JITTER = 0.1;
const MIB = 1024 * 1024;

/** This worker's thresholds; `random` is injectable for tests. */
export function jitteredLimits(config: ResolvedConfig, random: () => number = Math.random): WorkerLimits {
  const lower = (value: number): number => Math.max(1, Math.round(value * (1 - random() * JITTER)));
  return {
    calls: lower(config.processRecycleThreshold),
    lifetimeMs: lower(config.maxProcessLifetimeMs),
    memoryBytes: lower(config.maxMemoryMB * MIB),
    handles: lower(config.maxTotalHandles),
    gdiObjects: lower(config.maxGdiHandles),
    userObjects: lower(config.maxUserHandles),
  };
}

/**
 * How far towards a threshold a worker gets before its replacement starts (overlapped
 * recycling): 90% of its calls or of a resource limit, as IIS's overlapped rotation suggests.
 */
export const NEAR = 0.9;

/**
 * A replacement started because a worker served its calls costs a process start, and fast calls
 * can ask for one sooner than a start takes (1,000 calls of a few microseconds take 30 ms; a Node
 * start 60–100 ms here): unpaced, the pool would start processes back to back, a whole CPU of
 * work, and every worker would spend its short life unoptimised. So, with overlapped recycling,
 * such starts are paced per pool: each costs CALLS_PACE times the start time of the worker it
 * replaces, and one is granted at once when the pool has paid for the last (no burst); until then
 * the next waits its turn, the worker serving on. A pool that recycles now and then recycles
 * exactly at the threshold; one that would recycle without pause spends about a tenth of a CPU on
 * starts. (A generic cell rate algorithm without burst, the leaky bucket of traffic shaping.) A
 * grant whose worker then leaves for another reason (a crash, a timeout, memory) is given back:
 * the replacement it started stands in for that worker, and such replacements are never paced.
 * Memory, handles and lifetime are never paced; with overlappedRecycle false nothing is.
 */
export const CALLS_PACE = 10;

const cost = (startMs: number): number => CALLS_PACE * Math.max(1, startMs);

export class CallsRecyclePace {
  /** When the bucket is empty again (the "theoretical arrival time"), Date.now() milliseconds. */
  #emptyAt = -Infinity;

  /**
   * Asks to start a replacement for a worker whose start took `startMs`: 0 when granted (it is
   * counted), else how many ms until one may be.
   */
  take(now: number, startMs: number): number {
    if (this.#emptyAt > now) return Math.ceil(this.#emptyAt - now);
    this.#emptyAt = now + cost(startMs);
    return 0;
  }

  /** Gives back a grant made for a worker whose start took `startMs`. */
  refund(now: number, startMs: number): void {
    this.#emptyAt = Math.max(now, this.#emptyAt - cost(startMs));
  }
}

/** The most of a lifetime spent waiting on standby: a replacement starts this long before the old worker's end. */
const LIFETIME_LEAD_MAX_MS = 30_000;

/** When a worker's replacement should start, for its lifetime limit: shortly before the end, never before 90% of it. */
export function lifetimeLeadMs(lifetimeMs: number): number {
  return Math.min(Math.round(lifetimeMs * (1 - NEAR)), LIFETIME_LEAD_MAX_MS);
}

/**
 * The first threshold a sample crosses, if any, with each threshold scaled by `fraction` (NEAR
 * asks whether the worker is close). Unmeasured (null) fields never trigger.
 */
export function limitCrossed(sample: ResourceSample, limits: WorkerLimits, fraction = 1): LimitCrossed | undefined {
  const checks: [RecycleReason, string, number | null, number][] = [
    ['memory', 'working set', sample.workingSetBytes, limits.memoryBytes],
    ['memory', 'private bytes', sample.privateBytes, limits.memoryBytes],
    ['handles', 'handles', sample.handleCount, limits.handles],
    ['gdi', 'GDI objects', sample.gdiObjects, limits.gdiObjects],
    ['user', 'USER objects', sample.userObjects, limits.userObjects],
  ];
  for (const [reason, what, measured, limit] of checks) {
    if (measured !== null && measured > limit * fraction) return { reason, what, measured, limit };
  }
  return undefined;
}
