/**
 * Builds the worker's seccomp filter: a classic BPF program over struct seccomp_data, written
 * here rather than through libseccomp (a native dependency for a program of some forty
 * instructions). Every rule answers with an errno, never by killing: a forbidden call fails
 * inside the worker like any other failing call, and the worker keeps serving.
 *
 * The rules (docs/confinement.md has the same list with the reasons):
 * - a foreign architecture or ABI (i386's int 0x80 and x32 on x86_64) → EPERM: their numbers mean
 *   other calls, so no rule below would hold for them;
 * - ptrace, process_vm_readv/writev → EPERM: no reading or writing another process's memory;
 * - mount and the new mount API, pivot_root, chroot, unshare, setns → EPERM: no namespaces
 *   (clone with a CLONE_NEW* flag is refused too);
 * - bpf, perf_event_open, keyctl, add_key, request_key → EPERM: kernel surfaces a worker never
 *   needs, and the usual way into kernel bugs;
 * - chmod, chown and extended attributes by path (chmod, fchmodat, fchmodat2, chown, lchown,
 *   fchownat, setxattr, lsetxattr, removexattr, lremovexattr, setxattrat, removexattrat) → EPERM:
 *   Landlock does not handle a file's metadata, and the worker runs as the application's user, so
 *   it could otherwise make the application's keys readable to all, or its files unreadable. The
 *   forms on an open descriptor (fchmod, fchown, fsetxattr) stay: they need the file opened,
 *   which Landlock decides;
 * - io_uring_setup/enter/register → EPERM: a ring performs opens, connects and sends that this
 *   filter would never see; libuv falls back to epoll and its thread pool;
 * - clone3 → ENOSYS: its flags sit behind a pointer seccomp cannot read, so it is refused as
 *   "not implemented", which makes glibc fall back to clone, whose flags it can;
 * - without childProcesses: execve and execveat → EACCES, fork and vfork → EPERM, clone without
 *   CLONE_THREAD (a new process rather than a thread) → EPERM;
 * - without childProcesses, signals only to the worker itself: kill to its pid or its process
 *   group, tgkill, tkill, rt_sigqueueinfo and rt_tgsigqueueinfo to its pid, else EPERM;
 *   pidfd_send_signal → EPERM. (With Landlock ABI 6 the kernel scopes signals too; before it,
 *   this is what keeps a worker from killing its spawner or the application.) pidfd_getfd →
 *   EPERM always: no taking another process's descriptors;
 * - without network: socket → EACCES, for every family. The filter is installed once the channel
 *   is connected, so the worker's one socket exists already; a new Unix socket could connect to
 *   any socket file (docker.sock), which Landlock does not control before its ABI 9.
 *   socketpair stays: its two ends reach nothing but each other.
 *
 * The io_uring rules also go on alone, in the first image just before it executes again
 * (buildIoUringFilter): a seccomp filter outlives execve, so the second image's libuv cannot set
 * up a ring either. It must not: libuv 1.51 and later (Node 22.23+) set up a ring for epoll_ctl
 * as they start, whatever UV_USE_IO_URING says, and abort when the filter later refuses
 * io_uring_enter on it; refused at setup, libuv falls back to plain epoll. Allowing enter on a
 * ring made before the filter would not do: native code could submit a socket or a connect on it.
 */
import type { SyscallName, SyscallTable } from './syscalls.js';

export interface FilterRules {
  readonly network: boolean;
  readonly childProcesses: boolean;
  /**
   * The worker's own pid: signals may go to it (and its process group) alone. Set without
   * childProcesses, when the worker has no children to signal; the kernel's own scoping
   * (Landlock ABI 6) needs no pid and also covers a worker's children.
   */
  readonly signalsOnlyTo?: number | undefined;
}

const EPERM = 1;
const EACCES = 13;
const ENOSYS = 38;

// linux/filter.h and linux/seccomp.h
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;
const RET_ALLOW = 0x7fff0000;
const RET_ERRNO = 0x00050000;
// Offsets in struct seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6].
const OFFSET_NR = 0;
const OFFSET_ARCH = 4;
/** The low 32 bits of args[0] (little-endian): clone's flags on x86_64 and aarch64. */
const OFFSET_ARG0_LOW = 16;

const CLONE_THREAD = 0x00010000;
/** CLONE_NEWNS, NEWCGROUP, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET. */
const CLONE_NEW_NAMESPACES = 0x00020000 | 0x02000000 | 0x04000000 | 0x08000000 | 0x10000000 | 0x20000000 | 0x40000000;

const IO_URING: readonly SyscallName[] = ['io_uring_setup', 'io_uring_enter', 'io_uring_register'];
const ALWAYS_EPERM: readonly SyscallName[] = [
  'ptrace', 'process_vm_readv', 'process_vm_writev',
  'mount', 'umount2', 'pivot_root', 'chroot', 'open_tree', 'move_mount', 'fsopen', 'fsconfig', 'fsmount', 'fspick', 'mount_setattr',
  'unshare', 'setns',
  'bpf', 'perf_event_open', 'keyctl', 'add_key', 'request_key',
  'chmod', 'fchmodat', 'fchmodat2', 'chown', 'lchown', 'fchownat',
  'setxattr', 'lsetxattr', 'removexattr', 'lremovexattr', 'setxattrat', 'removexattrat',
  'pidfd_getfd',
  ...IO_URING,
];

