#!/usr/bin/env node
// Seeded, bounded fuzzing of what reads a peer's bytes on both sides of the pipe: the frame
// reader and the msgpack decoder (shared by the parent and the worker host), then the message
// checks each side applies. Inputs are mutations of real frames (plain ones, and ones whose bytes
// travel as attachments after an envelope) plus random bytes, delivered in random chunks (push)
// or in reads of random sizes into the buffers the reader hands out (readBuffer/commit, as a
// socket's onread does). It checks that every input ends as messages or as a clean violation,
// that no body over the cap is ever delivered, that the reader never holds more than eight times
// what arrived, that unmutated frames decode to exactly what was sent and stay intact while later
// reads land, and that no prototype is polluted.
// `npm run fuzz` runs it longer: node test/fuzz/fuzz-frames.mjs [inputs] [seed]
import { isDeepStrictEqual } from 'node:util';
import { encodeFrame, decodeBody, FrameReader, FrameError } from '../../dist/runtime/protocol/frames.js';
import { isRemoteErrorData } from '../../dist/runtime/protocol/messages.js';

export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CAP = 64 * 1024;
/** Attachments from this size, not the library's 64 KiB, so that attached frames stay small and fast to mutate. */
const ATTACH_FROM = 16;
/** The reader's promise: what it holds for a frame in progress is at most this many times what arrived. */
const HELD_FACTOR = 8;

function sampleMessages(rand) {
  const int = (n) => Math.floor(rand() * n);
  const str = () => 'x'.repeat(int(20)) + String.fromCharCode(32 + int(90));
  const value = (depth = 0) => {
    switch (int(depth > 3 ? 6 : 9)) {
      case 0: return int(1000) - 500;
      case 1: return rand();
      case 2: return str();
      case 3: return null;
      case 4: return rand() < 0.5;
      case 5: return Buffer.alloc(int(64), int(256));
      case 6: return Array.from({ length: int(5) }, () => value(depth + 1));
      case 7: return Object.fromEntries(Array.from({ length: int(5) }, () => [str(), value(depth + 1)]));
      default: return undefined;
    }
  };
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(256)));
  return [
    // With ATTACH_FROM these travel as attachments: arguments, a result, an array result, both classes.
    [4, int(1e6), int(20), [bytes(16 + int(300)), value(), new Uint8Array(bytes(20 + int(100))), Buffer.alloc(0)]],
    [5, int(1e6), bytes(16 + int(2000))],
    [5, int(1e6), new Uint8Array(bytes(16 + int(64)))],
    [5, int(1e6), [bytes(40), 'x', bytes(17), { nested: bytes(100) }]],
    [0, 'ab'.repeat(32), int(99999), 1, 'a1b2c3d4e5f60718', 'IService'],
    [1, '/abs/impl.js', 'default', 1000],
    [2],
    [3, { name: 'Error', message: str(), stack: str() }],
    [4, int(1e6), int(20), [value(), value()]],
    [5, int(1e6), value()],
    [6, int(1e6), { name: 'RangeError', message: str(), code: 'E_X' }],
    [7, { callsServed: int(100), heapUsedBytes: int(1e8), heapTotalBytes: int(1e8), externalBytes: 0, rssBytes: int(1e9) }],
    [8],
    [9, int(1e6)],
    [10, str()],
  ];
}

function mutate(frame, rand) {
  const bytes = Buffer.from(frame);
  const int = (n) => Math.floor(rand() * n);
  const ops = 1 + int(4);
  let out = bytes;
  for (let i = 0; i < ops; i++) {
    switch (int(7)) {
      case 0: if (out.length) out[int(out.length)] = int(256); break;
      case 1: if (out.length) out[int(out.length)] ^= 1 << int(8); break;
      case 2: { const at = int(out.length + 1); out = Buffer.concat([out.subarray(0, at), Buffer.from(Array.from({ length: 1 + int(8) }, () => int(256))), out.subarray(at)]); break; }
      case 3: { const at = int(out.length + 1); out = Buffer.concat([out.subarray(0, at), out.subarray(Math.min(out.length, at + 1 + int(8)))]); break; }
      case 4: out = out.subarray(0, int(out.length + 1)); break;
      case 5: if (out.length >= 4) out.writeUInt32LE([0, 1, 0xffffffff, CAP + 1, int(2 ** 32)][int(5)] >>> 0, 0); break;
      default: out = Buffer.concat([out, out.subarray(0, int(out.length + 1))]);
    }
  }
  return out;
}

