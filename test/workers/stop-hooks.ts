/**
 * The test service, with stop hooks (process-sandbox/worker's onWorkerStop) registered at import:
 * one that writes `ran <pid>` to $STOP_HOOKS_FILE, one that throws, one that writes `async <pid>`
 * after 100 ms, and with $STOP_HOOKS_HANG=1 one that never settles.
 */
import { appendFileSync } from 'node:fs';
import { onWorkerStop } from 'process-sandbox/worker';
import TestService from './test-service.js';

const file = process.env['STOP_HOOKS_FILE'];
if (file === undefined) throw new Error('stop-hooks.ts: set STOP_HOOKS_FILE to the file the hooks write to');
onWorkerStop(() => { appendFileSync(file, `ran ${process.pid}\n`); });
onWorkerStop(() => { throw new Error('a stop hook that fails'); });
onWorkerStop(async () => {
  await new Promise((resolve) => setTimeout(resolve, 100));
  appendFileSync(file, `async ${process.pid}\n`);
});
if (process.env['STOP_HOOKS_HANG'] === '1') onWorkerStop(() => new Promise(() => {}));
// Registered and taken back: never runs.
onWorkerStop(() => { appendFileSync(file, `unregistered ${process.pid}\n`); })();

export default TestService;
