/**
 * The worker's first image (first-image.ts), once restricted, executes Node.js again with the
 * worker entry's command line and the same environment, so that every thread of the image that
 * serves is born inside the Landlock domain: landlock_restrict_self confines only the calling
 * thread, and by then V8's platform threads (and libuv's thread pool, if anything touched it)
 * exist already. Landlock's own fix, LANDLOCK_RESTRICT_SELF_TSYNC, needs ABI 8 (Linux 7.0).
 *
 * Through libc's execve (koffi), not process.execve: that exists only from Node 22.15 and 23.11
 * and warns that it is experimental, while this one path works on every Node line the library
 * supports, and leaves the file descriptors to this file.
 *
 * Before the exec: the bootstrap goes back on stdin (a fresh pipe on fd 0, marked `restricted`),
 * since the first image has read it, and it holds the secret that must never be in argv or the
 * environment; and every other descriptor the worker inherited (fd 3 and up) is marked
 * close-on-exec, so the image that runs user code starts with stdin, stdout and stderr alone.
 */
import { readdirSync } from 'node:fs';
import type { Libc } from './libc.js';

const O_CLOEXEC = 0o2000000;
const F_SETFD = 2;
const FD_CLOEXEC = 1;
const F_SETPIPE_SZ = 1031;
/** close_range(2), Linux 5.9; CLOSE_RANGE_CLOEXEC, 5.11. One number on every architecture. */
const SYS_CLOSE_RANGE = 436;
const CLOSE_RANGE_CLOEXEC = 1 << 2;
const PIPE_DEFAULT_BYTES = 65536;

/** Executes Node.js (this process's executable) with `args`: its flags, the worker entry, the entry's arguments. */
export function reexec(c: Libc, bootstrapLine: string, args: readonly string[]): never {
  putOnStdin(c, Buffer.from(bootstrapLine, 'utf8'));
  closeInheritedOnExec(c);
  const argv = [process.argv0, ...args];
  const env = Object.entries(process.env).map(([name, value]) => `${name}=${value ?? ''}`);
  c.execve(process.execPath, [...argv, null], [...env, null]);
  throw new Error(`confine: execve(${JSON.stringify(process.execPath)}) failed: ${c.errno().text}`);
}

function putOnStdin(c: Libc, line: Buffer): void {
  const fds = [0, 0];
  if (c.pipe2(fds, O_CLOEXEC) !== 0) throw new Error(`confine: pipe2 failed: ${c.errno().text}`);
  const [read, write] = fds as [number, number];
  // Nobody reads until the exec: the whole line must fit in the pipe.
  if (line.length > PIPE_DEFAULT_BYTES && c.fcntl(write, F_SETPIPE_SZ, line.length) < line.length) {
    throw new Error(`confine: the bootstrap line (${line.length} bytes) does not fit in a pipe: ${c.errno().text}`);
  }
  let done = 0;
  while (done < line.length) {
    const wrote = c.write(write, line.subarray(done), line.length - done);
    if (wrote <= 0) throw new Error(`confine: writing the bootstrap back failed: ${c.errno().text}`);
    done += wrote;
  }
  c.close(write);
  // dup2 leaves close-on-exec off on fd 0: the new image inherits it.
  if (c.dup2(read, 0) !== 0) throw new Error(`confine: dup2 onto stdin failed: ${c.errno().text}`);
  c.close(read);
}

function closeInheritedOnExec(c: Libc): void {
  // stdout and stderr must survive: libuv marks them close-on-exec once Node opens them as streams.
  for (const fd of [1, 2]) c.fcntl(fd, F_SETFD, 0);
  if (c.syscall(SYS_CLOSE_RANGE, 'uint32', 3, 'uint32', 0xffffffff, 'uint32', CLOSE_RANGE_CLOEXEC) === 0) return;
  // Before Linux 5.11: one by one.
  for (const name of readdirSync('/proc/self/fd')) {
    const fd = Number(name);
    if (fd > 2) c.fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
}
