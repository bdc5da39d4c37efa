// A worker module whose start the test controls through the environment the pool passes:
// SANDBOX_TEST_FAIL_FLAG names a file whose existence makes the import throw (a missing native
// library, until someone fixes the deploy), SANDBOX_TEST_START_DELAY_MS makes the import slow.
import { existsSync } from 'node:fs';
import { TestService } from './test-service.js';

const flag = process.env['SANDBOX_TEST_FAIL_FLAG'];
if (flag !== undefined && existsSync(flag)) {
  process.stderr.write(`unreliable-start: ${flag} exists, so this start fails\n`);
  throw new Error('the native library is missing (flag file present)');
}
const delay = Number(process.env['SANDBOX_TEST_START_DELAY_MS'] ?? 0);
if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));

export default TestService;
