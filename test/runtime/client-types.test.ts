import { describe, expectTypeOf, it } from 'vitest';
import type { CallOptions, LeaseOptions, ProcessPool, Remote, WarmUpConfig } from 'process-sandbox';
import { ITestServiceClient, type ITestServiceLease } from '../.generated/js/.generated/services/ITestService.client.js';
import type { ITestService, Shape } from '../services/ITestService.js';

// These assertions are checked by `tsc` (npm run typecheck), which fails the build on any drift.
describe('the generated client\'s types', () => {
  it('mirrors the interface with promises', () => {
    expectTypeOf<ITestServiceClient>().toMatchTypeOf<Remote<ITestService>>();
    expectTypeOf<ITestServiceClient['add']>().toEqualTypeOf<(a: number, b: number, options?: CallOptions) => Promise<number>>();
    expectTypeOf<ITestServiceClient['concat']>().parameters.toEqualTypeOf<[parts: string[], separator?: string, options?: CallOptions]>();
    expectTypeOf<ITestServiceClient['echoBuffer']>().returns.toEqualTypeOf<Promise<Buffer>>();
    expectTypeOf<ITestServiceClient['describe']>().returns.toEqualTypeOf<Promise<Shape>>();
    expectTypeOf<ITestServiceClient['maybe']>().returns.toEqualTypeOf<Promise<string | null | undefined>>();
    expectTypeOf<ITestServiceClient['nothing']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf<ITestServiceClient['pool']>().toEqualTypeOf<ProcessPool>();
    expectTypeOf<ITestServiceClient['close']>().returns.toEqualTypeOf<Promise<void>>();
    expectTypeOf(ITestServiceClient.create).returns.resolves.toEqualTypeOf<ITestServiceClient>();
  });

  it('does not compile calls with the wrong arguments', () => {
    const check = (c: ITestServiceClient): void => {
      // @ts-expect-error: a string where the interface says number
      void c.add('1', 2);
      // @ts-expect-error: missing argument
      void c.add(1);
      // @ts-expect-error: not a method of the interface
      void c.subtract(1, 2);
      // @ts-expect-error: the shape lacks origin
      void c.describe({ name: 'x', sides: 1 });
      // @ts-expect-error: options come after every parameter of the interface
      void c.add(1, { signal: AbortSignal.abort() });
      // @ts-expect-error: results are promises, not values
      const n: number = c.pid();
      void n;
      // @ts-expect-error: a priority is a number
      void c.add(1, 2, { priority: 'high' });
      // @ts-expect-error: call options have no timeout of their own (the method's @timeout and methodCallTimeoutMs set it)
      void c.add(1, 2, { timeoutMs: 5 });
      // Per-call options that do compile: a signal and a priority.
      void c.add(1, 2, { signal: AbortSignal.timeout(1000), priority: 3 });
    };
    void check;
  });

  it('gives a lease the interface\'s methods, release and dispose, and nothing of the pool', () => {
    expectTypeOf<ITestServiceClient['lease']>().toEqualTypeOf<(options?: LeaseOptions) => Promise<ITestServiceLease>>();
    expectTypeOf<ITestServiceLease>().toMatchTypeOf<Remote<ITestService>>();
    expectTypeOf<ITestServiceLease['add']>().toEqualTypeOf<(a: number, b: number, options?: CallOptions) => Promise<number>>();
    expectTypeOf<ITestServiceLease['release']>().toEqualTypeOf<() => Promise<void>>();
    expectTypeOf<ITestServiceLease[typeof Symbol.asyncDispose]>().returns.toEqualTypeOf<Promise<void>>();
    const check = (lease: ITestServiceLease): void => {
      // @ts-expect-error: a lease does not start pools
      void lease.create;
      // @ts-expect-error: nor lease again
      void lease.lease();
      // @ts-expect-error: nor own the pool
      void lease.pool;
      // @ts-expect-error: nor close it
      void lease.close();
      // @ts-expect-error: a lease's calls are typed as the client's
      void lease.add('1', 2);
      // @ts-expect-error: lease options are not call options
      void lease.add(1, 2, { timeoutMs: 5 });
    };
    const acquire = (c: ITestServiceClient): void => {
      // @ts-expect-error: newInstance is a boolean
      void c.lease({ newInstance: 'yes' });
      // @ts-expect-error: a lease takes no call options' shape it does not have
      void c.lease({ retries: 2 });
      void c.lease({ signal: AbortSignal.timeout(1000), timeoutMs: 500, priority: 1, maxLeaseMs: 60_000, idleTimeoutMs: 5000, newInstance: false });
    };
    void check;
    void acquire;
  });

  it('types a warm-up against the interface', () => {
    expectTypeOf(ITestServiceClient.warmUp('add', 1, 2)).toEqualTypeOf<WarmUpConfig>();
    expectTypeOf(ITestServiceClient.warmUp('concat', ['a'])).toEqualTypeOf<WarmUpConfig>();
    const check = (): void => {
      // @ts-expect-error: not a method of the interface
      void ITestServiceClient.warmUp('subtract', 1, 2);
      // @ts-expect-error: a string where the method takes a number
      void ITestServiceClient.warmUp('add', '1', 2);
      // @ts-expect-error: a missing argument
      void ITestServiceClient.warmUp('add', 1);
    };
    void check;
  });
});
