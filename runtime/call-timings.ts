/**
 * Per-method latency: how long calls waited for a worker and how long they ran on one, kept in
 * perf_hooks histograms (HDR, fixed memory, about 0.1 µs a record) and summarised by stats().
 * Only calls that reached a worker are recorded, whatever their outcome: a timed-out call's run
 * time is its timeout. A call sent as it is made waited 0. A retried @idempotent call is recorded
 * once, as it settles: its queue wait runs from its first wait (or send) to its last send, so it
 * covers the earlier attempts. reset() starts every histogram afresh (pool.resetStats()), since a
 * lifetime p99 never recovers from one bad hour.
 */
import { createHistogram, type RecordableHistogram } from 'node:perf_hooks';
import type { MethodDescriptor } from './service.js';

/** A latency distribution in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly min: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

/** What stats() reports of one method, over the calls recorded since the pool started or resetStats(). */
export interface MethodTimings {
  /** From the call's send to its worker to its end (its result, error, crash or timeout). */
  readonly runMs: LatencySummary;
  /** From the call joining the queue to its send to a worker (0 if sent at once; on a lease: from the call to its turn on the lease's worker). */
  readonly queueWaitMs: LatencySummary;
}

interface MethodHistograms {
  readonly name: string;
  readonly run: RecordableHistogram;
  readonly wait: RecordableHistogram;
}

export class CallTimings {
  /** By method id (its index in the interface): no lookup by name on every call. */
  readonly #methods: (MethodHistograms | undefined)[] = [];

  /** Records one call that reached a worker; times in milliseconds (performance.now() differences). */
  record(method: MethodDescriptor, queuedMs: number, runMs: number): void {
    let histograms = this.#methods[method.id];
    if (histograms === undefined) {
      histograms = { name: method.name, run: createHistogram(), wait: createHistogram() };
      this.#methods[method.id] = histograms;
    }
    histograms.run.record(microseconds(runMs));
    histograms.wait.record(microseconds(queuedMs));
  }

  /** Each method with at least one call recorded since the last reset, by name. */
  snapshot(): Readonly<Record<string, MethodTimings>> {
    const out: Record<string, MethodTimings> = {};
    for (const h of this.#methods) {
      if (h === undefined || h.run.count === 0) continue;
      out[h.name] = { runMs: summarise(h.run), queueWaitMs: summarise(h.wait) };
    }
    return out;
  }

  reset(): void {
    for (const h of this.#methods) {
      if (h === undefined) continue;
      h.run.reset();
      h.wait.reset();
    }
  }
}

/** The histograms hold integers ≥ 1: microseconds, so a 30 µs call keeps its precision. */
function microseconds(ms: number): number {
  return Math.max(1, Math.round(ms * 1000));
}

function summarise(h: RecordableHistogram): LatencySummary {
  const ms = (us: number): number => us / 1000;
  return {
    count: h.count,
    min: ms(h.min),
    mean: ms(h.mean),
    p50: ms(h.percentile(50)),
    p90: ms(h.percentile(90)),
    p99: ms(h.percentile(99)),
    max: ms(h.max),
  };
}
