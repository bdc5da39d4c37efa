// Preloaded into a worker (execArgv ['--import', this file]) by worker-startup.test.ts: as the
// worker exits, writes to $SANDBOX_TEST_LOADED_FILE the built-in modules it loaded and what
// process-sandbox/codec resolves to under the worker's export condition.
import { writeFileSync } from 'node:fs';

const file = process.env.SANDBOX_TEST_LOADED_FILE;
const codec = import.meta.resolve('process-sandbox/codec');
process.on('exit', () => {
  if (file === undefined) return;
  const builtins = process.moduleLoadList.filter((name) => name.startsWith('NativeModule ')).map((name) => name.slice('NativeModule '.length));
  writeFileSync(file, JSON.stringify({ builtins, codec, execArgv: process.execArgv }));
});
