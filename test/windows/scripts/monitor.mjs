// Resource sampling from the parent: health events and stats() for a worker that then makes
// GDI objects, USER objects and handles. Under Wine some of the Win32 calls are stubs: the
// result says which Wine, so the test can tell a stub's null from a missing measurement.
import { args, clientClass, library, main, nodeIa32, workerModule } from './common.mjs';

await main(async () => {
  const lib = await library();
  const Client = await clientClass();
  const client = await Client.create({
    workerModule, minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0, monitorIntervalMs: 100, logger: false,
    ...(args[0] === 'ia32' ? { workerExecutable: nodeIa32 } : {}),
  });
  const nextHealth = () => new Promise((resolve) => client.pool.once('health', resolve));
  try {
    const identity = await client.whoami();
    const before = await nextHealth();
    await client.makeGdiObjects(50);
    await client.makeUserObjects(50);
    await client.openHandles(200);
    await nextHealth();
    const after = await nextHealth();
    return { wine: lib.wineVersion(), identity, before, after, stats: client.pool.stats().workers[0].resources };
  } finally {
    await client.pool.close();
  }
});
