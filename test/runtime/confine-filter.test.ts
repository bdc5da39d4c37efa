/**
 * The seccomp filter as a program: run through a small classic-BPF interpreter here, over
 * struct seccomp_data as the kernel builds it, so each rule is checked for both architectures
 * (the kernel itself runs it in the other confine tests, on this machine's).
 */
import { describe, expect, it } from 'vitest';
import { buildFilter, buildIoUringFilter } from '../../dist/worker-template/confine/seccomp-filter.js';
import { syscallTable, type SyscallTable } from '../../dist/worker-template/confine/syscalls.js';
import { FILTERED_ARCHES } from '../../dist/runtime/confine/kernel.js';

const ALLOW = 0x7fff0000;
const errno = (n: number): number => 0x00050000 | n;
const [EPERM, EACCES, ENOSYS] = [1, 13, 38];
const CLONE_THREAD = 0x10000;
const CLONE_NEWUSER = 0x10000000;
const SIGCHLD = 17;

/** Runs the filter on one call: what the kernel would answer. */
function run(filter: Buffer, call: { nr: number; arch: number; arg0?: number }): number {
  const data = Buffer.alloc(64);
  data.writeInt32LE(call.nr, 0);
  data.writeUInt32LE(call.arch, 4);
  data.writeBigUInt64LE(BigInt(call.arg0 ?? 0), 16);
  let a = 0;
  for (let pc = 0; pc < filter.length / 8;) {
    const code = filter.readUInt16LE(pc * 8);
    const jt = filter.readUInt8(pc * 8 + 2);
    const jf = filter.readUInt8(pc * 8 + 3);
    const k = filter.readUInt32LE(pc * 8 + 4);
    const jump = (taken: boolean): void => { pc += 1 + (taken ? jt : jf); };
    switch (code) {
      case 0x20: a = data.readUInt32LE(k); pc++; break;
      case 0x15: jump(a === k); break;
      case 0x35: jump(a >= k); break;
      case 0x45: jump((a & k) !== 0); break;
      case 0x06: return k;
      default: throw new Error(`instruction ${code.toString(16)} at ${pc} is not one the filter should use`);
    }
  }
  throw new Error('the filter ran off its end');
}

const tables = FILTERED_ARCHES.map((arch) => [arch, syscallTable(arch)!] as const);

describe('the seccomp filter', () => {
  it('knows every architecture the application side calls confinable', () => {
    for (const [arch, table] of tables) expect(table, arch).toBeDefined();
    expect(syscallTable('ia32')).toBeUndefined();
  });

  for (const [arch, table] of tables) {
    const call = (t: SyscallTable, name: keyof SyscallTable['nr'], arg0?: number): { nr: number; arch: number; arg0?: number } => ({ nr: t.nr[name]!, arch: t.auditArch, ...(arg0 === undefined ? {} : { arg0 }) });

    it(`${arch}: refuses what confine forbids with an errno, and nothing else`, () => {
      const strict = buildFilter(table, { network: false, childProcesses: false });
      expect(run(strict, call(table, 'socket'))).toBe(errno(EACCES));
      expect(run(strict, call(table, 'execve'))).toBe(errno(EACCES));
      expect(run(strict, call(table, 'execveat'))).toBe(errno(EACCES));
      expect(run(strict, call(table, 'clone3'))).toBe(errno(ENOSYS));
      expect(run(strict, call(table, 'clone', CLONE_THREAD | 0x3d0f00))).toBe(ALLOW);
      expect(run(strict, call(table, 'clone', SIGCHLD))).toBe(errno(EPERM));
      expect(run(strict, call(table, 'clone', CLONE_THREAD | CLONE_NEWUSER))).toBe(errno(EPERM));
      if (table.nr.fork !== undefined) expect(run(strict, call(table, 'fork'))).toBe(errno(EPERM));
      for (const name of ['ptrace', 'mount', 'bpf', 'perf_event_open', 'keyctl', 'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'unshare', 'process_vm_readv', 'fchmodat', 'fchownat', 'setxattr'] as const) {
        expect(run(strict, call(table, name)), name).toBe(errno(EPERM));
      }
      // read(2), write(2), and a number past every table: allowed.
      expect(run(strict, { nr: 0, arch: table.auditArch })).toBe(ALLOW);
      expect(run(strict, { nr: 1, arch: table.auditArch })).toBe(ALLOW);
      expect(run(strict, { nr: 1000, arch: table.auditArch })).toBe(ALLOW);
      // Another architecture's numbers mean other calls: refused, whatever the number.
      expect(run(strict, { nr: 0, arch: 0x40000003 })).toBe(errno(EPERM));
      if (table.foreignAbiBit !== undefined) expect(run(strict, { nr: table.foreignAbiBit | 41, arch: table.auditArch })).toBe(errno(EPERM));
    });

    it(`${arch}: without childProcesses, signals go to the worker itself alone`, () => {
      const self = 4242;
      const filter = buildFilter(table, { network: false, childProcesses: false, signalsOnlyTo: self });
      expect(run(filter, call(table, 'kill', self))).toBe(ALLOW);
      expect(run(filter, call(table, 'kill', (-self) >>> 0))).toBe(ALLOW);
      expect(run(filter, call(table, 'kill', 1))).toBe(errno(EPERM));
      expect(run(filter, call(table, 'kill', 0))).toBe(errno(EPERM));
      expect(run(filter, call(table, 'kill', 0xffffffff))).toBe(errno(EPERM));
      expect(run(filter, call(table, 'tgkill', self))).toBe(ALLOW);
      expect(run(filter, call(table, 'tgkill', 4243))).toBe(errno(EPERM));
      expect(run(filter, call(table, 'rt_sigqueueinfo', 4243))).toBe(errno(EPERM));
      expect(run(filter, call(table, 'pidfd_send_signal', 3))).toBe(errno(EPERM));
      expect(run(filter, call(table, 'pidfd_getfd', 3))).toBe(errno(EPERM));
      // Without the rule (childProcesses, or Landlock's scope alone), kill is the kernel's to decide.
      expect(run(buildFilter(table, { network: false, childProcesses: true }), call(table, 'kill', 1))).toBe(ALLOW);
    });

    it(`${arch}: network and childProcesses lift their rules only`, () => {
      const open = buildFilter(table, { network: true, childProcesses: true });
      expect(run(open, call(table, 'socket'))).toBe(ALLOW);
      expect(run(open, call(table, 'execve'))).toBe(ALLOW);
      expect(run(open, call(table, 'clone', SIGCHLD))).toBe(ALLOW);
      expect(run(open, call(table, 'clone', SIGCHLD | CLONE_NEWUSER))).toBe(errno(EPERM));
      expect(run(open, call(table, 'clone3'))).toBe(errno(ENOSYS));
      expect(run(open, call(table, 'ptrace'))).toBe(errno(EPERM));
    });

    it(`${arch}: the first image's filter refuses io_uring alone`, () => {
      const first = buildIoUringFilter(table);
      expect(run(first, call(table, 'io_uring_setup'))).toBe(errno(EPERM));
      expect(run(first, call(table, 'socket'))).toBe(ALLOW);
      expect(run(first, call(table, 'execve'))).toBe(ALLOW);
    });
  }
});
