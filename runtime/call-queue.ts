/**
 * The calls waiting for a worker, highest priority first, oldest first within one priority. A
 * call leaves it the moment it is taken, aborted or failed, so its length is always what really
 * waits (maxQueueLength, stats().queued and how many workers the pool starts all read it). A
 * retried call goes back to the front, before every priority: it was first in line when it was
 * first sent.
 *
 * Aging, so that a low priority is never starved: a waiting call gains one priority level for
 * every PRIORITY_AGING_MS it has waited. Every waiting call ages at the same rate, so the order
 * of two calls never changes while they wait, and one key fixed at push says it:
 * `enqueuedAt - priority * PRIORITY_AGING_MS`, smallest first (a virtual arrival time: priority
 * p is a head start of p seconds). A call of priority p therefore goes before every call of a
 * lower priority q that arrived less than (p - q) seconds before it, and after every one that
 * arrived earlier than that; under a flood of higher-priority calls, a call waits at most
 * (p - q) seconds longer than it would have among equals, then nothing new passes it. Equal keys
 * (the same priority in the same instant) keep arrival order by a sequence number.
 *
 * A binary heap keyed that way: push and shift are O(log n), and an aborted call leaves from
 * wherever it is in O(log n) (each entry knows its place in the heap).
 */
import type { CallOptions, PendingCall } from './call.js';
import { ValidationError } from './errors.js';
import type { MethodDescriptor } from './service.js';

/** How long a waiting call waits to gain one priority level. */
export const PRIORITY_AGING_MS = 1000;

/**
 * A call's priority: its options', else its method's `@priority`, else 0. Throws ValidationError
 * (in the caller, before anything is queued) when that is not a finite number.
 */
export function callPriority(method: MethodDescriptor, options: CallOptions | undefined): number {
  const given: unknown = options?.priority;
  const priority: unknown = given !== undefined ? given : method.priority ?? 0;
  if (typeof priority === 'number' && Number.isFinite(priority)) return priority;
  const received = typeof priority === 'string' ? JSON.stringify(priority) : typeof priority === 'number' ? String(priority) : priority === null ? 'null' : typeof priority;
  throw new ValidationError({
    method: method.name,
    path: given !== undefined ? 'options.priority' : 'its descriptor\'s priority (@priority)',
    expected: 'a finite number (higher runs first, 0 is the default; leave it out to use the method\'s @priority)',
    received,
  });
}

interface Entry {
  readonly call: PendingCall;
  readonly key: number;
  readonly seq: number;
  /** Its index in the heap, kept up to date by every move. */
  at: number;
}

export class CallQueue {
  /** Retried calls, which go before everything else, oldest first. */
  readonly #front: PendingCall[] = [];
  readonly #heap: Entry[] = [];
  readonly #entries = new Map<PendingCall, Entry>();
  readonly #now: () => number;
  #seq = 0;

  /** `now` (milliseconds, monotonic) is injectable for tests. */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  get length(): number {
    return this.#front.length + this.#heap.length;
  }

  /** Queues a call at its priority (`call.priority`, higher first). */
  push(call: PendingCall): void {
    const now = this.#now();
    // Its queue wait starts here (a retried call's, at its first wait).
    if (call.madeAt === 0) call.madeAt = now;
    const entry: Entry = { call, key: now - call.priority * PRIORITY_AGING_MS, seq: this.#seq++, at: this.#heap.length };
    this.#entries.set(call, entry);
    this.#heap.push(entry);
    this.#up(entry.at);
  }

  /** Puts a call before every other (an @idempotent call whose worker crashed under it). */
  pushFront(call: PendingCall): void {
    this.#front.push(call);
  }

  /** Takes a call out wherever it is; false when it was not queued. */
  remove(call: PendingCall): boolean {
    const entry = this.#entries.get(call);
    if (entry !== undefined) {
      this.#take(entry.at);
      return true;
    }
    const i = this.#front.indexOf(call);
    if (i < 0) return false;
    this.#front.splice(i, 1);
    return true;
  }

  /** The next call to run, taken out of the queue. */
  shift(): PendingCall | undefined {
    if (this.#front.length > 0) return this.#front.shift();
    return this.#heap.length === 0 ? undefined : this.#take(0);
  }

  /** Takes out the calls `which` picks, in the order they would have run; the others keep their places. */
  takeWhere(which: (call: PendingCall) => boolean): PendingCall[] {
    const picked = [...this.#front, ...[...this.#heap].sort(before).map((e) => e.call)].filter(which);
    for (const call of picked) this.remove(call);
    return picked;
  }

  /** Takes every call out, in the order they would have run (to fail them all). */
  drain(): PendingCall[] {
    const all = [...this.#front, ...[...this.#heap].sort(before).map((e) => e.call)];
    this.#front.length = 0;
    this.#heap.length = 0;
    this.#entries.clear();
    return all;
  }

  #take(at: number): PendingCall {
    const heap = this.#heap;
    const entry = heap[at]!;
    this.#entries.delete(entry.call);
    const last = heap.pop()!;
    if (last !== entry) {
      heap[at] = last;
      last.at = at;
      // The entry moved into the hole may belong above it or below it.
      if (at > 0 && before(last, heap[(at - 1) >> 1]!) < 0) this.#up(at);
      else this.#down(at);
    }
    return entry.call;
  }

  #up(at: number): void {
    const heap = this.#heap;
    const entry = heap[at]!;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = heap[parentAt]!;
      if (before(entry, parent) >= 0) break;
      heap[at] = parent;
      parent.at = at;
      at = parentAt;
    }
    heap[at] = entry;
    entry.at = at;
  }

  #down(at: number): void {
    const heap = this.#heap;
    const entry = heap[at]!;
    const n = heap.length;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap[child + 1]!, heap[child]!) < 0) child++;
      if (before(heap[child]!, entry) >= 0) break;
      heap[at] = heap[child]!;
      heap[at]!.at = at;
      at = child;
    }
    heap[at] = entry;
    entry.at = at;
  }
}

/** Negative when `a` runs before `b`. */
function before(a: Entry, b: Entry): number {
  return a.key - b.key || a.seq - b.seq;
}
