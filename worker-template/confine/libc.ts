/**
 * The libc calls confinement makes, through koffi, bound once. Loaded only by a worker whose pool
 * sets `confine`: an unconfined worker never imports this file's koffi work.
 */
import { loadKoffi, type Koffi } from '../../runtime/koffi-loader.js';

export interface Libc {
  readonly koffi: Koffi;
  prctl(option: number, a: number, b: number, c: number, d: number): number;
  /** syscall(2) with typed variadic arguments: `'void *', buffer, 'uint32', 0, …`. */
  syscall(nr: number, ...typedArgs: unknown[]): number;
  pipe2(fds: number[], flags: number): number;
  write(fd: number, data: Buffer, length: number): number;
  close(fd: number): number;
  dup2(from: number, to: number): number;
  fcntl(fd: number, command: number, arg: number): number;
  execve(path: string, argv: (string | null)[], envp: (string | null)[]): number;
  /** errno after the last failed call, with its name: `EACCES (13)`. */
  errno(): { code: number; text: string };
}

let bound: Promise<Libc> | undefined;

export function libc(): Promise<Libc> {
  bound ??= bind();
  return bound;
}

async function bind(): Promise<Libc> {
  const koffi = await loadKoffi();
  const lib = koffi.load('libc.so.6');
  const prctl = lib.func('int prctl(int, unsigned long, unsigned long, unsigned long, unsigned long)');
  const syscall = lib.func('long syscall(long nr, ...)');
  const pipe2 = lib.func('int pipe2(_Out_ int *fds, int flags)');
  const write = lib.func('long write(int fd, const uint8_t *data, size_t length)');
  const close = lib.func('int close(int fd)');
  const dup2 = lib.func('int dup2(int from, int to)');
  const fcntl = lib.func('int fcntl(int fd, int command, ...)');
  const execve = lib.func('int execve(const char *path, const char **argv, const char **envp)');
  const strerror = lib.func('const char *strerror(int code)');
  return {
    koffi,
    prctl: (option, a, b, c, d) => prctl(option, a, b, c, d) as number,
    syscall: (nr, ...typedArgs) => Number(syscall(nr, ...typedArgs)),
    pipe2: (fds, flags) => {
      const out = [0, 0];
      const result = pipe2(out, flags) as number;
      fds[0] = out[0]!;
      fds[1] = out[1]!;
      return result;
    },
    write: (fd, data, length) => Number(write(fd, data, length)),
    close: (fd) => close(fd) as number,
    dup2: (from, to) => dup2(from, to) as number,
    fcntl: (fd, command, arg) => fcntl(fd, command, 'int', arg) as number,
    execve: (path, argv, envp) => execve(path, argv, envp) as number,
    errno: () => {
      const code = koffi.errno();
      const name = Object.entries(koffi.os.errno).find(([, n]) => n === code)?.[0];
      return { code, text: `${name ?? strerror(code) as string} (${code})` };
    },
  };
}
