/**
 * The wire protocol shared by the parent (runtime/) and the worker host (worker-template/).
 *
 * Every message is a msgpack array whose first element is its kind. Arrays rather than maps keep
 * small calls small: a call to a method taking one short string is about 12 bytes on the wire.
 * docs/wire-protocol.md describes the same thing for implementers in other languages.
 */

/**
 * Bumped whenever a message or its framing changes shape; both sides refuse a peer with another
 * version. 2: large bytes travel after the envelope (frames.ts, docs/wire-protocol.md). 3: hello
 * carries what a confined worker enforces. 4: streamed results (StreamItem, StreamEnd,
 * StreamCredit; Cancel stops a stream) and leases (LeaseBegin, LeaseEnd). 5: a call may carry the
 * caller's trace context, welcome the pool's call timeout (for callContext()'s deadline), and
 * ready the inspector's URL (`inspect`).
 */
export const PROTOCOL_VERSION = 5;

export const Kind = {
  /**
   * worker → parent: `[Hello, secret, pid, protocolVersion, interfaceHash, serviceName, confinement]`,
   * confinement being what a confined worker found it enforces (runtime/confine/report.ts), or nil
   */
  Hello: 0,
  /**
   * parent → worker: `[Welcome, workerModule, workerExport, healthIntervalMs, callTimeoutMs]`, the
   * go-ahead to load user code; callTimeoutMs is the pool's methodCallTimeoutMs
   */
  Welcome: 1,
  /**
   * worker → parent: `[Ready, inspectorUrl?]`, the implementation is loaded and checked;
   * inspectorUrl, the inspector's `ws://host:port/uuid`, only when the bootstrap said `inspect`
   * and the inspector listens
   */
  Ready: 2,
  /** worker → parent: `[StartFailed, RemoteErrorData]`, the implementation could not be loaded */
  StartFailed: 3,
  /**
   * parent → worker: `[Call, callId, methodId, args, trace?]`; trace, `[traceparent, tracestate?]`,
   * only when the call was made in a trace (runtime/diagnostics.ts). Call ids are unique in the
   * parent's process; a retried call keeps its id.
   */
  Call: 4,
  /** worker → parent: `[Result, callId, value]` */
  Result: 5,
  /** worker → parent: `[Error, callId, RemoteErrorData]` */
  Error: 6,
  /** worker → parent: `[Health, WorkerHealthData]` */
  Health: 7,
  /** parent → worker: `[Shutdown]`, finish and exit */
  Shutdown: 8,
  /**
   * parent → worker: `[Cancel, callId]`, stop the stream that call runs (its iterator's return());
   * answered with StreamEnd, or Error when return() threw. A plain call is never cancelled this
   * way: only killing its worker stops it.
   */
  Cancel: 9,
  /** parent → worker: `[Refused, reason]`, sent before the parent closes a connection it will not serve */
  Refused: 10,
  /** worker → parent: `[StreamItem, callId, item]`, one item of a streamed result; each spends one credit */
  StreamItem: 11,
  /** worker → parent: `[StreamEnd, callId]`, the stream is over (its iterator is done, or stopped by Cancel) */
  StreamEnd: 12,
  /** parent → worker: `[StreamCredit, callId, n]`, the worker may send n more items of that call's stream */
  StreamCredit: 13,
  // 14 is kept for streams too.
  /**
   * parent → worker: `[LeaseBegin, callId, freshInstance]`, answered like a call: the worker is
   * leased until LeaseEnd; with freshInstance and a class export, the lease's calls run on an
   * instance constructed for it (the answer is true when one was)
   */
  LeaseBegin: 15,
  /** parent → worker: `[LeaseEnd, callId]`, answered like a call once the lease's instance, if any, is disposed */
  LeaseEnd: 16,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

import type { Confinement } from '../confine/report.js';

/** An error as data: what crosses the pipe when the implementation throws. */
export interface RemoteErrorData {
  readonly name: string;
  readonly message: string;
  readonly stack?: string | undefined;
  readonly code?: string | number | undefined;
}

/** What only the worker can tell about itself, sent in health frames. */
export interface WorkerHealthData {
  readonly callsServed: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
  readonly rssBytes: number;
}

export type HelloMessage = [typeof Kind.Hello, string, number, number, string, string, Confinement | null];
export type WelcomeMessage = [typeof Kind.Welcome, string, string, number, number];
export type ReadyMessage = [typeof Kind.Ready] | [typeof Kind.Ready, string | undefined];
export type StartFailedMessage = [typeof Kind.StartFailed, RemoteErrorData];
/** The W3C trace context a call carries: traceparent, and tracestate when there is one. */
export type TraceContext = [string] | [string, string];
export type CallMessage = [typeof Kind.Call, number, number, unknown[]] | [typeof Kind.Call, number, number, unknown[], TraceContext];
export type ResultMessage = [typeof Kind.Result, number, unknown];
export type ErrorMessage = [typeof Kind.Error, number, RemoteErrorData];
export type HealthMessage = [typeof Kind.Health, WorkerHealthData];
export type ShutdownMessage = [typeof Kind.Shutdown];
export type CancelMessage = [typeof Kind.Cancel, number];
export type RefusedMessage = [typeof Kind.Refused, string];
export type LeaseBeginMessage = [typeof Kind.LeaseBegin, number, boolean];
export type LeaseEndMessage = [typeof Kind.LeaseEnd, number];
export type StreamItemMessage = [typeof Kind.StreamItem, number, unknown];
export type StreamEndMessage = [typeof Kind.StreamEnd, number];
export type StreamCreditMessage = [typeof Kind.StreamCredit, number, number];

export type WorkerToParent = HelloMessage | ReadyMessage | StartFailedMessage | ResultMessage | ErrorMessage | HealthMessage | StreamItemMessage | StreamEndMessage;
export type ParentToWorker = WelcomeMessage | CallMessage | ShutdownMessage | CancelMessage | RefusedMessage | StreamCreditMessage | LeaseBeginMessage | LeaseEndMessage;

/** Turns anything thrown into error data that msgpack can carry. */
export function toRemoteErrorData(error: unknown): RemoteErrorData {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      code: typeof code === 'string' || typeof code === 'number' ? code : undefined,
    };
  }
  return { name: 'NonErrorThrown', message: `a value that is not an Error was thrown: ${describeThrown(error)}` };
}

function describeThrown(value: unknown): string {
  try {
    return typeof value === 'string' ? JSON.stringify(value) : String(value);
  } catch {
    return typeof value;
  }
}

/** Checks that decoded bytes are error data; the parent never trusts the worker's shapes. */
export function isRemoteErrorData(value: unknown): value is RemoteErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['name'] === 'string' && typeof v['message'] === 'string'
    && (v['stack'] === undefined || v['stack'] === null || typeof v['stack'] === 'string')
    && (v['code'] === undefined || v['code'] === null || typeof v['code'] === 'string' || typeof v['code'] === 'number');
}
