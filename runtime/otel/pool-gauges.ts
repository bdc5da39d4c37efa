/**
 * The instruments read from pool.stats() as the meter collects: workers by state, the queue's
 * length, and the memory of the pool's largest worker as the parent last measured it (every
 * monitorIntervalMs). One batch callback, so that a collection takes one snapshot for all four.
 *
 * Memory is one point per pool, not one per worker: the SDK keeps every attribute set an
 * asynchronous instrument ever reported and exports its last value again at each collection
 * (cumulative temporality, sdk-metrics 2.x), so a `worker.id` attribute would report every dead
 * worker's memory forever and grow by a series per replaced worker. The largest worker is the one
 * nearest a memory recycle threshold, which is what a dashboard watches.
 */
import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import type { WorkerState } from '../worker-process.js';
import { ATTRIBUTES, METRICS } from './names.js';
import type { InstrumentablePool } from './pool-like.js';
import type { Subscriptions } from './subscriptions.js';

/** Every state is reported, 0 when no worker is in it, so that a series does not vanish and reappear. */
const STATES: readonly WorkerState[] = ['starting', 'idle', 'busy', 'leased', 'retiring', 'stopping'];

export function observePool(meter: Meter, pool: InstrumentablePool, subscriptions: Subscriptions): void {
  const service = { [ATTRIBUTES.service]: pool.service.name };
  const byState = new Map(STATES.map((state) => [state, { ...service, [ATTRIBUTES.workerState]: state }]));
  const workers = meter.createObservableUpDownCounter(METRICS.workers, { description: 'Worker processes of the pool, by state', unit: '{worker}' });
  const queue = meter.createObservableUpDownCounter(METRICS.queueLength, { description: 'Calls waiting for a worker', unit: '{call}' });
  const workingSet = meter.createObservableGauge(METRICS.workingSet, { description: 'Physical memory in use by the pool\'s largest worker (Linux VmRSS, Windows WorkingSetSize)', unit: 'By' });
  const privateMemory = meter.createObservableGauge(METRICS.privateMemory, { description: 'Private memory committed by the pool\'s largest worker (Linux VmData, Windows PrivateUsage)', unit: 'By' });
  const observables: Observable[] = [workers, queue, workingSet, privateMemory];

  const callback: BatchObservableCallback = (result) => {
    const stats = pool.stats();
    const counts = new Map<WorkerState, number>(STATES.map((state) => [state, 0]));
    let largestWorkingSet: number | undefined;
    let largestPrivate: number | undefined;
    for (const w of stats.workers) {
      counts.set(w.state, (counts.get(w.state) ?? 0) + 1);
      const memory = w.resources;
      if (memory === undefined) continue;
      if (memory.workingSetBytes !== null) largestWorkingSet = Math.max(largestWorkingSet ?? 0, memory.workingSetBytes);
      if (memory.privateBytes !== null) largestPrivate = Math.max(largestPrivate ?? 0, memory.privateBytes);
    }
    for (const [state, count] of counts) result.observe(workers, count, byState.get(state) ?? { ...service, [ATTRIBUTES.workerState]: state });
    result.observe(queue, stats.queued, service);
    // None measured yet (or the platform cannot): no point, rather than a made-up 0.
    if (largestWorkingSet !== undefined) result.observe(workingSet, largestWorkingSet, service);
    if (largestPrivate !== undefined) result.observe(privateMemory, largestPrivate, service);
  };
  meter.addBatchObservableCallback(callback, observables);
  subscriptions.add(() => meter.removeBatchObservableCallback(callback, observables));
}
