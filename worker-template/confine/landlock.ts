/**
 * Landlock, in the worker's first image: one ruleset that handles every file right the chosen
 * ABI knows (so what no rule grants is denied), TCP bind and connect (ABI 4) when the network is
 * off, and the scoping of signals and abstract Unix sockets (ABI 6) to the worker's own domain;
 * then landlock_restrict_self. That call confines only the calling thread and what it creates
 * afterwards, which is why the worker then executes itself again (reexec.ts): the new image's
 * every thread is born inside the domain.
 *
 * The ruleset itself (what each ABI handles) is runtime/confine/landlock-ruleset.ts.
 */
import { closeSync, fstatSync, openSync } from 'node:fs';
import type { Libc } from './libc.js';
import type { ConfineRule } from '../../runtime/confine/plan.js';
import { FS, handledFileRights, rulesetAttr, SYS_LANDLOCK_CREATE_RULESET } from '../../runtime/confine/landlock-ruleset.js';

const SYS_LANDLOCK_ADD_RULE = 445;
const SYS_LANDLOCK_RESTRICT_SELF = 446;
const LANDLOCK_RULE_PATH_BENEATH = 1;
const PR_SET_NO_NEW_PRIVS = 38;
const O_PATH = 0o10000000;
const O_CLOEXEC = 0o2000000;

/** Rights that apply to a file (the kernel refuses directory rights on a rule for a file). */
const FILE_RIGHTS = FS.EXECUTE | FS.WRITE_FILE | FS.READ_FILE | FS.TRUNCATE | FS.IOCTL_DEV;

const GRANTS: Record<ConfineRule['access'], number> = {
  read: FS.READ_FILE | FS.READ_DIR,
  execute: FS.READ_FILE | FS.READ_DIR | FS.EXECUTE,
  // Devices such as /dev/null: read, write, and ioctl (Node.js asks it whether it is a terminal).
  device: FS.READ_FILE | FS.WRITE_FILE | FS.IOCTL_DEV,
  // Everything but executing and making device nodes.
  write: FS.READ_FILE | FS.READ_DIR | FS.WRITE_FILE | FS.REMOVE_DIR | FS.REMOVE_FILE | FS.MAKE_DIR | FS.MAKE_REG
    | FS.MAKE_SOCK | FS.MAKE_FIFO | FS.MAKE_SYM | FS.REFER | FS.TRUNCATE,
};

export interface LandlockRequest {
  readonly abi: number;
  readonly rules: readonly ConfineRule[];
  readonly network: boolean;
}

/** Sets no_new_privs (which Landlock and seccomp both need without CAP_SYS_ADMIN). */
export function setNoNewPrivs(c: Libc): void {
  if (c.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) !== 0) throw new Error(`prctl(PR_SET_NO_NEW_PRIVS) failed: ${c.errno().text}`);
}

/** Restricts the calling thread (and what it creates or executes from now on). */
export function restrictSelf(c: Libc, request: LandlockRequest): void {
  const { abi } = request;
  const handled = handledFileRights(abi);
  const { attr, size } = rulesetAttr(abi, request.network);
  const ruleset = c.syscall(SYS_LANDLOCK_CREATE_RULESET, 'void *', attr, 'size_t', size, 'uint32', 0);
  if (ruleset < 0) throw new Error(`landlock_create_ruleset (ABI ${abi}) failed: ${c.errno().text}`);
  try {
    for (const rule of request.rules) addRule(c, ruleset, rule, handled);
    setNoNewPrivs(c);
    if (c.syscall(SYS_LANDLOCK_RESTRICT_SELF, 'int', ruleset, 'uint32', 0) !== 0) {
      throw new Error(`landlock_restrict_self failed: ${c.errno().text}`);
    }
  } finally {
    c.close(ruleset);
  }
}

function addRule(c: Libc, ruleset: number, rule: ConfineRule, handled: number): void {
  let fd: number;
  try {
    fd = openSync(rule.path, O_PATH | O_CLOEXEC);
  } catch (error) {
    // What the worker adds to run (a time-zone file, a cgroup) may be absent; what the pool was told, not.
    if (rule.optional === true && (error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new Error(`confine: cannot open ${JSON.stringify(rule.path)} to allow it (${rule.access}): ${(error as Error).message}`);
  }
  try {
    const isDirectory = fstatSync(fd).isDirectory();
    const allowed = GRANTS[rule.access] & handled & (isDirectory ? ~0 : FILE_RIGHTS);
    // struct landlock_path_beneath_attr is packed: u64 allowed_access, s32 parent_fd.
    const attr = Buffer.alloc(12);
    attr.writeBigUInt64LE(BigInt(allowed), 0);
    attr.writeInt32LE(fd, 8);
    if (c.syscall(SYS_LANDLOCK_ADD_RULE, 'int', ruleset, 'int', LANDLOCK_RULE_PATH_BENEATH, 'void *', attr, 'uint32', 0) !== 0) {
      throw new Error(`landlock_add_rule for ${JSON.stringify(rule.path)} failed: ${c.errno().text}`);
    }
  } finally {
    closeSync(fd);
  }
}
