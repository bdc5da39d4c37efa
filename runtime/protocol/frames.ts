/**
 * Framing: a 4-byte little-endian body length, then a msgpack body.
 *
 * Encoding packs straight into msgpackr's buffer with 4 bytes reserved in front, so a frame costs
 * one copy of its bytes however large it is. Decoding hands msgpackr a view of the received
 * bytes: binary values come back as Buffers over the frame, not copies of it. Splitting the
 * stream into bodies is frame-reader.ts.
 */
// msgpackr/pack rather than msgpackr: the same codec without the stream classes and the native
// string-decoding addon, which cost every worker about 14 ms at start-up (bench/README.md).
import { Packr, Unpackr, RESERVE_START_SPACE } from 'msgpackr/pack';

export { FrameError, FrameReader } from './frame-reader.js';

export const HEADER_BYTES = 4;

/** Default cap on one frame's body, both directions. */
export const DEFAULT_MAX_FRAME_BYTES = 256 * 1024 * 1024;

/*
 * What a value is when it arrives is what it was when it was sent: the generated validators
 * check declared types, and the codec must not blur them.
 *
 * - Plain objects are msgpackr records and msgpack maps decode as `Map`s, which is the only way
 *   msgpackr keeps a Map (with number, bigint or boolean keys) apart from an object. Each frame
 *   carries its own record definitions: no structures are shared, so every frame decodes on its
 *   own, and a peer cannot define structures that change how a later frame decodes (each unpack
 *   starts with none). An own `__proto__` key decodes as `__proto_` (msgpackr's guard); the
 *   validators refuse one before it is sent.
 * - `moreTypes`: Sets, typed arrays (as their own class), ArrayBuffer; a Buffer is msgpack bin
 *   and decodes as a Buffer (a view of the frame, not a copy). Dates are the timestamp extension.
 * - bigints: int64/uint64 decode as bigint (numbers never encode as 64-bit integers), and
 *   larger ones use msgpackr's bigint extension, so every bigint arrives as the same bigint.
 * - undefined is msgpackr's undefined extension, kept apart from null (nil).
 * - A function (or a class instance's method, inside `unknown`) is refused, not sent as undefined.
 * - No structured clone: no references, no cycles, no extension that builds an object graph.
 */
const packr = new Packr({
  useRecords: true,
  moreTypes: true,
  useBigIntExtension: true,
  structuredClone: false,
  bundleStrings: false,
  encodeUndefinedAsNil: false,
  writeFunction: () => {
    throw new TypeError('a function cannot be sent to another process');
  },
});
const unpackr = new Unpackr({
  useRecords: true,
  mapsAsObjects: false,
  moreTypes: true,
  structuredClone: false,
  int64AsType: 'bigint',
});

/** Encodes one message as a complete frame, header included, ready to write. */
export function encodeFrame(message: unknown): Buffer {
  const frame = packr.pack(message, RESERVE_START_SPACE | HEADER_BYTES);
  frame.writeUInt32LE(frame.length - HEADER_BYTES, 0);
  return frame;
}

/** Decodes one frame body; throws on bytes that are not exactly one msgpack value. */
export function decodeBody(body: Uint8Array): unknown {
  return unpackr.unpack(body);
}
