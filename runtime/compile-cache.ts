/**
 * Node's on-disk compile cache for workers (NODE_COMPILE_CACHE, read by Node 22.1 and later;
 * older workers ignore it): every worker start compiles the same modules (the worker runtime,
 * msgpackr, the generated code, the implementation), and the cache saves about 8 ms of each start
 * on this kind of machine. V8 checks each entry against its source's hash, but an entry is code
 * the worker runs, so the directory must be this user's alone: it is made 0700 and used only if
 * it is a real directory owned by this user that nobody else can write to. An environment that
 * sets NODE_COMPILE_CACHE or NODE_DISABLE_COMPILE_CACHE itself is left as it is.
 */
import { lstatSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

/** The directory once found (null: none usable), per process. */
let directory: string | null | undefined;

/** The workers' environment with NODE_COMPILE_CACHE set, where it can be set safely. */
export function withCompileCache(env: Env): Env {
  if (env['NODE_COMPILE_CACHE'] !== undefined || env['NODE_DISABLE_COMPILE_CACHE'] !== undefined) return env;
  directory ??= privateDirectory() ?? null;
  return directory === null ? env : { ...env, NODE_COMPILE_CACHE: directory };
}

/**
 * Synchronous, once per process: two system calls of some microseconds, where the same through
 * libuv's thread pool (its first use, in an application's first create()) cost the first
 * worker's start 1-4 ms on this kind of machine.
 */
function privateDirectory(): string | undefined {
  const uid = process.getuid?.();
  const dir = join(tmpdir(), `process-sandbox-compile-cache${uid === undefined ? '' : `-${uid}`}`);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') return undefined;
  }
  try {
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return undefined;
    if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}
