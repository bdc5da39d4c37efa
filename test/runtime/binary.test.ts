import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testClient } from '../helpers.js';

// Bytes of 64 KiB and more in a top-level place of a message travel after the envelope, written
// from the sender's memory and read into the body's own buffer (docs/wire-protocol.md). These
// tests check that what arrives is what was sent, of the same class, in the same place, whatever
// the size, and that the frame reader never rewrites bytes it has handed out.

const { ATTACH_MIN_BYTES, decodeBody, encodeFrame, encodeFrameParts, FrameReader } = await import('../../dist/runtime/protocol/frames.js');
const { Channel } = await import('../../dist/runtime/protocol/channel.js');
type ChannelType = Awaited<ReturnType<typeof Channel.connect>>;

/** Distinct bytes, so that a shifted or swapped attachment cannot compare equal. */
function pattern(length: number, seed: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + seed * 7) & 0xff;
  return bytes;
}

/**
 * Deep equality that compares bytes with Buffer.compare (vitest's equality walks them one element
 * at a time: minutes for megabytes) and insists on the same class.
 */
function expectSame(actual: unknown, expected: unknown, where = 'value'): void {
  if (expected instanceof Uint8Array) {
    expect(actual?.constructor, `${where}: class`).toBe(expected.constructor);
    const a = actual as Uint8Array;
    expect(Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.length), Buffer.from(expected.buffer, expected.byteOffset, expected.length)), `${where}: bytes`).toBe(0);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${where}: an array`).toBe(true);
    expect((actual as unknown[]).length, `${where}: length`).toBe(expected.length);
    expected.forEach((e, i) => expectSame((actual as unknown[])[i], e, `${where}[${i}]`));
  } else if (typeof expected === 'object' && expected !== null) {
    expect(Object.keys(actual as object), `${where}: keys`).toEqual(Object.keys(expected));
    for (const [k, e] of Object.entries(expected)) expectSame((actual as Record<string, unknown>)[k], e, `${where}.${k}`);
  } else {
    expect(actual, where).toStrictEqual(expected);
  }
}

const sizes = [0, 1, ATTACH_MIN_BYTES - 1, ATTACH_MIN_BYTES, ATTACH_MIN_BYTES + 1, 1024 * 1024 + 3, 16 * 1024 * 1024];

describe('bytes through a pool: echo() and echoBuffer()', () => {
  it('a Buffer comes back as a Buffer and a Uint8Array as a Uint8Array, with the same bytes, at every size', async () => {
    const client = await testClient({ maxPoolSize: 1 });
    for (const size of sizes) {
      const bytes = pattern(size, size);
      const buffer = await client.echoBuffer(bytes);
      expect(Buffer.isBuffer(buffer), `Buffer of ${size}`).toBe(true);
      expect(buffer.equals(bytes), `Buffer of ${size}`).toBe(true);
      const array = await client.echo(new Uint8Array(bytes));
      expect(array.constructor, `Uint8Array of ${size}`).toBe(Uint8Array);
      expect(Buffer.from(array.buffer, array.byteOffset, array.length).equals(bytes), `Uint8Array of ${size}`).toBe(true);
    }
  }, 60_000);

  it('a view into a larger buffer sends only its own bytes', async () => {
    const client = await testClient({ maxPoolSize: 1 });
    const whole = pattern(3 * ATTACH_MIN_BYTES, 9);
    const view = whole.subarray(1000, 1000 + 2 * ATTACH_MIN_BYTES);
    const back = await client.echoBuffer(view);
    expect(back.equals(view)).toBe(true);
    expect(whole.equals(pattern(3 * ATTACH_MIN_BYTES, 9))).toBe(true);
  });
});

describe('messages with attachments over a real socket', () => {
  let dir: string | undefined;
  let server: Server | undefined;
  const channels: ChannelType[] = [];
  afterEach(() => {
    for (const c of channels.splice(0)) c.destroy();
    server?.close();
    server = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** A parent end (accepted, as the pool accepts) and a worker end (connected, as the host connects). */
  async function pair(pauseOnConnect = true): Promise<{ parent: ChannelType; worker: ChannelType; accepted: Socket; toWorker: unknown[][]; toParent: unknown[][]; violations: string[] }> {
    dir = mkdtempSync(join(tmpdir(), 'sandbox-binary-'));
    const path = join(dir, 'c.sock');
    const toWorker: unknown[][] = [];
    const toParent: unknown[][] = [];
    const violations: string[] = [];
    const handlers = (into: unknown[][]) => ({
      message: (m: unknown[]) => into.push(m),
      violation: (reason: string) => violations.push(reason),
      close: () => {},
    });
    const accepted = new Promise<Socket>((resolve) => {
      server = createServer({ pauseOnConnect }, resolve);
      server.listen(path);
    });
    await new Promise((resolve) => server!.once('listening', resolve));
    const worker = await Channel.connect(path, 256 * 1024 * 1024, handlers(toWorker));
    const socket = await accepted;
    const parent = Channel.accept(socket, 256 * 1024 * 1024, handlers(toParent));
    channels.push(parent, worker);
    return { parent, worker, accepted: socket, toWorker, toParent, violations };
  }

  async function until(check: () => boolean): Promise<void> {
    const end = Date.now() + 10_000;
    while (!check()) {
      if (Date.now() > end) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('many attachments in one call, mixed with small values, each back in its place and class', async () => {
    const { parent, worker, toWorker, toParent, violations } = await pair();
    const args = [
      pattern(ATTACH_MIN_BYTES, 1), 'text', new Uint8Array(pattern(ATTACH_MIN_BYTES + 5, 2)), Buffer.alloc(0),
      pattern(10, 3), { nested: pattern(ATTACH_MIN_BYTES * 2, 4) }, [pattern(ATTACH_MIN_BYTES, 5)], new Uint8Array(0),
      pattern(3 * 1024 * 1024, 6), null, undefined, 7n,
    ];
    const call = [4, 1, 0, args];
    parent.send(call);
    worker.send([5, 1, [pattern(ATTACH_MIN_BYTES * 3, 7), 1, new Uint8Array(pattern(ATTACH_MIN_BYTES, 8))]]);
    worker.send([5, 2, pattern(5 * 1024 * 1024, 9)]);
    await until(() => toWorker.length === 1 && toParent.length === 2);
    expect(violations).toEqual([]);
    expectSame(toWorker[0], call);
    expectSame(toParent[0], [5, 1, [pattern(ATTACH_MIN_BYTES * 3, 7), 1, new Uint8Array(pattern(ATTACH_MIN_BYTES, 8))]]);
    expectSame(toParent[1], [5, 2, pattern(5 * 1024 * 1024, 9)]);
    // what was sent is untouched: the arguments array still holds the caller's own bytes
    expect(args[0]).toBeInstanceOf(Buffer);
    expect(call[3]).toBe(args);
  });

  it('the parent end moves the accepted handle to a socket that reads into the frame reader', async () => {
    const { parent, accepted } = await pair();
    // If a Node release stops allowing this, the channel still works (next test), only with a copy more.
    expect(parent.socket).not.toBe(accepted);
    expect(accepted.destroyed).toBe(true);
    expect(parent.socket.destroyed).toBe(false);
  });

  // The move goes through Node's undocumented `_handle` (direct-reads.ts): .ci/run proves it on
  // every Node.js line it tests, from the server's bookkeeping to the end of the connection.
  it('after the move, the server holds no connection and the moved socket serves both ways until the peer ends it', async () => {
    const { parent, worker, toWorker, toParent, violations } = await pair();
    const connections = await new Promise<number>((resolve, reject) => server!.getConnections((e, n) => (e ? reject(e) : resolve(n))));
    expect(connections).toBe(0);
    parent.send([4, 1, 0, [pattern(2 * ATTACH_MIN_BYTES, 1)]]);
    worker.send([5, 1, pattern(3 * ATTACH_MIN_BYTES, 2)]);
    await until(() => toWorker.length === 1 && toParent.length === 1);
    expect(violations).toEqual([]);
    expectSame(toParent[0], [5, 1, pattern(3 * ATTACH_MIN_BYTES, 2)]);
    const closed = new Promise((resolve) => parent.socket.once('close', resolve));
    worker.end();
    await closed;
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  });

  it('a socket accepted without pauseOnConnect is read from its chunks, with the same results', async () => {
    const { parent, worker, accepted, toWorker, toParent, violations } = await pair(false);
    expect(parent.socket).toBe(accepted);
    const call = [4, 1, 0, [pattern(3 * ATTACH_MIN_BYTES, 1), 2, new Uint8Array(pattern(ATTACH_MIN_BYTES, 3))]];
    parent.send(call);
    worker.send([5, 1, pattern(2 * 1024 * 1024, 4)]);
    await until(() => toWorker.length === 1 && toParent.length === 1);
    expect(violations).toEqual([]);
    expectSame(toWorker[0], call);
    expectSame(toParent[0], [5, 1, pattern(2 * 1024 * 1024, 4)]);
  });

  it('bytes handed out are never rewritten by later reads', async () => {
    const { parent, worker, toWorker } = await pair();
    for (let i = 0; i < 2000; i++) parent.send([4, i, 0, [Buffer.alloc(1 + (i % 300), i & 0xff), i % 7 === 0 ? pattern(ATTACH_MIN_BYTES, i) : i]]);
    await until(() => toWorker.length === 2000);
    toWorker.forEach((m, i) => {
      const [small, large] = (m[3] as unknown[]);
      expect((small as Buffer).equals(Buffer.alloc(1 + (i % 300), i & 0xff))).toBe(true);
      if (i % 7 === 0) expect((large as Buffer).equals(pattern(ATTACH_MIN_BYTES, i))).toBe(true);
    });
    expect(worker).toBeDefined();
  });

  it('a peer that lies in its attachment table is a violation, not a crash', async () => {
    const { worker, violations } = await pair();
    const frame = encodeFrame([5, 1, pattern(ATTACH_MIN_BYTES, 1)]);
    // One byte more than the table accounts for: the attachments no longer add up to the body.
    const lying = Buffer.concat([frame, Buffer.alloc(1)]);
    lying.writeUInt32LE(lying.length - 4, 0);
    worker.socket.write(lying);
    await until(() => violations.length === 1);
    expect(violations[0]).toMatch(/not valid msgpack: 1 bytes after the last attachment/);
  });
});

describe('the frame with attachments, byte by byte', () => {
  it('is the header, 0xc1, the envelope length, the envelope [message, table], then the bytes', () => {
    const bytes = pattern(ATTACH_MIN_BYTES, 1);
    const parts = encodeFrameParts([5, 9, bytes]);
    expect(Array.isArray(parts)).toBe(true);
    const [head, attached] = parts as Uint8Array[];
    // written from the caller's memory, not a copy
    expect(attached).toBe(bytes);
    const frame = Buffer.concat(parts as Uint8Array[]);
    expect(frame.readUInt32LE(0)).toBe(frame.length - 4);
    expect(frame[4]).toBe(0xc1);
    const envelopeLength = frame.readUInt32LE(5);
    expect(head!.length).toBe(9 + envelopeLength);
    // msgpack [[5, 9, nil], [[0, 65536, 2]]]
    expect(frame.subarray(9, 9 + envelopeLength).toString('hex')).toBe('929305' + '09' + 'c0' + '91' + '9300ce00010000' + '02');
    expect(decodeBody(frame.subarray(4))).toEqual([5, 9, bytes]);
  });

  it('below the threshold, or nested deeper, bytes stay inside the msgpack value', () => {
    expect(Buffer.isBuffer(encodeFrameParts([5, 1, pattern(ATTACH_MIN_BYTES - 1, 1)]))).toBe(true);
    expect(Buffer.isBuffer(encodeFrameParts([5, 1, { data: pattern(ATTACH_MIN_BYTES, 1) }]))).toBe(true);
    expect(Buffer.isBuffer(encodeFrameParts([5, 1, [[pattern(ATTACH_MIN_BYTES, 1)]]]))).toBe(true);
    // other typed arrays keep msgpackr's typed-array extension
    expect(Buffer.isBuffer(encodeFrameParts([5, 1, new Uint16Array(ATTACH_MIN_BYTES)]))).toBe(true);
    const u16 = decodeBody(encodeFrame([5, 1, new Uint16Array([1, 2, 3])]).subarray(4)) as unknown[];
    expect(u16[2]).toEqual(new Uint16Array([1, 2, 3]));
  });

  it('decodes when the frame arrives in pieces of every size, through chunks and through reads', () => {
    const message = [4, 3, 1, [pattern(ATTACH_MIN_BYTES, 1), 'x', new Uint8Array(pattern(ATTACH_MIN_BYTES + 1, 2))]];
    const stream = Buffer.concat([encodeFrame(message), encodeFrame([2]), encodeFrame(message)]);
    for (const size of [1, 3, 4, 5, 9, 1000, 65536, stream.length]) {
      for (const viaReads of [false, true]) {
        const got: unknown[] = [];
        const reader = new FrameReader(1 << 20, (b: Buffer) => got.push(decodeBody(b)));
        for (let at = 0; at < stream.length;) {
          if (viaReads) {
            const target = reader.readBuffer();
            const n = stream.copy(target, 0, at, Math.min(stream.length, at + size, at + target.length));
            reader.commit(n);
            at += n;
          } else {
            reader.push(stream.subarray(at, at + size));
            at += size;
          }
        }
        expectSame(got, [message, [2], message], `${size}-byte ${viaReads ? 'reads' : 'chunks'}`);
      }
    }
  });
});
