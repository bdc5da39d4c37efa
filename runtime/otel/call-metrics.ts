/**
 * process_sandbox.call.duration and process_sandbox.queue.wait, from each call's settling on
 * `process-sandbox:call` (asyncEnd carries its outcome and times).
 */
import type { Attributes, Meter } from '@opentelemetry/api';
import type { CallOutcome, CallTraceContext } from '../diagnostics.js';
import { ATTRIBUTES, METRICS } from './names.js';
import type { InstrumentablePool } from './pool-like.js';
import type { Subscriptions } from './subscriptions.js';

/**
 * From 100 µs (a small call's run) to a minute: OpenTelemetry's default boundaries start at 0 and
 * then 5 ms, which would put nearly every call in one bucket.
 */
const SECONDS_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function recordCallMetrics(meter: Meter, pool: InstrumentablePool, subscriptions: Subscriptions): void {
  const duration = meter.createHistogram(METRICS.callDuration, {
    description: 'How long calls ran: the send to a worker to its end (0 for a call that never reached a worker)',
    unit: 's', advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  });
  const wait = meter.createHistogram(METRICS.queueWait, {
    description: 'How long calls that reached a worker waited for one',
    unit: 's', advice: { explicitBucketBoundaries: SECONDS_BUCKETS },
  });
  const attributes = new AttributeCache(pool.service.name);
  subscriptions.calls({
    // The pool traces a call only when start has a subscriber (diagnostics.ts): this is that one.
    start: () => {},
    asyncEnd: (call: CallTraceContext) => {
      if (call.poolId !== pool.id) return;
      // Every call is recorded, so that the histogram's count is the calls by outcome (as
      // http.client.request.duration counts requests); one that never reached a worker ran 0 s.
      duration.record((call.runMs ?? 0) / 1000, attributes.of(call.method, call.outcome ?? 'ok'));
      if (call.queuedMs !== undefined) wait.record(call.queuedMs / 1000, attributes.of(call.method));
    },
  });
}

/** One attribute object per method and outcome, made once: a call records without allocating them. */
class AttributeCache {
  readonly #service: string;
  readonly #byMethod = new Map<string, Map<CallOutcome | undefined, Attributes>>();

  constructor(service: string) {
    this.#service = service;
  }

  of(method: string, outcome?: CallOutcome): Attributes {
    let byOutcome = this.#byMethod.get(method);
    if (byOutcome === undefined) this.#byMethod.set(method, byOutcome = new Map());
    let attributes = byOutcome.get(outcome);
    if (attributes === undefined) {
      attributes = { [ATTRIBUTES.service]: this.#service, [ATTRIBUTES.method]: method };
      if (outcome !== undefined) attributes[ATTRIBUTES.outcome] = outcome;
      byOutcome.set(outcome, attributes);
    }
    return attributes;
  }
}