/** What the parent accepts from a worker, and the worker from the parent (see worker-process.ts and host.ts). */
function checkParentSide(m) {
  switch (m[0]) {
    case 0: return typeof m[1] === 'string';
    case 2: return true;
    case 3: return isRemoteErrorData(m[1]);
    case 5: return typeof m[1] === 'number';
    case 6: return typeof m[1] === 'number' && isRemoteErrorData(m[2]);
    case 7: return typeof m[1] === 'object' && m[1] !== null && typeof m[1].callsServed === 'number';
    default: return false;
  }
}
function checkWorkerSide(m) {
  switch (m[0]) {
    case 1: return typeof m[1] === 'string' && typeof m[2] === 'string';
    case 4: return typeof m[1] === 'number' && typeof m[2] === 'number' && Array.isArray(m[3]);
    case 8: case 9: case 10: return true;
    default: return false;
  }
}

/**
 * Feeds input to reader in pieces of random sizes, as socket chunks (push) or as reads into the
 * buffers the reader hands out (readBuffer/commit). Stops at the first FrameError or once `stop()`.
 */
function deliver(reader, input, rand, viaReads, stop, stats) {
  let at = 0;
  while (at < input.length && !stop()) {
    const size = 1 + Math.floor(rand() * (rand() < 0.1 ? 4096 : 64));
    try {
      if (viaReads) {
        const target = reader.readBuffer();
        const n = Math.min(size, target.length, input.length - at);
        input.copy(target, 0, at, at + n);
        reader.commit(n);
        at += n;
      } else {
        reader.push(input.subarray(at, at + size));
        at += size;
      }
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      stats.frameErrors++;
      return;
    }
    if (reader.heldBytes > HELD_FACTOR * reader.bufferedBytes) {
      throw new Error(`the reader holds ${reader.heldBytes} bytes for ${reader.bufferedBytes} that arrived`);
    }
  }
}

/** Unmutated frames, back to back, decode to exactly the messages sent (classes included), and stay so. */
function roundTrip(messages, rand, viaReads) {
  const stream = Buffer.concat(messages.map((m) => encodeFrame(m, ATTACH_FROM)));
  const got = [];
  const reader = new FrameReader(CAP, (body) => got.push(decodeBody(body)));
  deliver(reader, stream, rand, viaReads, () => false, {});
  // Compared only now: a body delivered as a view must not have been overwritten by later reads.
  if (!isDeepStrictEqual(got, messages)) {
    throw new Error(`frames delivered ${viaReads ? 'through reads' : 'as chunks'} did not decode to the messages sent`);
  }
}

export function fuzz(inputs, seed) {
  const rand = mulberry32(seed);
  const messages = sampleMessages(rand);
  for (let i = 0; i < 20; i++) {
    roundTrip(messages, rand, i % 2 === 0);
  }
  const frames = messages.map((m) => encodeFrame(m, ATTACH_FROM));
  const stats = { inputs: 0, bodies: 0, accepted: 0, violations: 0, frameErrors: 0, decodeErrors: 0, attached: 0 };
  for (let n = 0; n < inputs; n++) {
    let input;
    if (rand() < 0.5) {
      const count = 1 + Math.floor(rand() * 3);
      input = mutate(Buffer.concat(Array.from({ length: count }, () => frames[Math.floor(rand() * frames.length)])), rand);
    } else {
      input = Buffer.from(Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256)));
    }
    stats.inputs++;
    let broken = false;
    const reader = new FrameReader(CAP, (body) => {
      if (broken) return;
      stats.bodies++;
      if (body.length > CAP) throw new Error(`delivered a body of ${body.length} bytes over the cap`);
      if (body[0] === 0xc1) stats.attached++;
      let m;
      try {
        m = decodeBody(body);
      } catch (error) {
        if (!(error instanceof Error)) throw new Error(`the decoder threw a non-Error: ${String(error)}`);
        stats.decodeErrors++;
        broken = true;
        return;
      }
      if (!Array.isArray(m) || typeof m[0] !== 'number') { stats.violations++; broken = true; return; }
      if (checkParentSide(m) || checkWorkerSide(m)) stats.accepted++;
      else { stats.violations++; broken = true; }
    });
    deliver(reader, input, rand, rand() < 0.5, () => broken, stats);
    if (({}).polluted !== undefined || Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')) {
      throw new Error(`input ${n} (seed ${seed}) polluted Object.prototype`);
    }
  }
  return stats;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop())) {
  const inputs = Number(process.argv[2] ?? 2_000_000);
  const seed = Number(process.argv[3] ?? Date.now() % 2 ** 31);
  const started = performance.now();
  const stats = fuzz(inputs, seed);
  console.log(JSON.stringify({ seed, seconds: ((performance.now() - started) / 1000).toFixed(1), ...stats }));
}
