/**
 * Framing: a 4-byte little-endian body length, then the body: one msgpack value, or (for a
 * message carrying large bytes) a small msgpack envelope followed by those bytes as they are.
 *
 * Encoding packs the message into msgpackr's buffer with the header reserved in front. A Buffer or
 * Uint8Array of at least ATTACH_MIN_BYTES in a top-level place of a message (an element of the
 * message, or of an array that is one: a call's arguments, a result) is not copied into that
 * buffer: it is written after the envelope from the caller's own memory. Decoding hands msgpackr
 * a view of the received bytes, so binary values (attached or not) come back as views of the
 * frame, not copies of it. docs/wire-protocol.md describes the bytes; frame-reader.ts splits the
 * stream into bodies.
 */
// msgpackr/pack rather than msgpackr: the same codec without the stream classes and the native
// string-decoding addon, which cost every worker about 14 ms at start-up (bench/README.md).
import { Packr, Unpackr, RESERVE_START_SPACE } from 'msgpackr/pack';

export { FrameError, FrameReader } from './frame-reader.js';

export const HEADER_BYTES = 4;

/** Default cap on one frame's body, both directions. */
export const DEFAULT_MAX_FRAME_BYTES = 256 * 1024 * 1024;

/**
 * Bytes at least this long, in a top-level place, travel after the envelope instead of inside it.
 * Below it, copying into msgpackr's buffer costs less than a separate write (the write's own cost
 * is a few microseconds; copying 64 KiB is about as much).
 */
export const ATTACH_MIN_BYTES = 64 * 1024;

/** The first byte of a body with attachments: 0xc1 is the one byte msgpack never uses. */
export const ATTACHED_MARK = 0xc1;

/** The mark and the envelope's 4-byte length, between the frame header and the envelope. */
const ATTACHED_PREFIX_BYTES = 5;

/** Arrays longer than this are not looked into for attachments: the look must stay shallow and cheap. */
const SCAN_ARRAY_MAX = 64;

/** How an attachment comes back: the class it was sent as. */
const AsBuffer = 0;
const AsUint8Array = 1;

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
 * - `moreTypes`: Sets, typed arrays (as their own class: a Uint8Array stays a Uint8Array),
 *   ArrayBuffer; a Buffer is msgpack bin and decodes as a Buffer (a view of the frame, not a
 *   copy). Attached bytes come back as the same class, also as views. Dates are the timestamp
 *   extension.
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

/**
 * Encodes one message as the buffers to write, in order: one Buffer (header and body) when
 * nothing is attached, else the header and envelope followed by the attached bytes themselves.
 * Write them together (cork/uncork: one writev) and do not change the attached bytes until written.
 * `attachFrom` (bytes) is for tests and the fuzzer: any size is valid on the wire.
 */
export function encodeFrameParts(message: unknown, attachFrom = ATTACH_MIN_BYTES): Buffer | Uint8Array[] {
  const attached = Array.isArray(message) ? findAttachments(message, attachFrom) : undefined;
  if (attached === undefined) {
    const frame = packr.pack(message, RESERVE_START_SPACE | HEADER_BYTES);
    frame.writeUInt32LE(frame.length - HEADER_BYTES, 0);
    return frame;
  }
  const head = packr.pack([attached.envelope, attached.table], RESERVE_START_SPACE | (HEADER_BYTES + ATTACHED_PREFIX_BYTES));
  const envelopeBytes = head.length - HEADER_BYTES - ATTACHED_PREFIX_BYTES;
  const bodyBytes = head.length - HEADER_BYTES + attached.bytes;
  if (bodyBytes > 0xffff_ffff) {
    throw new RangeError(`a message of ${bodyBytes} bytes does not fit in one frame (at most 4 GiB - 1)`);
  }
  head.writeUInt32LE(bodyBytes, 0);
  head[HEADER_BYTES] = ATTACHED_MARK;
  head.writeUInt32LE(envelopeBytes, HEADER_BYTES + 1);
  return [head, ...attached.parts];
}

/** Encodes one message as a complete frame in one Buffer (attached bytes copied in): for tools and tests. */
export function encodeFrame(message: unknown, attachFrom = ATTACH_MIN_BYTES): Buffer {
  const parts = encodeFrameParts(message, attachFrom);
  return Buffer.isBuffer(parts) ? parts : Buffer.concat(parts);
}

interface Attachments {
  /** The message with null where each attachment was. */
  envelope: unknown[];
  /** `[as, length, index]` or `[as, length, index, innerIndex]` per attachment, in order. */
  table: number[][];
  parts: Uint8Array[];
  bytes: number;
}

