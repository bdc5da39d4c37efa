// The pool's Job Object on its own: a worker spawned the usual (non-detached) way is already in
// libuv's job, and the pool's job nests inside it; closing the pool's job kills it. Adopting a
// process that has already exited is no error (its exit is what gets reported); adopting after
// close is.
import { spawn } from 'node:child_process';
import { main } from './common.mjs';

const { JobIsolation } = await import(new URL('../../../dist/runtime/platform/win32/job.js', import.meta.url).href);
const { win32 } = await import(new URL('../../../dist/runtime/platform/win32/api.js', import.meta.url).href);

const PROCESS_QUERY_INFORMATION = 0x0400;
const exitOf = (child) => new Promise((resolve) => child.once('exit', (code) => resolve(code)));
const attempt = (body) => { try { body(); return null; } catch (error) { return error.message; } };

await main(async () => {
  const api = win32();
  const inAnyJob = (pid) => {
    const handle = api.OpenProcess(PROCESS_QUERY_INFORMATION, 0, pid);
    const result = [0];
    api.IsProcessInJob(handle, null, result);
    api.CloseHandle(handle);
    return result[0] === 1;
  };

  const isolation = new JobIsolation({});
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  const exited = exitOf(child);
  const inLibuvJob = inAnyJob(child.pid);
  const adoptError = attempt(() => isolation.adopt(child));
  const began = Date.now();
  isolation.close();
  const killedWithin = await Promise.race([exited.then(() => Date.now() - began), new Promise((r) => setTimeout(() => r(null), 3000))]);
  if (killedWithin === null) child.kill();

  const other = new JobIsolation({});
  const gone = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await exitOf(gone);
  const goneError = attempt(() => other.adopt(gone));
  other.close();
  const afterCloseError = attempt(() => other.adopt(child));
  return { inLibuvJob, adoptError, killedWithin, goneError, afterCloseError };
});
