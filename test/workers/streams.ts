/** The implementation of IStreams that the stream tests run in workers. */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import koffi from 'koffi';
import type { IStreams, Produced, Row } from '../services/IStreams.js';

let strlen: ((s: string | null) => number) | undefined;

function crashNatively(): never {
  strlen ??= koffi.load(process.platform === 'win32' ? 'msvcrt.dll' : 'libc.so.6').func('size_t strlen(const char *s)') as (s: string | null) => number;
  strlen(null);
  throw new Error('strlen(NULL) returned: this platform did not fault');
}

const never = new Promise<never>(() => {});

export class Streams implements IStreams {
  async *count(n: number): AsyncIterable<number> {
    for (let i = 0; i < n; i++) yield i;
  }

  async *rows(n: number): AsyncGenerator<Row> {
    for (let i = 0; i < n; i++) yield { index: i, text: `row ${i}` };
  }

  rowsByHand(n: number): AsyncIterableIterator<Row> {
    let i = 0;
    const iterator: AsyncIterableIterator<Row> = {
      next: () => Promise.resolve(i < n ? { value: { index: i, text: `row ${i++}` }, done: false } : { value: undefined, done: true }),
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  async *pids(n: number): AsyncIterable<number> {
    for (let i = 0; i < n; i++) yield process.pid;
  }

  async *produce(file: string): AsyncIterable<Produced> {
    let produced = 0;
    try {
      for (;;) {
        produced++;
        writeFileSync(file, String(produced));
        yield { index: produced - 1, produced, pid: process.pid };
      }
    } finally {
      appendFileSync(file, ' returned');
    }
  }

  async *countBriefly(n: number): AsyncIterable<number> {
    for (let i = 0; i < n; i++) yield i;
  }

  async *failAfter(n: number, message: string): AsyncIterable<number> {
    for (let i = 0; i < n; i++) yield i;
    throw Object.assign(new RangeError(message), { code: 'E_AFTER' });
  }

  async *crashAfter(n: number): AsyncIterable<number> {
    for (let i = 0; i < n; i++) yield i;
    crashNatively();
  }

  async *stallAfter(n: number): AsyncIterable<number> {
    for (let i = 0; i < n; i++) yield i;
    await never;
  }

  async *lieAfter(n: number, file: string): AsyncIterable<number> {
    try {
      for (let i = 0; i < n; i++) yield i;
      yield 'not a number' as unknown as number;
      for (let i = n + 1; ; i++) yield i;
    } finally {
      appendFileSync(file, ' returned');
    }
  }

  async *stubborn(file: string): AsyncIterable<number> {
    try {
      for (let i = 0; ; i++) yield i;
    } finally {
      appendFileSync(file, ' returned');
      await never;
    }
  }

  async *chunks(n: number, size: number): AsyncIterable<Uint8Array> {
    const buffer = new Uint8Array(size);
    for (let i = 0; i < n; i++) {
      buffer.fill(i % 256);
      yield buffer;
    }
  }

  async *flakyBeforeFirst(file: string, crashes: number): AsyncIterable<number> {
    appendFileSync(file, `${process.pid}\n`);
    const lines = readFileSync(file, 'utf8').trim().split('\n').length;
    if (lines <= crashes) crashNatively();
    yield lines;
    yield process.pid;
  }

  async *crashAfterFirst(file: string): AsyncIterable<number> {
    appendFileSync(file, `${process.pid}\n`);
    yield readFileSync(file, 'utf8').trim().split('\n').length;
    crashNatively();
  }

  notAStream(what: 'array' | 'rejected promise'): AsyncIterable<number> {
    const value = what === 'array' ? [1, 2, 3] : Promise.reject(new Error('not awaited by anyone'));
    return value as unknown as AsyncIterable<number>;
  }

  pid(): number {
    return process.pid;
  }
}

export default Streams;
