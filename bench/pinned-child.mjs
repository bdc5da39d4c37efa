// Runs a bench script in a child process, pinned to one CPU when `taskset` works, and parses the
// JSON line it prints last. Shared by the main rows (run.mjs) and the peers (peers.mjs), so all
// are pinned, read and guarded the same way: a child that throws, is killed or hangs past its
// limit rejects with a ChildFailed whose `reason` is short enough for a table cell, and nothing
// it started is left running.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { descendants } from './procfs.mjs';

const STDERR_TAIL_CHARS = 8000;
/** How long after a child's exit its stdout may take to end (a worker it left may hold it open). */
const EXIT_GRACE_MS = 2000;

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

/** A child that did not print its result; `reason` is what a table cell says. */
export class ChildFailed extends Error {
  constructor(label, reason) {
    super(`${label}: ${reason}`);
    this.reason = reason;
  }
}

/**
 * What went wrong, from a dead child's stderr: the first line Node printed for an uncaught
 * exception or rejection ("TimeoutError: worker call timed out!"), else how it ended.
 */
function reasonFrom(stderr, code, signal) {
  const thrown = stderr.split('\n').map((line) => line.trim()).find((line) => /^(\w*(Error|Exception)|Uncaught\b)[\w\s[\]]*:?\s/.test(line) || /^\w*Error$/.test(line));
  const ended = signal !== null ? `killed by ${signal}` : `exit code ${code}`;
  if (thrown === undefined) return ended;
  // A plain Error's name says nothing the message does not.
  const reason = thrown.replace(/^Error: /, '');
  return reason.length > 160 ? `${reason.slice(0, 159)}…` : reason;
}

/** SIGKILLs a hung child and what it started (a peer's spinning worker would outlive it otherwise). */
function killTree(child) {
  const below = descendants(child.pid);
  child.kill('SIGKILL');
  for (const pid of below) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
  }
}

/**
 * Runs `node ...execArgv script ...args` (under `taskset -c cpu` unless cpu is null); resolves
 * with its last stdout line as JSON. Its stderr is passed through and its tail kept for the
 * reason; past `timeoutMs` the child and its descendants are killed.
 */
export function runJsonChild(script, args, cpu, label, { timeoutMs = null, execArgv = [] } = {}) {
  const node = [process.execPath, ...execArgv, script, ...args];
  const [command, argv] = cpu === null ? [node[0], node.slice(1)] : ['taskset', ['-c', cpu, ...node]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let hung = false;
    const timer = timeoutMs === null ? undefined : setTimeout(() => { hung = true; killTree(child); }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (text) => { out += text; });
    child.stderr.setEncoding('utf8').on('data', (text) => {
      process.stderr.write(text);
      err = (err + text).slice(-STDERR_TAIL_CHARS);
    });
    const stdoutEnded = new Promise((done) => child.stdout.once('close', done));
    child.on('error', (error) => { clearTimeout(timer); reject(new ChildFailed(label, error.message)); });
    child.on('exit', async (code, signal) => {
      clearTimeout(timer);
      // A worker the child left behind may hold its pipes open: read what came, then let go.
      await Promise.race([stdoutEnded, new Promise((done) => setTimeout(done, EXIT_GRACE_MS))]);
      child.stdout.destroy();
      child.stderr.destroy();
      if (hung) {
        reject(new ChildFailed(label, `no result within ${Math.round(timeoutMs / 1000)} s`));
        return;
      }
      if (code !== 0) {
        reject(new ChildFailed(label, reasonFrom(err, code, signal)));
        return;
      }
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()));
      } catch (error) {
        reject(new ChildFailed(label, `printed no result (${error.message})`));
      }
    });
  });
}
