/**
 * The pool's `confine` option, checked with the rest of the configuration (config.ts): each path
 * must be absolute and exist (Landlock allows what exists, by the file it is), and "/" is
 * refused, since allowing it would allow every file. Paths are kept as their real paths.
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';

export interface ConfineOptions {
  /**
   * Files and directories (absolute, existing) the worker may read, beyond what it needs to run
   * (the Node.js binary and its libraries, this library, the worker entry, the implementation's
   * directory and the packages it resolves; docs/confinement.md lists them). A directory allows
   * everything beneath it. @default []
   */
  read?: readonly string[];
  /**
   * Files and directories (absolute, existing) the worker may write, create, rename, remove and
   * truncate in, and read. @default [] (nowhere)
   */
  write?: readonly string[];
  /** Let the worker open sockets: TCP, UDP, Unix, any. @default false (no socket but its channel) */
  network?: boolean;
  /** Let the worker start programs (exec, fork); they stay inside the same confinement. @default false */
  childProcesses?: boolean;
  /**
   * What to do when this machine cannot enforce a knob: 'fail' rejects create() with
   * ConfinementUnsupportedError naming each knob and what it needs; 'warn' logs the same and
   * runs with what is enforced (pool.confinement says what). @default 'fail'
   */
  onUnsupported?: 'fail' | 'warn';
}

export interface ResolvedConfine {
  readonly read: readonly string[];
  readonly write: readonly string[];
  readonly network: boolean;
  readonly childProcesses: boolean;
  readonly onUnsupported: 'fail' | 'warn';
}

const FIELDS = ['read', 'write', 'network', 'childProcesses', 'onUnsupported'];

/** Checks `confine`; reports each problem through `bad` and returns undefined when it has any. */
export function checkConfine(value: unknown, bad: (field: string, problem: string) => void): ResolvedConfine | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    bad('confine', `expected an object such as { read: [], write: [] }, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
    return undefined;
  }
  const v = value as Record<string, unknown>;
  let ok = true;
  const fail = (field: string, problem: string): void => { ok = false; bad(`confine.${field}`, problem); };
  for (const key of Object.keys(v)) if (!FIELDS.includes(key)) fail(key, `unknown option; the options are ${FIELDS.join(', ')}`);
  const paths = (field: 'read' | 'write'): string[] => {
    const list = v[field];
    if (list === undefined) return [];
    if (!Array.isArray(list)) { fail(field, 'expected an array of absolute paths'); return []; }
    const out: string[] = [];
    list.forEach((path: unknown, i) => {
      const at = `${field}[${i}]`;
      if (typeof path !== 'string' || !isAbsolute(path)) { fail(at, `expected an absolute path, got ${typeof path === 'string' ? JSON.stringify(path) : typeof path}`); return; }
      try {
        statSync(path);
      } catch (error) {
        fail(at, `${JSON.stringify(path)} does not exist (${(error as NodeJS.ErrnoException).code ?? 'cannot stat it'}): Landlock allows existing files and directories only; create it before the pool starts, or leave it out`);
        return;
      }
      const real = realpathSync(path);
      if (real === '/') { fail(at, `${JSON.stringify(path)} is the root directory, which would allow every file; list the directories the worker needs instead`); return; }
      out.push(real);
    });
    return out;
  };
  const flag = (field: 'network' | 'childProcesses'): boolean => {
    const x = v[field];
    if (x === undefined) return false;
    if (typeof x !== 'boolean') { fail(field, `expected true or false, got ${typeof x}`); return false; }
    return x;
  };
  const onUnsupported = v['onUnsupported'] ?? 'fail';
  if (onUnsupported !== 'fail' && onUnsupported !== 'warn') fail('onUnsupported', `expected "fail" or "warn", got ${JSON.stringify(onUnsupported)}`);
  const resolved: ResolvedConfine = {
    read: paths('read'),
    write: paths('write'),
    network: flag('network'),
    childProcesses: flag('childProcesses'),
    onUnsupported: onUnsupported === 'warn' ? 'warn' : 'fail',
  };
  return ok ? resolved : undefined;
}
