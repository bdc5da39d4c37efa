/**
 * The Landlock ruleset a confined worker creates at a given ABI (what it handles: file rights,
 * TCP, scopes), shared by the worker (worker-template/confine/landlock.ts, which restricts
 * itself with it) and the application's probe (./kernel.ts, which creates the same ruleset and
 * closes it, to learn whether the kernel accepts what its ABI number promises).
 *
 * Rights come per ABI (the kernel refuses bits it does not know): ABI 1 the basic file rights,
 * 2 REFER (moving files between directories; unhandled in ABI 1, where it is always denied),
 * 3 TRUNCATE, 4 TCP, 5 IOCTL_DEV, 6 scopes. See the kernel's Documentation/userspace-api/landlock.rst.
 */
export const SYS_LANDLOCK_CREATE_RULESET = 444;

export const FS = {
  EXECUTE: 1 << 0, WRITE_FILE: 1 << 1, READ_FILE: 1 << 2, READ_DIR: 1 << 3, REMOVE_DIR: 1 << 4, REMOVE_FILE: 1 << 5,
  MAKE_CHAR: 1 << 6, MAKE_DIR: 1 << 7, MAKE_REG: 1 << 8, MAKE_SOCK: 1 << 9, MAKE_FIFO: 1 << 10, MAKE_BLOCK: 1 << 11,
  MAKE_SYM: 1 << 12, REFER: 1 << 13, TRUNCATE: 1 << 14, IOCTL_DEV: 1 << 15,
} as const;
const NET_BIND_TCP = 1 << 0;
const NET_CONNECT_TCP = 1 << 1;
const SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0;
const SCOPE_SIGNAL = 1 << 1;

/** The file rights the kernel knows at `abi`. */
export function handledFileRights(abi: number): number {
  let rights = (1 << 13) - 1;
  if (abi >= 2) rights |= FS.REFER;
  if (abi >= 3) rights |= FS.TRUNCATE;
  if (abi >= 5) rights |= FS.IOCTL_DEV;
  return rights;
}

/**
 * struct landlock_ruleset_attr for `abi`, and the size to pass: the struct grew with the ABI, and
 * an older kernel refuses a size it does not know. `extraScopes` exists for the probe's test
 * only: bits the kernel does not know, to make it refuse a ruleset as a kernel that misreports
 * its ABI does.
 */
export function rulesetAttr(abi: number, network: boolean, extraScopes = 0): { attr: Buffer; size: number } {
  const attr = Buffer.alloc(24);
  attr.writeBigUInt64LE(BigInt(handledFileRights(abi)), 0);
  if (abi >= 4 && !network) attr.writeBigUInt64LE(BigInt(NET_BIND_TCP | NET_CONNECT_TCP), 8);
  if (abi >= 6) attr.writeBigUInt64LE(BigInt(SCOPE_SIGNAL | (network ? 0 : SCOPE_ABSTRACT_UNIX_SOCKET) | extraScopes), 16);
  return { attr, size: abi >= 6 ? 24 : abi >= 4 ? 16 : 8 };
}

/**
 * The highest ABI, from `reported` down, whose strictest ruleset (network off: every right,
 * TCP and both scopes) the kernel creates; 0 if none. Some vendor kernels (RHEL 9's among them)
 * report an ABI whose features they backported only in part, and refuse its ruleset with EINVAL:
 * a worker there would fail to start, where one ABI lower it confines as well as that kernel can.
 * `create` returns the new ruleset's fd, or a negative number; `close` closes it.
 */
export function usableLandlockAbi(reported: number, create: (attr: Buffer, size: number) => number, close: (fd: number) => void, extraScopes = 0): number {
  for (let abi = reported; abi >= 1; abi--) {
    const { attr, size } = rulesetAttr(abi, false, extraScopes);
    const fd = create(attr, size);
    if (fd >= 0) {
      close(fd);
      return abi;
    }
  }
  return 0;
}
