/**
 * Splits a byte stream into frame bodies (a 4-byte little-endian length, then the body), either
 * from chunks the socket allocated (`push`) or from reads into buffers the reader chooses
 * (`readBuffer` and `commit`, for a socket's `onread`).
 *
 * A body that arrives whole in one chunk is delivered as a view of it, without a copy. A body
 * spread over many reads is gathered as views until an eighth of it has arrived; then its own
 * buffer is allocated once, what arrived is copied in, and the rest is read straight into it
 * (`onread`) or copied in as it arrives (`push`). So a large body costs at most an eighth of a
 * copy when reads land where the reader says, and a header alone allocates nothing: the memory
 * held for a frame in progress is never more than eight times what arrived (and never more than
 * the cap), however much its header claims.
 */
const HEADER_BYTES = 4;

/** A body gets its own buffer once this fraction of it (1/n) has arrived. */
const ALLOCATE_AFTER_ONE_IN = 8;

/** Reads that do not go into a body go into slabs of this size, each used once, never rewritten. */
const SLAB_BYTES = 64 * 1024;
/** A read is never offered less room than this: a fresh slab is taken instead. */
const MIN_READ_BYTES = 16 * 1024;

/** Why a byte stream stopped making sense; the channel turns it into a ProtocolError. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

export class FrameReader {
  /** A header split over reads: its bytes so far. */
  readonly #head = Buffer.alloc(HEADER_BYTES);
  #headFilled = 0;
  /** The body in progress: its length (0 between frames) and how much of it has arrived. */
  #expected = 0;
  #received = 0;
  /** Its bytes so far as views, until it gets its own buffer. */
  #parts: Buffer[] = [];
  #body: Buffer | undefined;
  /** Where reads land when they do not go into a body: bytes before #slabUsed are delivered or gathered. */
  #slab: Buffer = Buffer.alloc(0);
  #slabUsed = 0;
  /** Whether the last buffer handed out by readBuffer() was the body's. */
  #readingBody = false;
  /** The largest body accepted; a header declaring more is a FrameError. Adjustable, e.g. after a handshake. */
  maxBodyBytes: number;
  readonly #onBody: (body: Buffer) => void;

  constructor(maxBodyBytes: number, onBody: (body: Buffer) => void) {
    this.maxBodyBytes = maxBodyBytes;
    this.#onBody = onBody;
  }

  /** Bytes received but not yet delivered as a body. */
  get bufferedBytes(): number {
    return this.#headFilled + this.#received;
  }

  /** Memory held for the frame in progress: what arrived, or its body's buffer once it has one. */
  get heldBytes(): number {
    return this.#headFilled + (this.#body?.length ?? this.#received);
  }

  /** Takes a chunk the caller will not reuse: bodies inside it are delivered as views of it. */
  push(chunk: Buffer): void {
    let offset = 0;
    const end = chunk.length;
    while (offset < end) {
      if (this.#expected > 0) {
        offset = this.#take(chunk, offset);
        continue;
      }
      if (this.#headFilled === 0 && end - offset >= HEADER_BYTES) {
        const length = this.#check(chunk.readUInt32LE(offset));
        offset += HEADER_BYTES;
        if (end - offset >= length) {
          offset += length;
          this.#onBody(chunk.subarray(offset - length, offset));
        } else {
          this.#expected = length;
        }
        continue;
      }
      const take = Math.min(HEADER_BYTES - this.#headFilled, end - offset);
      chunk.copy(this.#head, this.#headFilled, offset, offset + take);
      this.#headFilled += take;
      offset += take;
      if (this.#headFilled === HEADER_BYTES) {
        this.#headFilled = 0;
        this.#expected = this.#check(this.#head.readUInt32LE(0));
      }
    }
  }

  /**
   * Where the next read should land: the rest of the body in progress once it has its own buffer
   * (so a read never runs into the next frame), else the free end of a slab. Call `commit` with
   * the number of bytes read into it before asking again.
   */
  readBuffer(): Buffer {
    if (this.#body !== undefined) {
      this.#readingBody = true;
      return this.#body.subarray(this.#received);
    }
    this.#readingBody = false;
    if (this.#slab.length - this.#slabUsed < MIN_READ_BYTES) {
      this.#slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
      this.#slabUsed = 0;
    }
    return this.#slab.subarray(this.#slabUsed);
  }

  /** `bytes` were read into the start of the last buffer readBuffer() returned. */
  commit(bytes: number): void {
    if (this.#readingBody) {
      this.#received += bytes;
      if (this.#received === this.#expected) this.#complete();
      return;
    }
    const chunk = this.#slab.subarray(this.#slabUsed, this.#slabUsed + bytes);
    this.#slabUsed += bytes;
    this.push(chunk);
  }

  #check(length: number): number {
    if (length === 0) throw new FrameError('a frame declared an empty body; every message has at least one byte');
    if (length > this.maxBodyBytes) {
      throw new FrameError(`a frame declared a body of ${length} bytes, over the cap of ${this.maxBodyBytes} bytes (maxFrameBytes)`);
    }
    return length;
  }

  /** Keeps the part of chunk that belongs to the body in progress; returns where it stopped. */
  #take(chunk: Buffer, from: number): number {
    const take = Math.min(this.#expected - this.#received, chunk.length - from);
    if (this.#body !== undefined) chunk.copy(this.#body, this.#received, from, from + take);
    else this.#parts.push(chunk.subarray(from, from + take));
    this.#received += take;
    if (this.#received === this.#expected) this.#complete();
    else if (this.#body === undefined && this.#received * ALLOCATE_AFTER_ONE_IN >= this.#expected) this.#allocateBody();
    return from + take;
  }

  #allocateBody(): void {
    // allocUnsafeSlow: memory of its own, never a slice of a pool another Buffer shares.
    const body = Buffer.allocUnsafeSlow(this.#expected);
    let at = 0;
    for (const part of this.#parts) at += part.copy(body, at);
    this.#parts = [];
    this.#body = body;
  }

  #complete(): void {
    const body = this.#body ?? (this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts, this.#expected));
    this.#body = undefined;
    this.#parts = [];
    this.#received = 0;
    this.#expected = 0;
    this.#onBody(body);
  }
}
