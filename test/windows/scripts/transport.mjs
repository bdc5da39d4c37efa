// The named-pipe transport end to end: a Windows parent, a generated client, workers that are
// x64 or (argument "ia32") 32-bit node.exe, calls in parallel, a crash and a timeout.
import { args, clientClass, failure, main, nodeIa32, workerModule } from './common.mjs';

await main(async () => {
  const ia32 = args[0] === 'ia32';
  const Client = await clientClass();
  const began = Date.now();
  const client = await Client.create({
    workerModule, minPoolSize: 2, maxPoolSize: 2, spareWorkers: 0, methodCallTimeoutMs: 30_000, logger: false,
    ...(ia32 ? { workerExecutable: nodeIa32 } : {}),
  });
  try {
    const startMs = Date.now() - began;
    const identity = await client.whoami();
    const sum = await client.add(2, 3);
    const payload = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
    const echoed = await client.echo(payload);
    const echoOk = echoed.length === payload.length && echoed.every((b, i) => b === payload[i]);
    // Two sleeps at once land on both workers.
    const pids = await Promise.all([client.sleep(200), client.sleep(200)]);
    const crash = await failure(client.crash());
    const afterCrash = await client.whoami();
    const timeout = await failure(client.hang());
    const afterTimeout = await client.add(20, 22);
    return {
      parent: { platform: process.platform, arch: process.arch, pid: process.pid },
      identity, sum, echoOk, pids, crash, afterCrash, timeout, afterTimeout, startMs,
      totals: client.pool.stats().totals,
    };
  } finally {
    await client.pool.close();
  }
});
