// Echo of random bytes on a pool of 1, each peer its own way of passing a Buffer: default first
// and, where it lets one choose Node IPC's serialization, 'advanced' too. Each side in a fresh
// process: the first round trip of the fresh pool, timed alone, then the warm-up and rounds row 4
// takes (its warm figure is the median of those rounds), so the warm figures of both tables agree.
// A side past `budgetMs` (Node's json IPC takes seconds a round trip at 16 MiB) stops early: its
// warm-up ends once the first call and the warm-ups have spent the budget, its rounds once they
// have, after at least 2; its cell says how many it took.
import { randomFillSync } from 'node:crypto';
import { median } from '../stats.mjs';
import { TRAITS, describe, openPeer, toBytes } from './adapters.mjs';
import { runSide } from './side.mjs';

const MiB = 1024 * 1024;

/** Tinypool's json path turns a Buffer into an object with one key per byte, and nothing turns it back. */
const jsonObjectOfBytes = (name, serialization) => name === 'tinypool' && serialization === undefined;

/** In the side's own process. The conversion of a json reply back to bytes is timed with the call. */
export async function measureSide(name, { serialization, sizeMiB, warmup, rounds, budgetMs }) {
  const data = randomFillSync(Buffer.allocUnsafe(sizeMiB * MiB));
  const peer = await openPeer(name, { workers: 1, serialization });
  try {
    const asBytes = jsonObjectOfBytes(name, serialization) ? (reply) => Uint8Array.from(Object.values(reply)) : toBytes;
    const start = performance.now();
    const reply = await peer.echo(data);
    const bytes = asBytes(reply);
    const firstCallMs = performance.now() - start;
    if (Buffer.compare(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), data) !== 0) throw new Error(`${name}'s echo returned different bytes`);
    const arrivesAs = jsonObjectOfBytes(name, serialization) ? 'object with one key per byte (json)' : describe(reply);
    const timed = async (count, atLeast, started) => {
      const times = [];
      while (times.length < count && (times.length < atLeast || performance.now() - started < budgetMs)) {
        const t = performance.now();
        const back = asBytes(await peer.echo(data));
        times.push(performance.now() - t);
        if (back.length !== data.length) throw new Error(`${name}'s echo returned ${back.length} bytes instead of ${data.length}`);
      }
      return times;
    };
    // The first call is the warm-up of a side whose first call spent the budget.
    const warmupRounds = (await timed(warmup, 0, start)).length;
    const times = await timed(rounds, 2, performance.now());
    return {
      peer: name,
      serialization: serialization ?? 'default',
      arrivesAs,
      sizeMiB,
      firstCallMs,
      warmupRounds,
      rounds: times.length,
      medianMs: median(times),
      mibPerSecond: sizeMiB / (median(times) / 1000),
      eachMs: times,
    };
  } finally {
    await peer.close();
  }
}

/** Every side in turn; `slowSizeMiB` for tinypool's json path, which takes tens of seconds at 16 MiB. */
export async function measureEcho({ sides, sizeMiB, slowSizeMiB, warmup, rounds, budgetMs }) {
  const all = [
    ['process-sandbox', undefined],
    ['workerpool', undefined],
    ['workerpool', 'advanced'],
    ['jest-worker', undefined],
    ['tinypool', undefined],
    ['tinypool', 'advanced'],
    ['worker-farm', undefined],
    ['worker-farm', 'advanced'],
  ];
  const out = [];
  for (const [name, serialization] of all.filter(([name]) => sides.includes(name))) {
    const size = jsonObjectOfBytes(name, serialization) ? slowSizeMiB : sizeMiB;
    const result = await runSide('echo', name, { serialization, sizeMiB: size, warmup, rounds, budgetMs }, { timeoutMs: 120_000 });
    out.push({
      peer: name,
      serialization: serialization ?? 'default',
      sizeMiB: size,
      carries: serialization === undefined ? TRAITS[name].serialization : `Node IPC, ${serialization} (set through the peer's fork options)`,
      ...result,
    });
  }
  return out;
}