/** The one class check: exactly Buffer or Uint8Array (subclasses and other views keep msgpackr's encoding). */
function attachedAs(value: unknown, attachFrom: number): number {
  if (typeof value !== 'object' || value === null) return -1;
  const type = value.constructor;
  if (type !== Buffer && type !== Uint8Array) return -1;
  if ((value as Uint8Array).byteLength < attachFrom) return -1;
  return type === Buffer ? AsBuffer : AsUint8Array;
}

/**
 * Looks at the message's elements and into the arrays among them (a call's arguments), no deeper.
 * Copies what it changes: the caller's arrays (a call's arguments, kept for a retry) stay as they were.
 */
function findAttachments(message: unknown[], attachFrom: number): Attachments | undefined {
  let found: Attachments | undefined;
  const attach = (as: number, bytes: Uint8Array, index: number, inner: number): void => {
    found ??= { envelope: message.slice(), table: [], parts: [], bytes: 0 };
    if (inner < 0) {
      found.envelope[index] = null;
      found.table.push([as, bytes.byteLength, index]);
    } else {
      let copy = found.envelope[index] as unknown[];
      if (copy === message[index]) found.envelope[index] = copy = copy.slice();
      copy[inner] = null;
      found.table.push([as, bytes.byteLength, index, inner]);
    }
    found.parts.push(bytes);
    found.bytes += bytes.byteLength;
  };
  for (let i = 1; i < message.length; i++) {
    const value = message[i];
    if (typeof value !== 'object' || value === null) continue;
    const as = attachedAs(value, attachFrom);
    if (as >= 0) {
      attach(as, value as Uint8Array, i, -1);
    } else if (Array.isArray(value) && value.length <= SCAN_ARRAY_MAX) {
      for (let j = 0; j < value.length; j++) {
        const inner: unknown = value[j];
        const innerAs = attachedAs(inner, attachFrom);
        if (innerAs >= 0) attach(innerAs, inner as Uint8Array, i, j);
      }
    }
  }
  return found;
}

/** Decodes one frame body; throws on bytes that are not exactly one message as framed. */
export function decodeBody(body: Buffer): unknown {
  if (body[0] === ATTACHED_MARK) return decodeAttached(body);
  return unpackr.unpack(body);
}

function decodeAttached(body: Buffer): unknown {
  if (body.length < ATTACHED_PREFIX_BYTES + 1) throw new Error('a body marked as carrying attachments is too short for its envelope length');
  const envelopeEnd = ATTACHED_PREFIX_BYTES + body.readUInt32LE(1);
  if (envelopeEnd === ATTACHED_PREFIX_BYTES || envelopeEnd > body.length) {
    throw new Error(`an envelope of ${envelopeEnd - ATTACHED_PREFIX_BYTES} bytes does not fit in a body of ${body.length} bytes`);
  }
  const envelope: unknown = unpackr.unpack(body.subarray(ATTACHED_PREFIX_BYTES, envelopeEnd));
  if (!Array.isArray(envelope) || envelope.length !== 2 || !Array.isArray(envelope[0]) || !Array.isArray(envelope[1])) {
    throw new Error('an envelope is not [message, attachments]');
  }
  const message = envelope[0] as unknown[];
  const table = envelope[1] as unknown[];
  let at = envelopeEnd;
  for (const entry of table) {
    if (!Array.isArray(entry) || (entry.length !== 3 && entry.length !== 4) || !entry.every(isIndex)) {
      throw new Error('an attachment entry is not [as, length, index] or [as, length, index, innerIndex] of whole numbers');
    }
    const [as, length, index, inner] = entry as number[];
    if (as !== AsBuffer && as !== AsUint8Array) throw new Error(`an attachment of unknown class ${as}`);
    if (length! > body.length - at) throw new Error(`an attachment of ${length} bytes runs past the end of its frame`);
    const bytes = as === AsBuffer ? body.subarray(at, at + length!) : new Uint8Array(body.buffer, body.byteOffset + at, length);
    at += length!;
    const container = inner === undefined ? message : message[index!];
    const slot = inner ?? index!;
    if (!Array.isArray(container) || slot >= container.length || container[slot] !== null) {
      throw new Error(`an attachment names a place (${entry.slice(2).join(', ')}) that is not a null in the message`);
    }
    container[slot] = bytes;
  }
  if (at !== body.length) throw new Error(`${body.length - at} bytes after the last attachment`);
  return message;
}

function isIndex(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
