/** The counters of workers' lives, from the pool's point channels (runtime/diagnostics.ts). */
import type { Meter } from '@opentelemetry/api';
import type { RecycleReason } from '../recycle-policy.js';
import type { ExitReason } from '../worker-process.js';
import { ATTRIBUTES, METRICS } from './names.js';
import type { InstrumentablePool } from './pool-like.js';
import type { Subscriptions } from './subscriptions.js';

interface PoolMessage { readonly poolId: number }

export function countWorkers(meter: Meter, pool: InstrumentablePool, subscriptions: Subscriptions): void {
  const service = { [ATTRIBUTES.service]: pool.service.name };
  const starts = meter.createCounter(METRICS.workerStarts, { description: 'Worker processes spawned', unit: '{start}' });
  const crashes = meter.createCounter(METRICS.workerCrashes, { description: 'Workers that died: a crash, or a broken protocol', unit: '{crash}' });
  const recycles = meter.createCounter(METRICS.workerRecycles, { description: 'Workers retired and replaced', unit: '{recycle}' });
  subscriptions.channel<PoolMessage>('process-sandbox:worker:start', (message) => {
    if (message.poolId === pool.id) starts.add(1, service);
  });
  // What stats().totals.crashes counts: a timed-out or cancelled worker was killed by the pool.
  subscriptions.channel<PoolMessage & { reason: ExitReason }>('process-sandbox:worker:exit', (message) => {
    if (message.poolId === pool.id && (message.reason === 'crash' || message.reason === 'protocol')) {
      crashes.add(1, { ...service, [ATTRIBUTES.exitReason]: message.reason });
    }
  });
  subscriptions.channel<PoolMessage & { reason: RecycleReason }>('process-sandbox:worker:recycle', (message) => {
    if (message.poolId === pool.id) recycles.add(1, { ...service, [ATTRIBUTES.recycleReason]: message.reason });
  });
}
