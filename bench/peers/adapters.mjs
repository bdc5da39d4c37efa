// One small interface over process-sandbox and the four peers, each in its process
// (child_process) mode, so that bench/peers.mjs measures them all the same way:
//   add(a, b), echo(bytes), crash() (the worker calls process.exit(1)), spin() (for(;;){}, with
//   the per-call timeout when the pool was opened with callTimeoutMs), pids(), close().
// Each peer is driven through its documented API; see bench/README.md, "Peers".
/* global AbortSignal */
import { fileURLToPath } from 'node:url';
import { Worker as JestWorker } from 'jest-worker';
import Tinypool from 'tinypool';
import workerFarm from 'worker-farm';
import workerpool from 'workerpool';
import { SPIN } from './sandbox-service.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const METHODS = ['add', 'echo', 'crash', 'spin', 'pid'];

export const PEERS = ['process-sandbox', 'workerpool', 'jest-worker', 'tinypool', 'worker-farm'];

/** How each carries a Buffer by default, and what per-call timeout it has (null: none). */
export const TRAITS = {
  'process-sandbox': { serialization: 'msgpack frames, bytes attached raw', timeout: 'methodCallTimeoutMs (per call, pool-wide value)' },
  workerpool: { serialization: 'Node IPC, json (fork default)', timeout: 'exec(...).timeout(ms)' },
  'jest-worker': { serialization: 'Node IPC, advanced (jest-worker sets it)', timeout: null },
  tinypool: { serialization: 'Node IPC, json (its serialization option unset)', timeout: 'run(..., { signal: AbortSignal.timeout(ms) })' },
  'worker-farm': { serialization: 'Node IPC, json (fork default)', timeout: 'maxCallTime (per call, farm-wide value)' },
};

/**
 * What came back from an echo, as bytes. Node's json IPC turns a Buffer into
 * { type: 'Buffer', data: [numbers] } and nothing turns it back, so the caller must: that
 * conversion is part of what such a peer costs, and is timed with it.
 */
export function toBytes(reply) {
  if (reply instanceof Uint8Array) return reply;
  if (reply !== null && typeof reply === 'object' && reply.type === 'Buffer' && Array.isArray(reply.data)) return Buffer.from(reply.data);
  throw new Error(`echo returned ${describe(reply)}, not bytes`);
}

/** What a reply is, for the report: a Buffer, a Uint8Array, or the json shape of one. */
export function describe(value) {
  if (Buffer.isBuffer(value)) return 'Buffer';
  if (value instanceof Uint8Array) return 'Uint8Array';
  if (value !== null && typeof value === 'object' && value.type === 'Buffer' && Array.isArray(value.data)) return '{ type: "Buffer", data: number[] } (json)';
  return value === null ? 'null' : typeof value === 'object' ? value.constructor?.name ?? 'object' : typeof value;
}

const silence = (promise) => { promise.catch(() => {}); return promise; };

/**
 * Opens `name` with `workers` processes at most (and as many started up front where the peer
 * can), Node IPC serialization `serialization` where the peer lets one choose it (undefined: the
 * peer's default), a per-call timeout of `callTimeoutMs` for spin() where it has one, and the
 * workers' environment `env` (undefined: the peer's default). process-sandbox starts
 * `minWorkers` (default 1) up front, and takes `sandboxOptions` as further pool options.
 */
