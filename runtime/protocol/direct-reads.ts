/**
 * Reads that land where a FrameReader says (a socket's `onread`), so a large body is read straight
 * into its own buffer rather than gathered from the socket's chunks and copied.
 */
import { Socket, type OnReadOpts, type SocketConstructorOpts } from 'node:net';
import type { FrameReader } from './frame-reader.js';

/**
 * The `onread` option that feeds `reader`. `onError` gets what `reader.commit` throws;
 * `stopped()` true makes the socket stop reading.
 */
export function readInto(reader: FrameReader, onError: (error: unknown) => void, stopped: () => boolean): OnReadOpts {
  return {
    buffer: () => reader.readBuffer(),
    callback: (bytes: number) => {
      if (stopped()) return false;
      try {
        reader.commit(bytes);
      } catch (error) {
        onError(error);
      }
      return !stopped();
    },
  };
}

/** The accepted socket's libuv handle: not public API, so only used when it looks as expected. */
interface StreamHandle {
  reading?: unknown;
  useUserBuffer?: unknown;
}

/**
 * Node's server cannot be given `onread`, so an accepted handle moves to a new Socket that has
 * one. Only a paused handle (accepted with `pauseOnConnect: true`) of the kind Node's own sockets
 * use is moved; the accepted Socket is then destroyed without it, which only tells the server the
 * connection is no longer its own. Returns undefined, and touches nothing, when that cannot be done.
 */
export function acceptWithReads(accepted: Socket, onread: OnReadOpts): Socket | undefined {
  const internals = accepted as unknown as { _handle?: StreamHandle | null };
  const handle = internals._handle;
  if (handle === undefined || handle === null || typeof handle.useUserBuffer !== 'function' || handle.reading !== false) return undefined;
  let direct: Socket;
  try {
    direct = new Socket({ handle, onread, readable: true, writable: true } as SocketConstructorOpts);
  } catch {
    return undefined;
  }
  internals._handle = null;
  accepted.destroy();
  return direct;
}
