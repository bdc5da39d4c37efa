import { describe, expectTypeOf, it } from 'vitest';
import type { CallOptions, Remote, RemoteResult } from 'process-sandbox';
import type { IStreamsClient } from '../.generated/js/.generated/services/IStreams.client.js';
import type { IStreams, Produced, Row } from '../services/IStreams.js';

// These assertions are checked by `tsc` (npm run typecheck), which fails the build on any drift.
describe('the generated client\'s types for streamed results', () => {
  it('a method returning AsyncIterable, AsyncIterableIterator or AsyncGenerator of T returns AsyncIterable<T>', () => {
    expectTypeOf<IStreamsClient>().toMatchTypeOf<Remote<IStreams>>();
    expectTypeOf<IStreamsClient['count']>().toEqualTypeOf<(n: number, options?: CallOptions) => AsyncIterable<number>>();
    expectTypeOf<IStreamsClient['rows']>().returns.toEqualTypeOf<AsyncIterable<Row>>();
    expectTypeOf<IStreamsClient['rowsByHand']>().returns.toEqualTypeOf<AsyncIterable<Row>>();
    expectTypeOf<IStreamsClient['produce']>().returns.toEqualTypeOf<AsyncIterable<Produced>>();
    expectTypeOf<IStreamsClient['chunks']>().returns.toEqualTypeOf<AsyncIterable<Uint8Array>>();
    expectTypeOf<IStreamsClient['pid']>().returns.toEqualTypeOf<Promise<number>>();
  });

  it('Remote maps a stream to AsyncIterable<T> and anything else to a promise, without distributing unions', () => {
    expectTypeOf<RemoteResult<AsyncGenerator<Row, void, undefined>>>().toEqualTypeOf<AsyncIterable<Row>>();
    expectTypeOf<RemoteResult<AsyncIterableIterator<string | null>>>().toEqualTypeOf<AsyncIterable<string | null>>();
    expectTypeOf<RemoteResult<Promise<number>>>().toEqualTypeOf<Promise<number>>();
    expectTypeOf<RemoteResult<number>>().toEqualTypeOf<Promise<number>>();
    expectTypeOf<RemoteResult<string | null | undefined>>().toEqualTypeOf<Promise<string | null | undefined>>();
    // an unchecked result (SG0015) stays a promise
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expectTypeOf<RemoteResult<any>>().toEqualTypeOf<Promise<any>>();
  });

  it('does not compile misuse of a stream', () => {
    const check = (c: IStreamsClient): void => {
      // @ts-expect-error: a stream is no promise
      void c.count(3).then;
      // @ts-expect-error: its items are numbers
      const strings: AsyncIterable<string> = c.count(3);
      // @ts-expect-error: a string where the interface says number
      void c.count('3');
      void strings;
    };
    void check;
  });
});