export async function openPeer(name, { workers = 1, minWorkers = 1, serialization, callTimeoutMs, env, sandboxOptions = {} } = {}) {
  switch (name) {
    case 'process-sandbox': {
      // Imported here: it loads the client that prepare() compiled.
      const { openClient } = await import('../client.mjs');
      const client = await openClient({
        workerModule: here('./sandbox-service.mjs'),
        minPoolSize: minWorkers,
        maxPoolSize: workers,
        ...(callTimeoutMs === undefined ? {} : { methodCallTimeoutMs: callTimeoutMs }),
        ...(env === undefined ? {} : { env }),
        ...sandboxOptions,
      });
      return {
        add: (a, b) => client.add(a, b),
        echo: (data) => client.echo(data),
        crash: () => client.crash(),
        spin: () => client.add(SPIN, SPIN),
        pids: async () => client.pool.stats().workers.map((w) => w.pid).filter((pid) => pid !== undefined),
        settled: () => client.pool.stats().workers.every((w) => w.state === 'idle'),
        stats: () => client.pool.stats(),
        pool: client.pool,
        close: () => client.close(),
      };
    }
    case 'workerpool': {
      const pool = workerpool.pool(here('./workerpool-worker.mjs'), {
        workerType: 'process',
        minWorkers: workers,
        maxWorkers: workers,
        forkOpts: { stdio: 'inherit', ...(serialization === undefined ? {} : { serialization }), ...(env === undefined ? {} : { env }) },
      });
      return {
        add: (a, b) => pool.exec('add', [a, b]),
        echo: (data) => pool.exec('echo', [data]),
        crash: () => pool.exec('crash', []),
        spin: () => (callTimeoutMs === undefined ? pool.exec('spin', []) : pool.exec('spin', []).timeout(callTimeoutMs)),
        pids: async () => [await pool.exec('pid', [])],
        close: () => pool.terminate(true),
      };
    }
    case 'jest-worker': {
      const worker = new JestWorker(here('./jest-worker-worker.cjs'), {
        enableWorkerThreads: false,
        numWorkers: workers,
        exposedMethods: METHODS,
        // A crashing call is retried on a new child up to maxRetries times (default 3): with
        // process.exit(1) every retry crashes too, so fail at the first, as the others do.
        maxRetries: 0,
        forkOptions: { ...(serialization === undefined ? {} : { serialization }), ...(env === undefined ? {} : { env }) },
      });
      await worker.start();
      return {
        add: (a, b) => worker.add(a, b),
        echo: (data) => worker.echo(data),
        crash: () => worker.crash(),
        spin: () => worker.spin(),
        pids: async () => [await worker.pid()],
        close: () => worker.end(),
      };
    }
    case 'tinypool': {
      const pool = new Tinypool({
        runtime: 'child_process',
        filename: here('./tinypool-worker.mjs'),
        minThreads: workers,
        maxThreads: workers,
        ...(serialization === undefined ? {} : { serialization }),
        // The application's environment unless told otherwise, as every other peer does by default:
        // unset, tinypool gives a child_process worker TINYPOOL_WORKER_ID alone (so its workers
        // would also skip NODE_EXTRA_CA_CERTS, and start faster than anyone else's for that alone).
        env: env ?? process.env,
      });
      return {
        add: (a, b) => pool.run({ a, b }, { name: 'add' }),
        echo: (data) => pool.run(data, { name: 'echo' }),
        crash: () => pool.run(null, { name: 'crash' }),
        spin: () => pool.run(null, { name: 'spin', ...(callTimeoutMs === undefined ? {} : { signal: AbortSignal.timeout(callTimeoutMs) }) }),
        pids: async () => [await pool.run(null, { name: 'pid' })],
        close: () => pool.destroy(),
      };
    }
    case 'worker-farm': {
      const farm = workerFarm({
        maxConcurrentWorkers: workers,
        maxConcurrentCallsPerWorker: 1,
        // Default Infinity: a call whose worker died is sent to the next one, forever; with
        // process.exit(1) that never ends. Fail at the first, as the others do.
        maxRetries: 0,
        autoStart: true,
        ...(callTimeoutMs === undefined ? {} : { maxCallTime: callTimeoutMs }),
        workerOptions: { ...(serialization === undefined ? {} : { serialization }), ...(env === undefined ? {} : { env }) },
      }, here('./worker-farm-worker.cjs'), METHODS);
      const call = (method, ...args) => new Promise((resolve, reject) => {
        farm[method](...args, (error, value) => (error ? reject(error) : resolve(value)));
      });
      return {
        add: (a, b) => call('add', a, b),
        echo: (data) => call('echo', data),
        crash: () => call('crash'),
        spin: () => call('spin'),
        pids: async () => [await call('pid')],
        close: () => new Promise((resolve) => workerFarm.end(farm, resolve)),
      };
    }
    default:
      throw new Error(`unknown peer ${name}`);
  }
}

export { silence };

/**
 * An add(1, 2) that must succeed (`when`: which one, for the message): when it fails, say which
 * call failed and how (worker-farm's maxCallTime is farm-wide, so it also limits a call that waits
 * for a child forked for it; on a loaded machine such a child can take longer than 100 ms).
 */
export async function checkedAdd(peer, when) {
  let got;
  try {
    got = await peer.add(1, 2);
  } catch (error) {
    throw new Error(`add(1, 2) ${when} failed: ${error?.name}: ${error?.message}`);
  }
  if (got !== 3) throw new Error(`add(1, 2) ${when} returned ${String(got)}`);
}

/**
 * The pools the crash and timeout measurements open: each side with one process, and with two,
 * the peers' both started up front; process-sandbox with two both as min 1 / max 2 (one started,
 * the other its spare) and as min 2 / max 2.
 */
export function poolShapes(sides) {
  const shapes = sides.map((peer) => ({ peer, workers: 1, minWorkers: 1 }));
  for (const peer of sides) {
    if (peer === 'process-sandbox') shapes.push({ peer, workers: 2, minWorkers: 1 }, { peer, workers: 2, minWorkers: 2 });
    else shapes.push({ peer, workers: 2, minWorkers: 2 });
  }
  return shapes;
}
