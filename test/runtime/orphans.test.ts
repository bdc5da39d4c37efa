import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isAlive, waitFor } from '../helpers.js';

const parentScript = fileURLToPath(new URL('../workers/parent.mjs', import.meta.url));

async function startParent(): Promise<{ pid: number; workers: number[] }> {
  const child = spawn(process.execPath, [parentScript], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  for await (const chunk of child.stdout) {
    out += String(chunk);
    if (out.includes('\n')) break;
  }
  return { pid: child.pid!, workers: JSON.parse(out) as number[] };
}

describe.runIf(process.platform === 'linux')('no orphans (Linux)', () => {
  it('SIGKILL of the parent takes every worker with it, even one spinning in a busy loop', async () => {
    const parent = await startParent();
    expect(parent.workers).toHaveLength(2);
    expect(parent.workers.every(isAlive)).toBe(true);
    process.kill(parent.pid, 'SIGKILL');
    // checked through /proc/PID/status, so a zombie does not count as alive
    expect(await waitFor(() => parent.workers.every((p) => !isAlive(p)), 2000)).toBe(true);
  });
});
