// Orphans: peers/orphan-parent.mjs opens a pool of 1, sets its worker spinning in for(;;){} and is
// sent SIGKILL; `waitMs` later /proc says whether that worker still runs, and who adopted it. A
// survivor is this bench's own leftover and is killed afterwards. Every side at once.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { processState } from '../procfs.mjs';
import { sleep } from '../stats.mjs';

const PARENT = fileURLToPath(new URL('./orphan-parent.mjs', import.meta.url));

/** Starts orphan-parent.mjs for a side and resolves with the busy worker's pid and the parent. */
function startOrphanParent(name) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PARENT, name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name}'s orphan parent printed nothing within 10 s`)); }, 10_000);
    child.stdout.setEncoding('utf8').on('data', (text) => {
      out += text;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        // The worker may hold this pipe open after the parent is gone: stop reading it.
        child.stdout.destroy();
        resolve({ parent: child, busyPid: JSON.parse(line).busyPid });
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!out.includes('\n')) { clearTimeout(timer); reject(new Error(`${name}'s orphan parent exited (${signal ?? code}) before printing`)); }
    });
  });
}

export async function measureOrphans({ sides, waitMs }) {
  const started = await Promise.all(sides.map(async (name) => {
    try {
      return { name, ...await startOrphanParent(name) };
    } catch (error) {
      return { name, failed: error.message };
    }
  }));
  for (const s of started) if (s.parent !== undefined) s.parent.kill('SIGKILL');
  await sleep(waitMs);
  const out = {};
  for (const s of started) {
    if (s.failed !== undefined) {
      out[s.name] = { failed: s.failed };
      continue;
    }
    const state = processState(s.busyPid);
    out[s.name] = { busyPid: s.busyPid, aliveAfterMs: waitMs, alive: state.alive, state: state.state, ppid: state.ppid };
    if (state.alive) { try { process.kill(s.busyPid, 'SIGKILL'); } catch { /* gone meanwhile */ } }
  }
  return out;
}
