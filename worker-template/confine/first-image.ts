/**
 * A confined worker's first image on Linux (docs/confinement.md), a script of its own that the
 * pool starts in place of the worker entry: `node first-image.cjs <the second image's arguments>`.
 * It reads the bootstrap, sets no_new_privs, restricts itself with Landlock (./landlock.ts) to
 * the paths of its plan plus what it needs to run again (its executable, the shared libraries it
 * has mapped, its own /proc/<pid>), and executes Node.js with those arguments (./reexec.ts): the
 * worker entry, born confined on every thread.
 *
 * Apart from the worker entry because this image runs no user code and needs almost nothing:
 * one CommonJS file (bundle.mjs) and koffi, with no flags, where the worker entry's module graph,
 * the worker bundle and the confinement bundle cost a confined start about 20 ms more on Node 20.
 * Without Landlock (onUnsupported 'warn' on a kernel without it) it restricts nothing but still
 * executes again, for the descriptors it closes and for io_uring, refused from here on so that
 * the second image's libuv sets up no ring (seccomp-filter.ts says why).
 */
import { readFileSync, realpathSync } from 'node:fs';
import type { ConfineRule } from '../../runtime/confine/plan.js';
import { readBootstrap } from '../bootstrap.js';
import { setNoNewPrivs, restrictSelf } from './landlock.js';
import { libc } from './libc.js';
import { reexec } from './reexec.js';
import { refuseIoUring } from './seccomp.js';

async function main(): Promise<never> {
  const bootstrap = await readBootstrap();
  const plan = bootstrap.confine;
  if (plan === undefined || plan.windows !== undefined || plan.restricted === true) {
    throw new Error('the bootstrap asks for no Linux confinement: this file is the first image of a confined worker, started by the pool');
  }
  const c = await libc();
  setNoNewPrivs(c);
  if (plan.landlockAbi > 0) restrictSelf(c, { abi: plan.landlockAbi, network: plan.network, rules: [...plan.rules, ...ownRules()] });
  if (plan.seccomp) refuseIoUring(c);
  Object.assign(process.env, plan.secondImageEnv);
  reexec(c, `${JSON.stringify({ ...bootstrap, confine: { ...plan, restricted: true } })}\n`, process.argv.slice(2));
}

/**
 * What this process needs to execute Node.js again and run: the binary, and every file it has
 * mapped (the ELF interpreter, libc and the other shared libraries, koffi's native module), read
 * from /proc/self/maps rather than guessed; its own /proc/<pid> (status, maps, fds; never all of
 * /proc, where other processes' environments are).
 */
function ownRules(): ConfineRule[] {
  const executable = realpathSync(process.execPath);
  // Each file is mapped several times (read-only, executable, data): executable if any is.
  const mapped = new Map<string, boolean>([[executable, true]]);
  for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    // start-end perms offset dev inode path
    const match = /^\S+\s+(\S+)\s+\S+\s+\S+\s+[1-9]\d*\s+(\/.*)$/.exec(line);
    if (match === null || match[2]!.endsWith(' (deleted)')) continue;
    mapped.set(match[2]!, mapped.get(match[2]!) === true || match[1]!.includes('x'));
  }
  const rules: ConfineRule[] = [...mapped].map(([path, x]) => ({ path, access: x ? 'execute' : 'read', optional: path !== executable }));
  rules.push({ path: `/proc/${process.pid}`, access: 'read' });
  return rules;
}

main().catch((error: unknown) => {
  process.stderr.write(`[process-sandbox] confined worker ${process.pid} could not restrict itself: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exit(70);
});
