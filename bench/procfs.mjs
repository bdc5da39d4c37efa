// What /proc says about processes (Linux), for the measurements that must know whether a worker
// still runs and for killing what a hung measurement left. Elsewhere every process reads as gone
// and has no children.
import { readdirSync, readFileSync } from 'node:fs';

/** Whether pid is a live process (a zombie counts as dead: it runs nothing), its state and parent. */
export function processState(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const state = /^State:\s*(\S)/m.exec(status)?.[1] ?? '?';
    const ppid = Number(/^PPid:\s*(\d+)/m.exec(status)?.[1]);
    return { alive: state !== 'Z' && state !== 'X', state, ppid };
  } catch {
    return { alive: false, state: 'gone', ppid: null };
  }
}

/** Every process's children, keyed by parent pid. */
function childrenByParent() {
  const children = new Map();
  let entries;
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return children;
  }
  for (const name of entries) {
    try {
      // The command may contain spaces and parentheses: the parent pid is the second field after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(name));
    } catch { /* gone meanwhile */ }
  }
  return children;
}

/** The live children of pid. */
export function childPids(pid) {
  return (childrenByParent().get(pid) ?? []).filter((child) => processState(child).alive);
}

/** The pids of every descendant of pid. */
export function descendants(pid) {
  const children = childrenByParent();
  const out = [];
  for (let queue = [pid]; queue.length > 0;) {
    const next = children.get(queue.shift()) ?? [];
    out.push(...next);
    queue.push(...next);
  }
  return out;
}
