// Runs a bench script in a child process, pinned to one CPU when `taskset` works, and parses the
// JSON line it prints last. Shared by the main latency rows (run.mjs) and the peers (peers.mjs),
// so both are pinned and read the same way.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** The first CPU this process may run on (Linux), so pinning works inside a restricted cpuset too. */
export function firstAllowedCpu() {
  try {
    return /^Cpus_allowed_list:\s*(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  } catch {
    return '0';
  }
}

/** The CPU to pin to, or null when taskset is missing or refuses. */
export function pinnableCpu() {
  const cpu = firstAllowedCpu();
  try {
    execFileSync('taskset', ['-c', cpu, 'true'], { stdio: 'ignore' });
    return cpu;
  } catch {
    return null;
  }
}

/** Runs `node script ...args` (under `taskset -c cpu` unless cpu is null); resolves with its last stdout line as JSON. */
export function runJsonChild(script, args, cpu, label) {
  const [command, argv] = cpu === null ? [process.execPath, [script, ...args]] : ['taskset', ['-c', cpu, process.execPath, script, ...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (text) => { out += text; });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code !== 0) {
        reject(new Error(`${label}: ${signal !== null ? `killed by ${signal}` : `exit code ${code}`}`));
        return;
      }
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch (error) {
        reject(new Error(`${label} printed no result: ${error.message}`));
      }
    });
  });
}
