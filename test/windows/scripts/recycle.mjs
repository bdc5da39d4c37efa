// Recycling by memory: a worker that leaks 256 MiB of touched native memory passes maxMemoryMB
// (200) in its working set and is replaced; no call fails. Argument "ia32": a 32-bit worker.
import { args, clientClass, main, nodeIa32, workerModule } from './common.mjs';

await main(async () => {
  const Client = await clientClass();
  const client = await Client.create({
    workerModule, minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0, maxMemoryMB: 200, monitorIntervalMs: 100, logger: false,
    ...(args[0] === 'ia32' ? { workerExecutable: nodeIa32 } : {}),
  });
  try {
    const identity = await client.whoami();
    const recycled = new Promise((resolve) => client.pool.once('recycle', resolve));
    const exited = new Promise((resolve) => client.pool.on('workerExit', (e) => { if (e.pid === identity.pid) resolve(e); }));
    const leaker = await client.leakNative(256);
    const event = await recycled;
    const exit = await exited;
    const next = await client.whoami();
    return { identity, leaker, event, exit, next, totals: client.pool.stats().totals };
  } finally {
    await client.pool.close();
  }
});
