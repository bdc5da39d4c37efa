import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types, shared with `npm run fuzz`
import { fuzz } from '../fuzz/fuzz-frames.mjs';

type Stats = { inputs: number; bodies: number; accepted: number; violations: number; frameErrors: number; decodeErrors: number; attached: number };

describe('fuzzing the frame reader and the decoder', () => {
  it('100,000 seeded inputs (mutated frames, with and without attachments, and random bytes) end as messages or clean violations', () => {
    const stats = (fuzz as (inputs: number, seed: number) => Stats)(100_000, 20261126);
    expect(stats.inputs).toBe(100_000);
    // every kind of outcome was reached, so the mutations exercise more than one path
    expect(stats.accepted).toBeGreaterThan(1000);
    expect(stats.frameErrors).toBeGreaterThan(1000);
    expect(stats.decodeErrors).toBeGreaterThan(1000);
    expect(stats.violations).toBeGreaterThan(100);
    // frames with attachments reached the decoder, mutated or not
    expect(stats.attached).toBeGreaterThan(1000);
  }, 120_000);
});

describe('the frame reader', () => {
  it('holds what arrived, not what a header claims', async () => {
    const { FrameReader } = await import('../../dist/runtime/protocol/frames.js');
    const bodies: Buffer[] = [];
    const reader = new FrameReader(256 * 1024 * 1024, (b: Buffer) => bodies.push(b));
    const header = Buffer.alloc(4);
    header.writeUInt32LE(200 * 1024 * 1024, 0);
    reader.push(Buffer.concat([header, Buffer.alloc(10)]));
    expect(reader.bufferedBytes).toBe(10);
    expect(reader.heldBytes).toBe(10);
    expect(bodies).toHaveLength(0);
  });

  it('gives a body its own buffer only once an eighth of it has arrived, through chunks or reads', async () => {
    const { FrameReader } = await import('../../dist/runtime/protocol/frames.js');
    const size = 8 * 1024 * 1024;
    const header = Buffer.alloc(4);
    header.writeUInt32LE(size, 0);
    for (const viaReads of [false, true]) {
      const bodies: Buffer[] = [];
      const reader = new FrameReader(256 * 1024 * 1024, (b: Buffer) => bodies.push(b));
      const feed = (bytes: Buffer): void => {
        if (!viaReads) {
          reader.push(bytes);
          return;
        }
        for (let at = 0; at < bytes.length;) {
          const target = reader.readBuffer();
          const n = bytes.copy(target, 0, at, Math.min(bytes.length, at + target.length));
          reader.commit(n);
          at += n;
        }
      };
      feed(header);
      feed(Buffer.alloc(size / 8 - 1, 1));
      expect(reader.heldBytes).toBe(size / 8 - 1);
      feed(Buffer.alloc(1, 2));
      expect(reader.bufferedBytes).toBe(size / 8);
      expect(reader.heldBytes).toBe(size);
      if (viaReads) expect(reader.readBuffer().length).toBe(size - size / 8);
      feed(Buffer.alloc(size - size / 8, 3));
      expect(bodies).toHaveLength(1);
      expect(bodies[0]!.length).toBe(size);
      expect([bodies[0]![0], bodies[0]![size / 8 - 1], bodies[0]![size / 8], bodies[0]![size - 1]]).toEqual([1, 2, 3, 3]);
      expect(reader.heldBytes).toBe(0);
    }
  });

  it('delivers frames split at every byte boundary and frames packed together, unchanged', async () => {
    const { FrameReader, encodeFrame, decodeBody } = await import('../../dist/runtime/protocol/frames.js');
    const messages = [[4, 1, 0, [1, 2]], [5, 1, Buffer.alloc(70_000, 7)], [2], [6, 3, { name: 'E', message: 'm' }]];
    const stream = Buffer.concat(messages.map((m) => encodeFrame(m)));
    for (const size of [1, 2, 3, 5, 4096, stream.length]) {
      const got: unknown[] = [];
      const reader = new FrameReader(1 << 20, (b: Buffer) => got.push(decodeBody(b)));
      for (let i = 0; i < stream.length; i += size) reader.push(stream.subarray(i, i + size));
      expect(got).toEqual(messages);
    }
  });
});
