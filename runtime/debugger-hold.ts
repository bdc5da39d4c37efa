/**
 * Under `inspect` (inspect.ts), what becomes of a call whose deadline passed: a worker stopped at
 * a breakpoint is being debugged, not hung, and killing it would end the session. One per worker
 * that reported an inspector URL; a worker of a pool without `inspect` has none, and its deadline
 * is what it always was.
 *
 * - A debugger is attached (the platform sees its connection: Platform.debuggerAttached): the
 *   call is held, and asked about again every RECHECK_MS.
 * - It detached while the call was held: the call gets its full timeout again, from now.
 * - None was attached: the call times out as any other.
 * - The platform cannot tell (Windows, macOS): the call is held for good; it never times out.
 */
import { platform } from './platform/index.js';

/** How often a held call asks again whether the debugger is still attached. */
export const RECHECK_MS = 1000;

export type DebuggerVerdict =
  /** A debugger is attached, and this call was not held yet. */
  | 'attached'
  /** Still attached. */
  | 'held'
  /** It was held, and the debugger has gone: a fresh timeout. */
  | 'detached'
  /** No debugger: time out. */
  | 'expire'
  /** This platform cannot tell: never time out. */
  | 'undetectable';

export class DebuggerHold {
  readonly #port: number;
  /** The call held, if any: a hold is one call's. */
  #heldCall: number | undefined;

  constructor(port: number) {
    this.#port = port;
  }

  async verdict(pid: number | undefined, callId: number): Promise<DebuggerVerdict> {
    const detect = platform.debuggerAttached;
    if (detect === undefined) return 'undetectable';
    const wasHeld = this.#heldCall === callId;
    const attached = pid !== undefined && await detect.call(platform, pid, this.#port).catch(() => false);
    if (attached) {
      this.#heldCall = callId;
      return wasHeld ? 'held' : 'attached';
    }
    this.#heldCall = undefined;
    return wasHeld ? 'detached' : 'expire';
  }
}
