// Row 4, a large payload both ways: the client's echo(data) against two floors, taken in turn.
//   - the bare-socket echo (echo-raw.mjs): the same bytes, raw, bounced back by a child as it reads
//     them; the parent only counts what comes back, or (second variant) copies it into one Buffer.
//     This is the honest floor: the target is a fraction of it.
//   - the same-framing floor (floor.mjs): a bare child answering the library's frames with the
//     library's framing code, so it pays what the framing pays and shows the rest of the library's cost.
// Runs unpinned, so the kernel's copies and both processes overlap as they would in an application.
import { randomFillSync } from 'node:crypto';
import { openClient } from './client.mjs';
import { startRawEcho } from './echo-raw.mjs';
import { startFloor } from './floor.mjs';
import { median } from './stats.mjs';

const MiB = 1024 * 1024;

/** Times `rounds` echoes of data; checks each reply is the same length. Returns milliseconds per round trip. */
async function timeEchoes(echo, data, rounds, what) {
  const times = [];
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    const reply = await echo(data);
    times.push(performance.now() - start);
    // The counting floor replies with how many bytes came back; the others with the bytes.
    const length = typeof reply === 'number' ? reply : reply instanceof Uint8Array ? reply.length : undefined;
    if (length !== data.length) {
      throw new Error(`${what} returned ${length ?? String(reply)} bytes instead of ${data.length}`);
    }
  }
  return times;
}

/** The first reply must be the very bytes sent. */
function checkSame(reply, data, what) {
  if (Buffer.compare(Buffer.from(reply.buffer, reply.byteOffset, reply.length), data) !== 0) {
    throw new Error(`${what} returned different bytes`);
  }
}

/**
 * MiB/s counts the payload once per round trip: `size / round-trip time`. The bytes cross the pipe
 * twice (there and back), so the pipe itself moves twice that.
 */
export async function measureEcho({ sizeMiB, warmup, rounds }) {
  const data = randomFillSync(Buffer.allocUnsafe(sizeMiB * MiB));
  const raw = await startRawEcho();
  const floor = await startFloor(1);
  const client = await openClient({ minPoolSize: 1, maxPoolSize: 1 });
  try {
    const peer = floor.peers[0];
    const sides = {
      rawCount: [(d) => raw.echo(d, { contiguous: false }), 'the bare-socket echo (counting)'],
      rawContiguous: [(d) => raw.echo(d, { contiguous: true }), 'the bare-socket echo (one Buffer)'],
      floor: [(d) => peer.echo(d), 'the same-framing floor child\'s echo'],
      client: [(d) => client.echo(d), 'the client\'s echo'],
    };
    checkSame(await client.echo(data), data, 'the client\'s echo');
    checkSame(await peer.echo(data), data, 'the same-framing floor child\'s echo');
    checkSame(await raw.echo(data, { contiguous: true }), data, 'the bare-socket echo');
    for (const [echo, what] of Object.values(sides)) await timeEchoes(echo, data, warmup, what);
    const times = Object.fromEntries(Object.keys(sides).map((key) => [key, []]));
    // In turn, one round trip each, so every side sees the same memory pressure, GC state and
    // load from the rest of the machine; the order rotates every round, so that no side always
    // follows the same one and inherits its garbage (each round leaves 16 MiB or more to collect).
    const order = Object.keys(sides);
    for (let i = 0; i < rounds; i++) {
      for (let k = 0; k < order.length; k++) {
        const key = order[(i + k) % order.length];
        const [echo, what] = sides[key];
        times[key].push(...await timeEchoes(echo, data, 1, what));
      }
    }
    const summary = (ms) => ({ rounds, medianMs: median(ms), mibPerSecond: sizeMiB / (median(ms) / 1000), eachMs: ms });
    return {
      sizeMiB,
      counted: 'payload once per round trip',
      client: summary(times.client),
      floor: summary(times.floor),
      rawCount: summary(times.rawCount),
      rawContiguous: summary(times.rawContiguous),
    };
  } finally {
    await client.close();
    await floor.close();
    await raw.close();
  }
}
