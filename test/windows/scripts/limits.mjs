// Hard limits on Windows: a 32-bit worker's memory threshold is capped below its address space,
// and hardMemoryLimitMB becomes the Job Object's per-process memory limit (JOB_OBJECT_LIMIT_
// PROCESS_MEMORY), so a larger allocation fails inside the worker.
import { clientClass, library, main, nodeIa32, workerModule } from './common.mjs';

await main(async () => {
  const lib = await library();
  const Client = await clientClass();
  const ia32 = await Client.create({ workerModule, minPoolSize: 0, maxMemoryMB: 4096, workerExecutable: nodeIa32, logger: false });
  const ia32MaxMemoryMB = ia32.pool.config.maxMemoryMB;
  await ia32.pool.close();
  const x64 = await Client.create({ workerModule, minPoolSize: 0, maxMemoryMB: 4096, logger: false });
  const x64MaxMemoryMB = x64.pool.config.maxMemoryMB;
  await x64.pool.close();

  const limited = await Client.create({ workerModule, minPoolSize: 1, spareWorkers: 0, hardMemoryLimitMB: 256, logger: false });
  try {
    const small = await limited.tryAllocate(64);
    const large = await limited.tryAllocate(512);
    return { wine: lib.wineVersion(), ia32MaxMemoryMB, x64MaxMemoryMB, small, large };
  } finally {
    await limited.pool.close();
  }
});
