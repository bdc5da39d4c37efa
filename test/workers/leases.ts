/** The implementation of ILeases: native sessions through koffi, and instances that count themselves. */
import koffi from 'koffi';
import type { Identity, ILeases } from '../services/ILeases.js';

const libc = koffi.load(process.platform === 'win32' ? 'msvcrt.dll' : 'libc.so.6');
const malloc = libc.func('void *malloc(size_t size)') as (size: number) => unknown;
const free = libc.func('void free(void *p)') as (p: unknown) => void;
const strlen = libc.func('size_t strlen(const char *s)') as (s: string | null) => number;

/** Process-global, as a native library's static state is: it outlives every instance and lease. */
const sessions = new Map<number, unknown>();
let constructed = 0;
let disposed = 0;

function pointer(session: number): unknown {
  const p = sessions.get(session);
  if (p === undefined) throw new Error(`no session at ${session} in process ${process.pid}`);
  return p;
}

export class Leases implements ILeases {
  readonly #instance = ++constructed;
  #remembered: string | null = null;

  openSession(start: number): number {
    const p = malloc(8);
    koffi.encode(p, 'double', start);
    const address = Number(koffi.address(p));
    sessions.set(address, p);
    return address;
  }

  addTo(session: number, n: number): number {
    const p = pointer(session);
    const value = (koffi.decode(p, 'double') as number) + n;
    koffi.encode(p, 'double', value);
    return value;
  }

  closeSession(session: number): number {
    const p = pointer(session);
    const value = koffi.decode(p, 'double') as number;
    free(p);
    sessions.delete(session);
    return value;
  }

  openSessions(): number { return sessions.size; }
  whoAmI(): Identity { return { pid: process.pid, instance: this.#instance, constructed, disposed }; }
  remember(value: string): void { this.#remembered = value; }
  recall(): string | null { return this.#remembered; }
  sleep(ms: number): Promise<number> { return new Promise((resolve) => setTimeout(() => resolve(process.pid), ms)); }
  segfault(): number { return strlen(null); }
  segfaultIdempotent(): number { return strlen(null); }
  hang(): number { for (;;) { /* spin */ } }
  fail(message: string): number { throw new Error(message); }

  async *countUp(session: number, n: number): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) yield this.addTo(session, 1);
  }

  async *crashAfter(n: number): AsyncGenerator<number> {
    for (let i = 0; i < n; i++) yield i;
    strlen(null);
  }

  [Symbol.dispose](): void {
    disposed++;
  }
}

/** An object export: nothing to construct, so every lease shares it. */
export const sharedLeases = new Leases();

let onlyOne = 0;

/** A class whose instances after the worker's first cannot be made: a lease's fresh instance fails. */
export class OnlyOneInstance extends Leases {
  constructor() {
    super();
    if (++onlyOne > 1) throw new Error('only one instance per process');
  }
}

export default Leases;
