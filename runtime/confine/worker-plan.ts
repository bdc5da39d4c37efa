/**
 * The paths a confined worker may reach, besides what it adds itself (its executable, the shared
 * libraries it has mapped, its /proc/<pid>: worker-template/confine/index.ts). docs/confinement.md
 * lists the same with the reasons. Read-only unless said:
 *
 * - this library's compiled files (its dist/ and package.json), and the node_modules directory
 *   that holds koffi (its native half is a package of its own beside it);
 * - the worker entry's directory and the implementation's (workerModule's) directory, each with
 *   everything beneath it, since the implementation imports its neighbours; every node_modules
 *   directory on the way up from either (where Node.js resolves packages), and every
 *   package.json on the way up (Node.js reads them to decide a module's type), but nothing else
 *   of those ancestors: an application's root, its .env and its keys stay out;
 * - /dev/null (read and write), /dev/urandom, /dev/random;
 * - what Node.js reads as it starts: /etc/ld.so.cache, OpenSSL's configuration, the file
 *   NODE_EXTRA_CA_CERTS names, /proc/meminfo and the cgroup directories of this process (libuv
 *   sizes the heap by them), /proc/stat and /sys/devices/system/cpu/online (the CPUs, which Node
 *   26 reads as it starts), time zone data (/etc/localtime, /usr/share/zoneinfo);
 * - the compile cache (NODE_COMPILE_CACHE), read-only: a confined worker must not write code
 *   that unconfined workers of other pools would run;
 * - NODE_EXTRA_CA_CERTS is left out of the worker's environment without `network` (no socket,
 *   no TLS; reading the certificates costs each start 35-100 ms), and out of its first image's;
 *   NODE_OPTIONS is out of the first image's, and its preloads run in the second, confined;
 * - with `network: true`, the resolver's files (/etc/resolv.conf, hosts, nsswitch.conf, gai.conf)
 *   and the system's CA certificates;
 * - `read`, `write` (read and write), and with `childProcesses: true` `read` is executable too.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedConfig } from '../config.js';
import type { KernelSupport } from './kernel.js';
import type { ResolvedConfine } from './options.js';
import type { ConfineRule, WorkerConfinePlan } from './plan.js';

/** dist/runtime/confine/ → the package's root. */
const packageRoot = fileURLToPath(new URL('../../../', import.meta.url));

export function workerPlan(config: ResolvedConfig, confine: ResolvedConfine, kernel: KernelSupport): WorkerConfinePlan {
  const rules: ConfineRule[] = [];
  const read = (path: string, optional = true): void => { rules.push({ path, access: 'read', optional }); };
  read(join(packageRoot, 'dist'), false);
  read(join(packageRoot, 'package.json'));
  // koffi's native half is a package of its own beside it (@koromix/koffi-<platform>-<arch>):
  // the node_modules that holds koffi, which is code, never an application's secrets.
  const koffi = packageOf(createRequire(import.meta.url).resolve('koffi'));
  read(basename(dirname(koffi)) === 'node_modules' ? dirname(koffi) : koffi, false);
  for (const file of [config.workerEntry, config.workerModule]) {
    read(dirname(file), false);
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'node_modules'))) read(join(dir, 'node_modules'));
      if (existsSync(join(dir, 'package.json'))) read(join(dir, 'package.json'));
      if (dirname(dir) === dir) break;
    }
  }
  rules.push({ path: '/dev/null', access: 'device', optional: true });
  for (const path of ['/dev/urandom', '/dev/random', '/etc/ld.so.cache', '/etc/ssl/openssl.cnf', '/usr/lib/ssl/openssl.cnf', '/proc/meminfo', '/proc/stat', '/sys/devices/system/cpu/online', '/etc/localtime', '/usr/share/zoneinfo']) read(path);
  for (const variable of [...(confine.network ? ['NODE_EXTRA_CA_CERTS'] : []), 'OPENSSL_CONF', 'NODE_COMPILE_CACHE']) {
    const path = config.env[variable];
    if (path !== undefined && path.startsWith('/')) read(path);
  }
  for (const path of cgroupDirectories()) read(path);
  if (confine.network) {
    for (const path of ['/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/gai.conf', '/etc/host.conf', '/etc/ssl/certs', '/usr/share/ca-certificates']) read(path);
  }
  for (const path of confine.read) rules.push({ path, access: confine.childProcesses ? 'execute' : 'read' });
  for (const path of confine.write) rules.push({ path, access: 'write' });
  // The first image makes no TLS connection, and without network neither does the second.
  const certificates = config.env['NODE_EXTRA_CA_CERTS'];
  // NODE_OPTIONS in a pool's own env (--require, --import) is the application's code: it runs in
  // the second image, confined, never in the first, which starts with no flags at all. Without an
  // env of the pool's own, the workers get none (confined-env.ts).
  const nodeOptions = config.envGiven ? config.env['NODE_OPTIONS'] : undefined;
  return {
    secondImageEnv: {
      ...(confine.network && certificates !== undefined ? { NODE_EXTRA_CA_CERTS: certificates } : {}),
      ...(nodeOptions !== undefined ? { NODE_OPTIONS: nodeOptions } : {}),
    },
    landlockAbi: kernel.landlockAbi,
    seccomp: kernel.seccomp && kernel.archKnown,
    rules,
    network: confine.network,
    childProcesses: confine.childProcesses,
  };
}

/** The directory of the package a resolved file belongs to (koffi exports no ./package.json). */
function packageOf(file: string): string {
  let dir = dirname(file);
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * This process's own cgroup directories where libuv reads memory and CPU limits (workers inherit
 * its groups, or sit in groups beneath them): the v2 group, and the v1 memory and cpu groups.
 * Never a hierarchy's root, which would show every group on the machine; where this process sits
 * at the root, libuv finds no limit to read, as it would in a fresh cgroup namespace.
 */
function cgroupDirectories(): string[] {
  let text: string;
  try {
    text = readFileSync('/proc/self/cgroup', 'utf8');
  } catch {
    return [];
  }
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
  const dirs: string[] = [];
  for (const line of text.split('\n')) {
    // hierarchy-id:controllers:path; v2 is 0::path.
    const match = /^\d+:([^:]*):(\/.+)$/.exec(line);
    if (match === null || match[2] === '/') continue;
    const controllers = match[1]!;
    const mounts = controllers === '' ? [v2] : controllers.split(',').filter((c) => c === 'memory' || c === 'cpu').map((c) => join('/sys/fs/cgroup', c));
    if (controllers.includes(',') && mounts.length > 0) mounts.push(join('/sys/fs/cgroup', controllers));
    for (const mount of mounts) {
      const dir = join(mount, match[2]!);
      if (existsSync(dir) && !dirs.includes(dir)) dirs.push(dir);
    }
  }
  return dirs;
}
