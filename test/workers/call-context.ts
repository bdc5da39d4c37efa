/** The implementation of ICallContext: what callContext() and call observers see in a worker. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { callContext, callObservers } from 'process-sandbox/worker';
import type { ICallContext, Seen } from '../services/ICallContext.js';

const store = new AsyncLocalStorage<string>();
const log: string[] = [];
let leftBehind = -2;

async function seen(ms: number): Promise<Seen> {
  const context = callContext()!;
  const now = Date.now();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return {
    service: context.service, method: context.method, callId: context.callId, deadline: context.deadline,
    traceparent: context.traceparent ?? null, tracestate: context.tracestate ?? null,
    now, callIdAfterAwait: callContext()?.callId ?? null, store: store.getStore() ?? null,
  };
}

export default class CallContextService implements ICallContext {
  seen(ms: number): Promise<Seen> {
    return seen(ms);
  }

  seenTimed(): Promise<Seen> {
    return seen(0);
  }

  async *seenStreamed(n: number): AsyncIterable<Seen> {
    for (let i = 0; i < n; i++) yield await seen(1);
  }

  leaveTimer(): void {
    setTimeout(() => { leftBehind = callContext()?.callId ?? -1; }, 50);
  }

  lastLeftBehind(): number {
    return leftBehind;
  }

  observe(): void {
    callObservers().push((call) => {
      log.push(`begin ${call.method}`);
      return {
        run: <T>(fn: () => T): T => store.run(`observing ${call.callId}`, fn),
        end: (error: unknown) => { log.push(`end ${call.method}${error === undefined ? '' : `: ${(error as Error).message}`}`); },
      };
    });
  }

  observed(): string[] {
    return [...log];
  }

  fail(message: string): number {
    throw new Error(message);
  }
}
