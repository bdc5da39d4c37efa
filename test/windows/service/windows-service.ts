/** The implementation of IWindowsService: Win32 calls through koffi, from inside a worker. */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import koffi from 'koffi';
import type { EscapeAttempts, IWindowsService, WorkerIdentity } from './IWindowsService.js';

type Fn<A extends unknown[], R> = (...args: A) => R;
const kept: unknown[] = [];

const lazy = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  return () => (value ??= make());
};

const kernel32 = lazy(() => {
  const lib = koffi.load('kernel32.dll');
  return {
    IsProcessInJob: lib.func('__stdcall', 'IsProcessInJob', 'int', ['void *', 'void *', koffi.out(koffi.pointer('int'))]) as Fn<[bigint, null, number[]], number>,
    GetCurrentProcess: lib.func('__stdcall', 'GetCurrentProcess', 'void *', []) as Fn<[], bigint>,
    CreateEventW: lib.func('__stdcall', 'CreateEventW', 'void *', ['void *', 'int', 'int', 'void *']) as Fn<[null, number, number, null], bigint | null>,
    OpenProcess: lib.func('__stdcall', 'OpenProcess', 'void *', ['uint32_t', 'int', 'uint32_t']) as Fn<[number, number, number], bigint | null>,
    CloseHandle: lib.func('__stdcall', 'CloseHandle', 'int', ['void *']) as Fn<[bigint], number>,
  };
});
const msvcrt = lazy(() => {
  const lib = koffi.load('msvcrt.dll');
  return {
    strlen: lib.func('size_t strlen(const char *s)') as Fn<[string | null], number>,
    malloc: lib.func('void *malloc(size_t size)') as Fn<[number], bigint | null>,
    memset: lib.func('void *memset(void *p, int c, size_t n)') as Fn<[bigint, number, number], unknown>,
    free: lib.func('void free(void *p)') as Fn<[bigint], void>,
  };
});
const gui = lazy(() => ({
  CreateSolidBrush: koffi.load('gdi32.dll').func('__stdcall', 'CreateSolidBrush', 'void *', ['uint32_t']) as Fn<[number], bigint | null>,
  CreatePopupMenu: koffi.load('user32.dll').func('__stdcall', 'CreatePopupMenu', 'void *', []) as Fn<[], bigint | null>,
}));

export class WindowsService implements IWindowsService {
  whoami(): WorkerIdentity {
    const k = kernel32();
    const inJob = [0];
    k.IsProcessInJob(k.GetCurrentProcess(), null, inJob);
    return { platform: process.platform, arch: process.arch, pid: process.pid, inJob: inJob[0] === 1 };
  }
  tryEscapes(): EscapeAttempts {
    const started = spawnSync(process.execPath, ['--version'], { stdio: 'ignore', windowsHide: true }).error === undefined;
    const file = join(tmpdir(), `escape-${process.pid}-${Date.now()}`);
    let wroteTemp = false;
    try { closeSync(openSync(file, 'wx')); wroteTemp = true; unlinkSync(file); } catch { /* refused */ }
    const parent = kernel32().OpenProcess(0x0001, 0, process.ppid);
    if (parent !== null) kernel32().CloseHandle(parent);
    return { started, wroteTemp, openedParent: parent !== null };
  }
  add(a: number, b: number): number { return a + b; }
  echo(data: Uint8Array): Uint8Array { return data; }
  sleep(ms: number): Promise<number> { return new Promise((resolve) => setTimeout(() => resolve(process.pid), ms)); }
  hang(): number { for (;;) { /* spin */ } }
  crash(): number {
    msvcrt().strlen(null);
    throw new Error('strlen(NULL) returned: this platform did not fault');
  }
  leakNative(mib: number): number {
    const { malloc, memset } = msvcrt();
    const bytes = mib * 1024 * 1024;
    const block = malloc(bytes);
    if (block === null) throw new Error(`malloc(${mib} MiB) failed`);
    memset(block, 1, bytes);
    kept.push(block);
    return process.pid;
  }
  tryAllocate(mib: number): boolean {
    const { malloc, memset, free } = msvcrt();
    const bytes = mib * 1024 * 1024;
    const block = malloc(bytes);
    if (block === null) return false;
    memset(block, 1, bytes);
    free(block);
    return true;
  }
  makeGdiObjects(count: number): number {
    for (let i = 0; i < count; i++) kept.push(gui().CreateSolidBrush(i));
    return process.pid;
  }
  makeUserObjects(count: number): number {
    for (let i = 0; i < count; i++) kept.push(gui().CreatePopupMenu());
    return process.pid;
  }
  openHandles(count: number): number {
    for (let i = 0; i < count; i++) kept.push(kernel32().CreateEventW(null, 1, 0, null));
    return process.pid;
  }
}

export default WindowsService;
