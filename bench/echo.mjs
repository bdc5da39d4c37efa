// A large payload both ways: the client's echo(data) against the same bytes bounced off a bare
// child with the same framing. Runs unpinned, so the kernel's copies and both processes overlap as
// they would in an application.
import { randomFillSync } from 'node:crypto';
import { openClient } from './client.mjs';
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
    if (!(reply instanceof Uint8Array) || reply.length !== data.length) {
      throw new Error(`${what} returned ${reply?.length ?? String(reply)} bytes instead of ${data.length}`);
    }
  }
  return times;
}

/**
 * MiB/s counts the payload once per round trip: `size / round-trip time`. The bytes cross the pipe
 * twice (there and back), so the pipe itself moves twice that.
 */
export async function measureEcho({ sizeMiB, warmup, rounds }) {
  const data = randomFillSync(Buffer.allocUnsafe(sizeMiB * MiB));
  const floor = await startFloor(1);
  const client = await openClient({ minPoolSize: 1, maxPoolSize: 1 });
  try {
    const peer = floor.peers[0];
    const floorEcho = (d) => peer.echo(d);
    const clientEcho = (d) => client.echo(d);
    const first = await client.echo(data);
    if (Buffer.compare(Buffer.from(first.buffer, first.byteOffset, first.length), data) !== 0) {
      throw new Error('the client\'s echo returned different bytes');
    }
    await timeEchoes(floorEcho, data, warmup, 'the floor child\'s echo');
    await timeEchoes(clientEcho, data, warmup, 'the client\'s echo');
    const floorMs = [];
    const clientMs = [];
    // Alternating, one round trip each, so both sides see the same memory pressure and GC state.
    for (let i = 0; i < rounds; i++) {
      floorMs.push(...await timeEchoes(floorEcho, data, 1, 'the floor child\'s echo'));
      clientMs.push(...await timeEchoes(clientEcho, data, 1, 'the client\'s echo'));
    }
    const summary = (times) => ({ rounds, medianMs: median(times), mibPerSecond: sizeMiB / (median(times) / 1000) });
    return { sizeMiB, counted: 'payload once per round trip', floor: summary(floorMs), client: summary(clientMs) };
  } finally {
    await client.close();
    await floor.close();
  }
}
