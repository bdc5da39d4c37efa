/**
 * The instruments read from pool.stats() as the meter collects: workers by state, the queue's
 * length, and each worker's memory as the parent last measured it (every monitorIntervalMs).
 * One batch callback, so that a collection takes one snapshot for all four.
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
  const workingSet = meter.createObservableGauge(METRICS.workingSet, { description: 'Physical memory a worker uses (Linux VmRSS, Windows WorkingSetSize)', unit: 'By' });
  const privateMemory = meter.createObservableGauge(METRICS.privateMemory, { description: 'Private memory a worker committed (Linux VmData, Windows PrivateUsage)', unit: 'By' });
  const observables: Observable[] = [workers, queue, workingSet, privateMemory];

  const callback: BatchObservableCallback = (result) => {
    const stats = pool.stats();
    const counts = new Map<WorkerState, number>(STATES.map((state) => [state, 0]));
    for (const w of stats.workers) {
      counts.set(w.state, (counts.get(w.state) ?? 0) + 1);
      const memory = w.resources;
      if (memory === undefined) continue;
      const worker = { ...service, [ATTRIBUTES.workerId]: w.workerId };
      if (memory.workingSetBytes !== null) result.observe(workingSet, memory.workingSetBytes, worker);
      if (memory.privateBytes !== null) result.observe(privateMemory, memory.privateBytes, worker);
    }
    for (const [state, count] of counts) result.observe(workers, count, byState.get(state) ?? { ...service, [ATTRIBUTES.workerState]: state });
    result.observe(queue, stats.queued, service);
  };
  meter.addBatchObservableCallback(callback, observables);
  subscriptions.add(() => meter.removeBatchObservableCallback(callback, observables));
}
