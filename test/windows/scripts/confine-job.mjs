// A confined worker's job on its own (runtime/platform/win32/job.ts): the worker goes into the
// pool's job, then into one of its own nested in it, with ActiveProcessLimit 1 and every UI
// limit set after the assignment. Then, inside, the child tries to start a program. Children are
// spawned both ways: the usual way (already in libuv's job: three levels) and detached (the pool's
// job is the first: two). Reports whether adopt() worked and whether the child could start one.
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { delay, main, resultFile } from './common.mjs';

const { JobIsolation } = await import(new URL('../../../dist/runtime/platform/win32/job.js', import.meta.url).href);
const { wineVersion } = await import(new URL('../../../dist/runtime/platform/win32/wine.js', import.meta.url).href);

const TRY = `
  const { spawnSync } = require('node:child_process');
  process.stdin.once('data', () => {
    const run = spawnSync(process.execPath, ['--version'], { stdio: 'ignore', windowsHide: true });
    require('node:fs').writeFileSync(process.argv[1], JSON.stringify({ started: run.error === undefined, error: run.error?.code ?? null }));
    process.exit(0);
  });`;

await main(async () => {
  const attempt = async (detached, confine) => {
    const isolation = new JobIsolation({});
    const out = `${resultFile}.${detached ? 'detached' : 'attached'}.${confine.childProcesses}`;
    const child = spawn(process.execPath, ['-e', TRY, out], { stdio: ['pipe', 'ignore', 'ignore'], detached });
    await new Promise((resolve) => child.once('spawn', resolve));
    let adoptError = null;
    try { isolation.adopt(child, confine); } catch (error) { adoptError = error.message; }
    child.stdin.end('go\n');
    await new Promise((resolve) => child.once('exit', resolve));
    for (let i = 0; i < 40 && !existsSync(out); i++) await delay(25);
    isolation.close();
    return { adoptError, ...(existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : { started: null, error: 'no result' }) };
  };
  return {
    wine: wineVersion(),
    attached: await attempt(false, { childProcesses: false }),
    detached: await attempt(true, { childProcesses: false }),
    allowed: await attempt(false, { childProcesses: true }),
  };
});
