/**
 * Whether a debugger is attached to a worker's inspector, seen from outside (Linux), for the
 * `inspect` option's suspended timeouts: the worker owns a TCP socket in state ESTABLISHED whose
 * local port is its inspector's port. Such a socket is a connection the inspector accepted: a
 * DevTools or `node inspect` session, or, for a moment, an HTTP request for /json (DevTools'
 * target discovery polls it), which is why a hold is re-checked every second rather than kept.
 *
 * /proc/<pid>/net/tcp and tcp6 list every socket of the worker's network namespace, not only its
 * own; its own are the inodes its descriptors point at (/proc/<pid>/fd, readable by the same
 * user). Read only when a call of a pool with `inspect` overran its deadline.
 */
import { readdir, readFile, readlink } from 'node:fs/promises';

/** TCP_ESTABLISHED in the kernel's `st` column. */
const ESTABLISHED = '01';

export async function debuggerAttachedLinux(pid: number, port: number): Promise<boolean> {
  const inodes = await socketInodes(pid);
  if (inodes.size === 0) return false;
  for (const table of ['tcp', 'tcp6']) {
    const text = await readFile(`/proc/${pid}/net/${table}`, 'utf8').catch(() => '');
    if (hasConnection(text, port, inodes)) return true;
  }
  return false;
}

/** The inodes of the sockets the process has descriptors for; none when it is gone. */
async function socketInodes(pid: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
  await Promise.all(fds.map(async (fd) => {
    const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
    const match = /^socket:\[(\d+)\]$/.exec(target);
    if (match !== null) inodes.add(match[1]!);
  }));
  return inodes;
}

/**
 * Whether a /proc/net/tcp{,6} table has an established connection on local port `port` whose
 * socket is one of `inodes`. A line: `sl local_address rem_address st tx:rx tr:when retrnsmt uid
 * timeout inode …`, addresses as hex `IP:PORT`.
 */
export function hasConnection(table: string, port: number, inodes: ReadonlySet<string>): boolean {
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 10 || fields[3] !== ESTABLISHED) continue;
    const local = fields[1]!;
    const localPort = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    if (localPort === port && inodes.has(fields[9]!)) return true;
  }
  return false;
}
