// A parent for the no-orphans test: starts a pool whose workers are spawned detached, so libuv's
// own job does not hold them and only the pool's Job Object can take them down; busies one
// worker in a hang, reports the worker pids, then waits to be killed.
// With the argument "no-job" (the control case) the pool gets no Job Object either.
// Detaching is a test-only switch: the script sets it on the compiled platform object.
import { args, clientClass, library, report, workerModule } from './common.mjs';

const lib = await library();
lib.windowsPlatform.detachWorkers = true;
if (args[0] === 'no-job') lib.windowsPlatform.openIsolation = () => lib.directIsolation({ detached: true, groupKill: false });

const Client = await clientClass();
const client = await Client.create({ workerModule, minPoolSize: 2, maxPoolSize: 2, spareWorkers: 0, methodCallTimeoutMs: 600_000, logger: false });
const identities = await Promise.all([client.whoami(), client.whoami()]);
client.hang().catch(() => {});
await new Promise((resolve) => setTimeout(resolve, 100));
report({ parentPid: process.pid, workers: client.pool.stats().workers.map((w) => w.pid), identities });
setInterval(() => {}, 1000);
