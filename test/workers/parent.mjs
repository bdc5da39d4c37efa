// A parent process for the orphan tests: starts a pool, busies one worker in a hang, prints
// the worker pids as one JSON line, then waits to be killed.
import { ITestServiceClient } from '../.generated/js/.generated/services/ITestService.client.js';

const workerModule = new URL('../.generated/js/workers/test-service.js', import.meta.url);
const client = await ITestServiceClient.create({ workerModule, minPoolSize: 2, maxPoolSize: 2, methodCallTimeoutMs: 600_000, logger: false });
client.hang().catch(() => {});
client.sleep(600_000).catch(() => {});
await new Promise((r) => setTimeout(r, 100));
process.stdout.write(`${JSON.stringify(client.pool.stats().workers.map((w) => w.pid))}\n`);
setInterval(() => {}, 1000);
