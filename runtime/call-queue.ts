/**
 * The calls waiting for a worker, oldest first. A call leaves it the moment it is taken, aborted
 * or failed, so its length is always what really waits (maxQueueLength, stats().queued and how
 * many workers the pool starts all read it). A retried call goes back to the front: it was the
 * oldest when it was first sent.
 */
import type { PendingCall } from './call.js';

export class CallQueue {
  /** Retried calls, which go before everything else, oldest first. */
  readonly #front: PendingCall[] = [];
  /** A Set keeps insertion order and removes any member in O(1): FIFO with cheap abort. */
  readonly #fifo = new Set<PendingCall>();

  get length(): number {
    return this.#front.length + this.#fifo.size;
  }

  push(call: PendingCall): void {
    this.#fifo.add(call);
  }

  /** Puts a call before every other (an @idempotent call whose worker crashed under it). */
  pushFront(call: PendingCall): void {
    this.#front.push(call);
  }

  /** Takes a call out wherever it is; false when it was not queued. */
  remove(call: PendingCall): boolean {
    if (this.#fifo.delete(call)) return true;
    const i = this.#front.indexOf(call);
    if (i < 0) return false;
    this.#front.splice(i, 1);
    return true;
  }

  /** The oldest call, taken out of the queue. */
  shift(): PendingCall | undefined {
    if (this.#front.length > 0) return this.#front.shift();
    const first = this.#fifo.values().next();
    if (first.done === true) return undefined;
    this.#fifo.delete(first.value);
    return first.value;
  }

  /** Takes every call out, oldest first (to fail them all). */
  drain(): PendingCall[] {
    const all = [...this.#front, ...this.#fifo];
    this.#front.length = 0;
    this.#fifo.clear();
    return all;
  }
}
