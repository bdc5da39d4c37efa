/**
 * `--watch`: regenerates a target when its input or any file of the project it imports
 * changes. Folders are watched rather than files, because editors save by writing a new file and
 * renaming it over the old one, which a watch on the old file would miss. Changes are debounced
 * (a save often arrives as several events, a branch switch as many), and a run that fails (a
 * syntax error mid-edit) leaves the last good files in place and keeps watching.
 */
import { watch as watchFolder, type FSWatcher } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { GenerateOptions } from './generate.js';

export interface Watcher {
  /** Stops watching; pending runs are dropped. */
  close(): void;
}

/**
 * Runs every target once, then again whenever one of its files changes. `run` generates one
 * target and returns the files it read (an empty list when it could not read its input).
 */
export async function watchTargets(
  targets: readonly GenerateOptions[],
  run: (target: GenerateOptions) => Promise<readonly string[]>,
  debounceMs = 100,
): Promise<Watcher> {
  const sources = new Map<GenerateOptions, Set<string>>();
  const folders = new Map<string, FSWatcher>();
  const timers = new Map<GenerateOptions, NodeJS.Timeout>();
  const running = new Map<GenerateOptions, Promise<void>>();
  let closed = false;

  const refreshFolders = (): void => {
    const wanted = new Set([...sources.values()].flatMap((files) => [...files].map(dirname)));
    // A target's templates folder is watched even after a run it failed, so fixing the template regenerates.
    for (const target of targets) if (target.templates !== undefined) wanted.add(resolve(target.templates));
    for (const [folder, watcher] of folders) {
      if (!wanted.has(folder)) {
        watcher.close();
        folders.delete(folder);
      }
    }
    for (const folder of wanted) {
      if (folders.has(folder)) continue;
      try {
        const watcher = watchFolder(folder, (_event, name) => {
          if (name !== null) changed(join(folder, name.toString()));
        });
        watcher.on('error', () => {
          watcher.close();
          folders.delete(folder);
        });
        folders.set(folder, watcher);
      } catch {
        // The folder is gone; the next run of a target that needs it will say so.
      }
    }
  };

  const runTarget = async (target: GenerateOptions): Promise<void> => {
    const previous = running.get(target);
    if (previous !== undefined) await previous;
    if (closed) return;
    const current = (async () => {
      const read = await run(target);
      // Closed while it ran (Ctrl-C during a regeneration): watching again would keep the
      // process alive after close().
      if (closed) return;
      // Keep watching the input even when it could not be read, so a restored file is seen.
      sources.set(target, new Set([target.input, ...read]));
      refreshFolders();
    })();
    running.set(target, current);
    await current;
  };

  const changed = (file: string): void => {
    for (const [target, files] of sources) {
      const template = target.templates !== undefined && dirname(file) === resolve(target.templates) && file.endsWith('.hbs');
      if (!files.has(file) && !template) continue;
      clearTimeout(timers.get(target));
      timers.set(target, setTimeout(() => {
        timers.delete(target);
        void runTarget(target);
      }, debounceMs));
    }
  };

  for (const target of targets) await runTarget(target);
  return {
    close(): void {
      closed = true;
      for (const timer of timers.values()) clearTimeout(timer);
      for (const watcher of folders.values()) watcher.close();
      folders.clear();
    },
  };
}
