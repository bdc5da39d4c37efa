// A parent for the whole-tree orphan test: a pool with every option at its default, one worker
// that started `sleep 600` and another whose `sleep 600` was double-forked into a session of
// its own; prints the pids as one JSON line, then waits to be killed.
import { ITestServiceClient } from '../.generated/js/.generated/services/ITestService.client.js';

const workerModule = new URL('../.generated/js/workers/test-service.js', import.meta.url);
const client = await ITestServiceClient.create({ workerModule, logger: false });
// The first call makes the spare worker start; then two idle workers take one call each.
await client.add(1, 1);
while (client.pool.stats().workers.filter((w) => w.state === 'idle').length < 2) await new Promise((r) => setTimeout(r, 20));
const [plain, detached] = await Promise.all([client.spawnChild('plain'), client.spawnChild('setsid-double-fork')]);
process.stdout.write(`${JSON.stringify({ workers: client.pool.stats().workers.map((w) => w.pid), plain, detached })}\n`);
setInterval(() => {}, 1000);
