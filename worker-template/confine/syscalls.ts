/**
 * The system call numbers the seccomp filter names, per architecture, with the AUDIT_ARCH value
 * the kernel puts in seccomp_data.arch. A filter must check the architecture first: on x86_64 a
 * process can also enter the kernel through the i386 (int 0x80) and x32 tables, whose numbers
 * mean other calls. Only the architectures Node.js ships Linux builds for that this table knows
 * are supported; any other refuses confinement by name (runtime/confine/kernel.ts says which).
 *
 * i386 is left out on purpose: there, socket() is one of many operations behind socketcall(2),
 * whose arguments are behind a pointer seccomp cannot read, and Node.js ships no 32-bit Linux build.
 */
export interface SyscallTable {
  /** AUDIT_ARCH_* of linux/audit.h. */
  readonly auditArch: number;
  /** Numbers at or past this belong to another ABI on the same architecture (x86_64's x32); refused. */
  readonly foreignAbiBit: number | undefined;
  /** seccomp(2) itself, to install the filter. */
  readonly seccomp: number;
  readonly nr: Readonly<Record<SyscallName, number | undefined>>;
}

export type SyscallName =
  | 'socket' | 'execve' | 'execveat' | 'fork' | 'vfork' | 'clone' | 'clone3'
  | 'ptrace' | 'process_vm_readv' | 'process_vm_writev'
  | 'mount' | 'umount2' | 'pivot_root' | 'chroot' | 'open_tree' | 'move_mount' | 'fsopen' | 'fsconfig' | 'fsmount' | 'fspick' | 'mount_setattr'
  | 'unshare' | 'setns'
  | 'bpf' | 'perf_event_open' | 'keyctl' | 'add_key' | 'request_key'
  | 'io_uring_setup' | 'io_uring_enter' | 'io_uring_register'
  | 'chmod' | 'fchmodat' | 'fchmodat2' | 'chown' | 'lchown' | 'fchownat'
  | 'setxattr' | 'lsetxattr' | 'removexattr' | 'lremovexattr' | 'setxattrat' | 'removexattrat'
  | 'kill' | 'tkill' | 'tgkill' | 'rt_sigqueueinfo' | 'rt_tgsigqueueinfo' | 'pidfd_send_signal' | 'pidfd_getfd';

// Calls added since Linux 5.0 share one number on every architecture (asm-generic's unified table).
const UNIFIED = {
  io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427,
  open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433,
  pidfd_send_signal: 424, clone3: 435, pidfd_getfd: 438, mount_setattr: 442, fchmodat2: 452, setxattrat: 463, removexattrat: 466,
} as const;

const X86_64: SyscallTable = {
  auditArch: 0xc000003e,
  foreignAbiBit: 0x40000000,
  seccomp: 317,
  nr: {
    ...UNIFIED,
    socket: 41, clone: 56, fork: 57, vfork: 58, execve: 59, ptrace: 101, chroot: 161, pivot_root: 155,
    mount: 165, umount2: 166, add_key: 248, request_key: 249, keyctl: 250, unshare: 272, perf_event_open: 298,
    setns: 308, process_vm_readv: 310, process_vm_writev: 311, bpf: 321, execveat: 322,
    chmod: 90, chown: 92, lchown: 94, setxattr: 188, lsetxattr: 189, removexattr: 197, lremovexattr: 198,
    fchownat: 260, fchmodat: 268, kill: 62, rt_sigqueueinfo: 129, tkill: 200, tgkill: 234, rt_tgsigqueueinfo: 297,
  },
};

const AARCH64: SyscallTable = {
  auditArch: 0xc00000b7,
  foreignAbiBit: undefined,
  seccomp: 277,
  nr: {
    ...UNIFIED,
    // asm-generic has no fork or vfork (glibc forks with clone), nor chmod, chown and lchown (the *at forms).
    fork: undefined, vfork: undefined, chmod: undefined, chown: undefined, lchown: undefined,
    setxattr: 5, lsetxattr: 6, removexattr: 14, lremovexattr: 15, fchmodat: 53, fchownat: 54,
    kill: 129, tkill: 130, tgkill: 131, rt_sigqueueinfo: 138, rt_tgsigqueueinfo: 240,
    umount2: 39, mount: 40, pivot_root: 41, chroot: 51, unshare: 97, ptrace: 117, socket: 198,
    add_key: 217, request_key: 218, keyctl: 219, clone: 220, execve: 221, perf_event_open: 241,
    setns: 268, process_vm_readv: 270, process_vm_writev: 271, bpf: 280, execveat: 281,
  },
};

/** The table for a process.arch, or undefined where confinement does not know the architecture. */
export function syscallTable(arch: string): SyscallTable | undefined {
  if (arch === 'x64') return X86_64;
  if (arch === 'arm64') return AARCH64;
  return undefined;
}
