/**
 * One end of a worker's pipe: frames in, messages out, and the reverse. Used by both the parent
 * and the worker host. It reports bytes that make no sense as a violation and stops reading;
 * what to do about it (kill the worker, exit) is the owner's decision.
 *
 * Reads land where the frame reader says (the socket's `onread`), so a large body is read
 * straight into its own buffer instead of being gathered from chunks and copied; writes of
 * large bytes go from the sender's memory (see frames.ts).
 */
import { connect, type OnReadOpts, type Socket } from 'node:net';
import { acceptWithReads, readInto } from './direct-reads.js';
import { decodeBody, encodeFrameParts, FrameReader } from './frames.js';

export interface ChannelHandlers {
  /** A decoded message: an array whose first element is a number (its kind). Nothing else is delivered. */
  message(message: unknown[]): void;
  /** The stream stopped making sense (oversize frame, undecodable bytes, not a message). */
  violation(reason: string, cause?: unknown): void;
  /** The pipe closed, from either end. Called once. */
  close(hadError: boolean): void;
}

export class Channel {
  #socket!: Socket;
  readonly #reader: FrameReader;
  readonly #handlers: ChannelHandlers;
  #broken = false;

  /**
   * Connects to a pipe (the worker's side). Resolves once connected; rejects with the connection
   * error, after which no handler is called.
   */
  static connect(path: string, maxFrameBytes: number, handlers: ChannelHandlers): Promise<Channel> {
    const channel = new Channel(maxFrameBytes, handlers);
    const socket = connect({ path, onread: channel.#onread() });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        channel.#attach(socket);
        resolve(channel);
      });
    });
  }

  /**
   * Takes an accepted connection (the parent's side). Accept it paused (`pauseOnConnect: true`):
   * its handle is then moved to a socket that reads through the frame reader. Where that cannot
   * be done (a Node without the handle this expects), the channel reads the socket's chunks.
   */
  static accept(socket: Socket, maxFrameBytes: number, handlers: ChannelHandlers): Channel {
    const channel = new Channel(maxFrameBytes, handlers);
    const direct = acceptWithReads(socket, channel.#onread());
    if (direct !== undefined) {
      channel.#attach(direct);
      return channel;
    }
    socket.on('data', (chunk: Buffer) => {
      if (channel.#broken) return;
      try {
        channel.#reader.push(chunk);
      } catch (error) {
        channel.#fail((error as Error).message, error);
      }
    });
    channel.#attach(socket);
    socket.resume();
    return channel;
  }

  private constructor(maxFrameBytes: number, handlers: ChannelHandlers) {
    this.#handlers = handlers;
    this.#reader = new FrameReader(maxFrameBytes, (body) => this.#onBody(body));
  }

  #onread(): OnReadOpts {
    return readInto(this.#reader, (error) => this.#fail((error as Error).message, error), () => this.#broken);
  }

  #attach(socket: Socket): void {
    this.#socket = socket;
    socket.setNoDelay?.(true);
    // A write to a peer that has gone away raises EPIPE/ECONNRESET here; 'close' follows and says so.
    socket.on('error', () => {});
    socket.once('close', (hadError) => this.#handlers.close(hadError));
  }

  /** The largest frame body accepted from the peer. */
  set maxFrameBytes(value: number) {
    this.#reader.maxBodyBytes = value;
  }

  get socket(): Socket {
    return this.#socket;
  }

  /**
   * Sends one message. Returns false when the socket is buffering (see the socket's 'drain').
   * Large bytes in it are written from their own memory: they must not change until the peer
   * has them (for a call, until it settles).
   */
  send(message: unknown): boolean {
    const socket = this.#socket;
    if (socket.destroyed) return false;
    const frame = encodeFrameParts(message);
    if (Buffer.isBuffer(frame)) return socket.write(frame);
    // Corked, the parts leave in one writev, without being copied together.
    socket.cork();
    let flowing = true;
    for (const part of frame) flowing = socket.write(part);
    socket.uncork();
    return flowing;
  }

  /** Ends the pipe after what was written is flushed. */
  end(callback?: () => void): void {
    this.#socket.end(callback);
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #onBody(body: Buffer): void {
    if (this.#broken) return;
    let message: unknown;
    try {
      message = decodeBody(body);
    } catch (error) {
      this.#fail(`a frame of ${body.length} bytes is not valid msgpack: ${(error as Error).message}`, error);
      return;
    }
    if (!Array.isArray(message) || typeof message[0] !== 'number') {
      this.#fail(`a frame decoded to ${Array.isArray(message) ? 'an array without a message kind' : typeof message}, not a message`);
      return;
    }
    this.#handlers.message(message);
  }

  #fail(reason: string, cause?: unknown): void {
    this.#broken = true;
    this.#socket.pause();
    this.#handlers.violation(reason, cause);
  }
}
