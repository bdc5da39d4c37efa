import { describe, expect, it } from 'vitest';
import { isSandboxError, ValidationError } from 'process-sandbox';
import { testClient } from '../helpers.js';

describe('values round-trip through client, pipe and worker', () => {
  it('carries numbers, strings, booleans, null, undefined and void', async () => {
    const c = await testClient();
    expect(await c.add(0.1, 0.2)).toBe(0.1 + 0.2);
    expect(await c.add(-(2 ** 40), 2 ** 52)).toBe(2 ** 52 - 2 ** 40);
    expect(await c.concat(['a', 'é', '😀', ''])).toBe('a,é,😀,');
    expect(await c.concat(['x', 'y'], ' | ')).toBe('x | y');
    expect(await c.maybe(true)).toBe('yes');
    expect(await c.maybe(false)).toBeNull();
    expect(await c.nothing()).toBeUndefined();
  });

  it('carries object types with optional, nested and null properties', async () => {
    const c = await testClient();
    const shape = { name: 'square', sides: 4, tags: ['flat', 'regular'], origin: { x: 1.5, y: -2 } };
    expect(await c.describe(shape)).toEqual({ ...shape, name: 'square!' });
    const bare = { name: 'dot', sides: 0, origin: null };
    expect(await c.describe(bare)).toEqual({ ...bare, name: 'dot!' });
  });

  it('carries binary as binary: Uint8Array in, bytes back; Buffer in, Buffer back', async () => {
    const c = await testClient();
    const bytes = new Uint8Array(256).map((_, i) => i);
    const back = await c.echo(bytes);
    expect(back).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(back).equals(Buffer.from(bytes))).toBe(true);
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0xab);
    const bigBack = await c.echoBuffer(big);
    expect(Buffer.isBuffer(bigBack)).toBe(true);
    expect(bigBack.equals(big)).toBe(true);
    expect((await c.echo(new Uint8Array(0))).length).toBe(0);
  });

  it('refuses bad arguments in the caller, naming the method, the argument and the path', async () => {
    const c = await testClient();
    const before = c.pool.stats().totals.calls;
    // @ts-expect-error: a string where the interface says number
    await expect(c.add('1', 2)).rejects.toThrow('add: argument "a": expected number, got string');
    await expect(
      // @ts-expect-error: sides must be a number
      c.describe({ name: 'x', sides: '4', origin: null }),
    ).rejects.toThrow('describe: argument "shape.sides": expected number, got string');
    await expect(
      // @ts-expect-error: origin.y must be a number
      c.describe({ name: 'x', sides: 4, origin: { x: 1, y: null } }),
    ).rejects.toThrow('describe: argument "shape.origin.y": expected number, got null');
    const error = await c.concat(['a', 7 as unknown as string]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(isSandboxError(error)).toBe(true);
    expect((error as ValidationError).path).toBe('argument "parts[1]"');
    expect(c.pool.stats().totals.calls).toBe(before);
  });

  it('refuses a result of the wrong type from the worker', async () => {
    const c = await testClient();
    await expect(c.lie()).rejects.toThrow('lie: result: expected number, got string');
    expect(await c.add(1, 1)).toBe(2);
  });

  it('keeps the remote error\'s name, message, stack and code', async () => {
    const c = await testClient();
    const error = await c.fail('the widget is broken', 'E_WIDGET').catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'RemoteError', code: 'ERR_SANDBOX_REMOTE', method: 'fail',
      remoteName: 'RangeError', remoteMessage: 'the widget is broken', remoteCode: 'E_WIDGET',
    });
    expect((error as { remoteStack: string }).remoteStack).toContain('test-service.js');
  });
});
