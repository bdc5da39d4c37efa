/**
 * Installs the worker's seccomp filter (./seccomp-filter.ts) on every thread at once
 * (SECCOMP_FILTER_FLAG_TSYNC, Linux 3.17): V8's and libuv's threads exist already when the
 * worker's second image connects its channel, and a filter installed on the calling thread alone
 * would leave them free. The filter is inherited by every thread and process created later.
 */
import type { Libc } from './libc.js';
import { buildFilter, buildIoUringFilter, type FilterRules } from './seccomp-filter.js';
import { syscallTable, type SyscallTable } from './syscalls.js';

const SECCOMP_SET_MODE_FILTER = 1;
const SECCOMP_FILTER_FLAG_TSYNC = 1;

/** The worker's filter, on every thread. */
export function installFilter(c: Libc, rules: FilterRules): void {
  install(c, (table) => buildFilter(table, rules));
}

/** io_uring refused, on every thread, for the exec to come (seccomp-filter.ts says why). */
export function refuseIoUring(c: Libc): void {
  install(c, buildIoUringFilter);
}

function install(c: Libc, build: (table: SyscallTable) => Buffer): void {
  const table = syscallTable(process.arch);
  if (table === undefined) throw new Error(`confine: no seccomp filter for the ${process.arch} architecture`);
  const filter = build(table);
  // struct sock_fprog: unsigned short len, then (aligned) a pointer to the instructions.
  const program = Buffer.alloc(16);
  program.writeUInt16LE(filter.length / 8, 0);
  program.writeBigUInt64LE(BigInt(c.koffi.address(filter)), 8);
  const result = c.syscall(table.seccomp, 'uint32', SECCOMP_SET_MODE_FILTER, 'uint32', SECCOMP_FILTER_FLAG_TSYNC, 'void *', program);
  if (result !== 0) {
    const why = result > 0 ? `thread ${result} could not take it` : c.errno().text;
    throw new Error(`seccomp(SECCOMP_SET_MODE_FILTER, TSYNC) failed: ${why}`);
  }
  // Keeps the instructions alive until the kernel has copied them (it has, by now).
  void filter.length;
}