type Label = 'allow' | 'eperm' | 'eacces' | 'enosys' | 'clone' | 'kill' | 'to-self';
interface Instruction { code: number; k: number; jt?: Label; jf?: Label }

/** The filter as the bytes of a struct sock_filter array (8 bytes per instruction, host order). */
export function buildFilter(table: SyscallTable, rules: FilterRules): Buffer {
  return assemble(table, rules, ALWAYS_EPERM);
}

/** io_uring refused, everything else allowed: for the first image's exec (see above). */
export function buildIoUringFilter(table: SyscallTable): Buffer {
  return assemble(table, undefined, IO_URING);
}

/** `rules` undefined: only the `refused` calls (EPERM), after the architecture check. */
function assemble(table: SyscallTable, rules: FilterRules | undefined, refused: readonly SyscallName[]): Buffer {
  const program: Instruction[] = [];
  const labels = new Map<Label, number>();
  const emit = (i: Instruction): void => { program.push(i); };
  const mark = (label: Label): void => { labels.set(label, program.length); };
  const ret = (value: number): void => emit({ code: RET_K, k: value });
  const to = (nr: number | undefined, label: Label): void => {
    if (nr !== undefined) emit({ code: JEQ_K, k: nr, jt: label });
  };

  emit({ code: LD_W_ABS, k: OFFSET_ARCH });
  emit({ code: JEQ_K, k: table.auditArch, jf: 'eperm' });
  emit({ code: LD_W_ABS, k: OFFSET_NR });
  if (table.foreignAbiBit !== undefined) emit({ code: JGE_K, k: table.foreignAbiBit, jt: 'eperm' });
  for (const name of refused) to(table.nr[name], 'eperm');
  if (rules !== undefined) {
    to(table.nr.clone3, 'enosys');
    to(table.nr.clone, 'clone');
    if (!rules.childProcesses) {
      to(table.nr.execve, 'eacces');
      to(table.nr.execveat, 'eacces');
      to(table.nr.fork, 'eperm');
      to(table.nr.vfork, 'eperm');
    }
    if (!rules.network) to(table.nr.socket, 'eacces');
    if (rules.signalsOnlyTo !== undefined) {
      to(table.nr.kill, 'kill');
      for (const name of ['tkill', 'tgkill', 'rt_sigqueueinfo', 'rt_tgsigqueueinfo'] as const) to(table.nr[name], 'to-self');
      to(table.nr.pidfd_send_signal, 'eperm');
    }
  }
  ret(RET_ALLOW);
  if (rules !== undefined) {
    mark('clone');
    emit({ code: LD_W_ABS, k: OFFSET_ARG0_LOW });
    emit({ code: JSET_K, k: CLONE_NEW_NAMESPACES, jt: 'eperm' });
    if (!rules.childProcesses) emit({ code: JSET_K, k: CLONE_THREAD, jt: 'allow', jf: 'eperm' });
    else ret(RET_ALLOW);
    const self = rules.signalsOnlyTo;
    if (self !== undefined) {
      // pid_t is 32 bits: the low word of args[0]; its process group is -pid.
      mark('kill');
      emit({ code: LD_W_ABS, k: OFFSET_ARG0_LOW });
      emit({ code: JEQ_K, k: self, jt: 'allow' });
      emit({ code: JEQ_K, k: (-self) >>> 0, jt: 'allow', jf: 'eperm' });
      mark('to-self');
      emit({ code: LD_W_ABS, k: OFFSET_ARG0_LOW });
      emit({ code: JEQ_K, k: self, jt: 'allow', jf: 'eperm' });
    }
  }
  mark('eperm');
  ret(RET_ERRNO | EPERM);
  mark('eacces');
  ret(RET_ERRNO | EACCES);
  mark('enosys');
  ret(RET_ERRNO | ENOSYS);
  mark('allow');
  ret(RET_ALLOW);

  const bytes = Buffer.alloc(program.length * 8);
  program.forEach((instruction, at) => {
    const offset = (label: Label | undefined): number => {
      if (label === undefined) return 0;
      const target = labels.get(label);
      // Classic BPF jumps only forward, by at most 255 instructions past the next one.
      const distance = target === undefined ? -1 : target - at - 1;
      if (distance < 0 || distance > 255) throw new Error(`seccomp filter: cannot jump from ${at} to ${label} (a bug in process-sandbox)`);
      return distance;
    };
    const base = at * 8;
    bytes.writeUInt16LE(instruction.code, base);
    bytes.writeUInt8(offset(instruction.jt), base + 2);
    bytes.writeUInt8(offset(instruction.jf), base + 3);
    bytes.writeUInt32LE(instruction.k >>> 0, base + 4);
  });
  return bytes;
}
