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
 * Overlapped recycling paces recycling for calls: a worker is not recycled for the calls it
 * served before it has lived this many times as long as its own start took. Without it, fast
 * calls retire a worker sooner than a replacement can start (1,000 calls of a few microseconds
 * take 30 ms; a Node start takes 60–100 ms here), so the pool would start processes without
 * pause, a CPU's worth of work, and every worker would spend its short life with its code not
 * yet optimised. Paced, starting replacements costs about a tenth of a CPU at most, and a worker
 * serves at least its threshold. Memory, handles and lifetime are never paced; with
 * overlappedRecycle false nothing is (a worker then serves exactly its threshold).
 */
export const CALLS_PACE = 10;

/** How long before its paced recycle a worker's replacement starts, in the worker's own start times. */
const CALLS_LEAD = 2;

/**
 * For a worker past (or near) its calls threshold: how many ms until it may be recycled for its
 * calls, and until its replacement should start; zero or less is now.
 */
export function callsPaceMs(startMs: number, ageMs: number): { dueInMs: number; nearInMs: number } {
  const dueInMs = CALLS_PACE * startMs - ageMs;
  return { dueInMs, nearInMs: dueInMs - CALLS_LEAD * startMs };
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
