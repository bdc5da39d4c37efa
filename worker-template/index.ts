/** process-sandbox/worker: what a generated worker entry runs on, and what an implementation may ask of the call it runs. */
export { serveWorker, type Handler } from './host.js';
export { callContext, callObservers, type CallContext, type CallObservation, type CallObserver } from './call-context.js';
export { onWorkerStop, STOP_HOOKS_MS, type StopHook } from './stop-hooks.js';
