/** `sandbox-gen … --watch` as a build runs it, for the tests that edit files under it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { root } from './fixtures.js';

export interface WatchProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Polls `check` until it holds, up to 15 s (a generator run on a loaded machine takes seconds); the error says `what` and the output so far. */
  until(check: () => boolean, what: string): Promise<void>;
  /** SIGTERM (SIGKILL if it has not exited 5 s later, so a hang fails the test rather than time it out), then its exit code. */
  stop(): Promise<number | null>;
}

/** Starts the built CLI with `args` (and `--watch`) in `dir`. */
export function watchProcess(dir: string, args: readonly string[]): WatchProcess {
  const child = spawn(process.execPath, [join(root, 'generator/dist/cli.js'), ...args, '--watch'], { cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => { stdout += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    async until(check, what) {
      const end = Date.now() + 15_000;
      while (!check()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; stdout: ${stdout}; stderr: ${stderr}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(kill);
      }
      return child.exitCode;
    },
  };
}
