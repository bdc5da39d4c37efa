/**
 * What runs in a worker when the pool stops it gracefully (close(), a recycle, the idle reaper, a
 * scale-down: the Shutdown message) or when its parent closes the channel, before it exits:
 * `onWorkerStop(hook)`, for what an implementation must not lose, such as the spans a
 * BatchSpanProcessor holds (process-sandbox/otel registers that flush itself) or a file to close.
 *
 * Hooks run together, and the worker exits when they have all settled or after STOP_HOOKS_MS,
 * whichever comes first; a hook that throws or rejects is reported on stderr and does not keep
 * the others from finishing. The pool's shutdownGraceMs still bounds it all: past it, the worker
 * gets SIGTERM. A worker that crashes, times out or is killed runs none.
 *
 * The registry is on globalThis, under a Symbol.for key, like the call observers
 * (call-context.ts): the bundled worker runtime and a separately loaded copy of the package
 * (process-sandbox/otel in the implementation) share it.
 */

/** A stop hook: may return a promise, which the worker waits for (within STOP_HOOKS_MS). */
export type StopHook = () => unknown;

/** How long a worker waits for its stop hooks before it exits anyway. */
export const STOP_HOOKS_MS = 2000;

const REGISTRY = Symbol.for('process-sandbox.worker.stopHooks');

function hooks(): StopHook[] {
  const global = globalThis as { [REGISTRY]?: StopHook[] };
  return (global[REGISTRY] ??= []);
}

/** Runs `hook` when this worker is stopped gracefully, before it exits. Returns a function that unregisters it. */
export function onWorkerStop(hook: StopHook): () => void {
  if (typeof hook !== 'function') throw new TypeError(`onWorkerStop(hook): hook must be a function, not ${typeof hook}`);
  hooks().push(hook);
  return () => {
    const list = hooks();
    const at = list.indexOf(hook);
    if (at >= 0) list.splice(at, 1);
  };
}

/** Runs every registered hook once, and resolves when all settled or after `timeoutMs`. Never rejects. */
export async function runStopHooks(timeoutMs = STOP_HOOKS_MS): Promise<void> {
  const list = hooks().splice(0);
  if (list.length === 0) return;
  const settled = Promise.all(list.map(async (hook) => {
    try {
      await hook();
    } catch (error) {
      process.stderr.write(`[process-sandbox] worker ${process.pid}: a stop hook failed: ${(error as Error)?.stack ?? String(error)}\n`);
    }
  }));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      process.stderr.write(`[process-sandbox] worker ${process.pid}: stop hooks still running after ${timeoutMs} ms; exiting without them\n`);
      resolve();
    }, timeoutMs);
  });
  await Promise.race([settled, late]);
  clearTimeout(timer);
}
