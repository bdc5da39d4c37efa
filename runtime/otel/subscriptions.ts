/**
 * What one instrumentPool() subscribed to and registered, so that stop() undoes all of it and
 * nothing else: the channels are shared by every pool and every other subscriber in the process.
 */
import { subscribe, tracingChannel, unsubscribe, type TracingChannelSubscribers } from 'node:diagnostics_channel';
import type { CallTraceContext } from '../diagnostics.js';

/** The call channel (runtime/diagnostics.ts), by its stable name: importing the runtime's would load more of it in a worker. */
const calls = tracingChannel<unknown, CallTraceContext>('process-sandbox:call');

/** The call channel's events a subscriber listens to. Start must be one: the pool traces a call only if start has subscribers. */
export type CallHandlers = Pick<TracingChannelSubscribers<CallTraceContext>, 'start'> & Partial<TracingChannelSubscribers<CallTraceContext>>;

export class Subscriptions {
  readonly #undo: (() => void)[] = [];

  /** Listens to a point channel (`process-sandbox:worker:exit`, …). */
  channel<T>(name: string, onMessage: (message: T) => void): void {
    const listener = onMessage as (message: unknown) => void;
    subscribe(name, listener);
    this.#undo.push(() => unsubscribe(name, listener));
  }

  /** Listens to `process-sandbox:call`. */
  calls(handlers: CallHandlers): void {
    // Node subscribes only the events given; the types want all five.
    const all = handlers as TracingChannelSubscribers<CallTraceContext>;
    calls.subscribe(all);
    this.#undo.push(() => calls.unsubscribe(all));
  }

  /** Anything else to undo at stop (an observable callback). */
  add(undo: () => void): void {
    this.#undo.push(undo);
  }

  /** Undoes everything, last first. Idempotent. */
  stop(): void {
    for (const undo of this.#undo.splice(0).reverse()) undo();
  }
}
