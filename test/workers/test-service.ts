/** The implementation of ITestService that tests run in workers. */
import { execFile, spawn } from 'node:child_process';
import { appendFileSync, existsSync, openSync, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import koffi from 'koffi';
import type { ITestService, Shape } from '../services/ITestService.js';

let strlen: ((s: string | null) => number) | undefined;
let malloc: ((size: number) => unknown) | undefined;
let memset: ((p: unknown, c: number, n: number) => unknown) | undefined;
const leaked: unknown[] = [];

function crashNatively(): never {
  strlen ??= koffi.load(process.platform === 'win32' ? 'msvcrt.dll' : 'libc.so.6').func('size_t strlen(const char *s)') as (s: string | null) => number;
  strlen(null);
  throw new Error('strlen(NULL) returned: this platform did not fault');
}

export class TestService implements ITestService {
  add(a: number, b: number): number { return a + b; }
  concat(parts: string[], separator = ','): string { return parts.join(separator); }
  echo(data: Uint8Array): Uint8Array { return data; }
  async echoBuffer(data: Buffer): Promise<Buffer> { return data; }
  describe(shape: Shape): Shape { return { ...shape, name: `${shape.name}!` }; }
  maybe(flag: boolean): string | null | undefined { return flag ? 'yes' : null; }
  nothing(): void {}
  sleep(ms: number): Promise<number> { return new Promise((resolve) => setTimeout(() => resolve(process.pid), ms)); }
  pid(): number { return process.pid; }
  segfault(): number { crashNatively(); }
  exit(code: number): number { process.exit(code); }
  hang(): number { for (;;) { /* spin */ } }
  hangBriefly(): number { for (;;) { /* spin */ } }
  wedge(): number {
    process.on('SIGTERM', () => {});
    setImmediate(() => { for (;;) { /* spin */ } });
    return process.pid;
  }
  touch(file: string): number { appendFileSync(file, `${process.pid}\n`); return process.pid; }
  touchThenCrash(file: string): number { appendFileSync(file, `${process.pid}\n`); crashNatively(); }
  flaky(file: string, crashes: number): number {
    appendFileSync(file, `${process.pid}\n`);
    const lines = readFileSync(file, 'utf8').trim().split('\n').length;
    if (lines <= crashes) crashNatively();
    return lines;
  }
  fail(message: string, code?: string): number { throw Object.assign(new RangeError(message), code === undefined ? {} : { code }); }
  lie(): number { return 'not a number' as unknown as number; }
  leakNative(mib: number): number {
    const libc = koffi.load(process.platform === 'win32' ? 'msvcrt.dll' : 'libc.so.6');
    malloc ??= libc.func('void *malloc(size_t size)') as (size: number) => unknown;
    memset ??= libc.func('void *memset(void *p, int c, size_t n)') as (p: unknown, c: number, n: number) => unknown;
    const bytes = mib * 1024 * 1024;
    const block = malloc(bytes);
    memset(block, 1, bytes);
    leaked.push(block);
    return process.pid;
  }
  tryAllocate(mib: number): boolean {
    const libc = koffi.load(process.platform === 'win32' ? 'msvcrt.dll' : 'libc.so.6');
    const alloc = libc.func('void *malloc(size_t size)') as (size: number) => unknown;
    const free = libc.func('void free(void *p)') as (p: unknown) => void;
    const block = alloc(mib * 1024 * 1024);
    if (block === null) return false;
    free(block);
    return true;
  }
  spawnGrandchild(): number {
    const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
    child.unref();
    return child.pid!;
  }
  leakHandles(count: number): number {
    for (let i = 0; i < count; i++) leaked.push(openSync(process.platform === 'win32' ? 'NUL' : '/dev/null', 'r'));
    return process.pid;
  }
  chatter(text: string): number { console.log(`out: ${text}`); console.error(`err: ${text}`); return text.length; }
  crashWhileFlagged(flagFile: string): number {
    if (existsSync(flagFile)) crashNatively();
    return process.pid;
  }
  mark(file: string, id: number): number { appendFileSync(file, `${id}\n`); return id; }
  block(): number {
    setImmediate(() => { for (;;) { /* spin */ } });
    return process.pid;
  }
  async spawnChild(mode: 'plain' | 'setsid-double-fork'): Promise<number> {
    if (mode === 'plain') {
      const child = spawn('sleep', ['600'], { stdio: 'ignore' });
      child.unref();
      return child.pid!;
    }
    // detached: true is setsid() in the child before it execs sleep.
    const intermediate = "const c = require('node:child_process').spawn('sleep', ['600'], { detached: true, stdio: 'ignore' }); c.unref(); process.stdout.write(String(c.pid));";
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', intermediate]);
    return Number(stdout);
  }
}

export default TestService;
