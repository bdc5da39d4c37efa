/**
 * Puts generated files on disk, or compares them with what is there. A byte-identical file is
 * never rewritten, so build tools that watch mtimes see no change.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { hasErrors } from './diagnostics.js';
import type { GenerateResult } from './generate.js';

/** Writes the files whose content differs from disk; returns the paths it wrote. */
export async function writeGenerated(result: GenerateResult): Promise<string[]> {
  if (hasErrors(result.diagnostics)) {
    throw new Error('[sandbox-gen] refusing to write generated files: generation reported errors (see result.diagnostics)');
  }
  const written: string[] = [];
  for (const file of result.files) {
    if ((await readIfExists(file.path))?.equals(Buffer.from(file.content)) === true) continue;
    await mkdir(dirname(file.path), { recursive: true });
    await writeFile(file.path, file.content);
    written.push(file.path);
  }
  return written;
}

export interface StaleFile {
  readonly path: string;
  readonly state: 'missing' | 'stale';
}

/** The generated files that are missing or differ from what generation would write. */
export async function checkGenerated(result: GenerateResult): Promise<StaleFile[]> {
  const stale: StaleFile[] = [];
  for (const file of result.files) {
    const current = await readIfExists(file.path);
    if (current === undefined) stale.push({ path: file.path, state: 'missing' });
    else if (!current.equals(Buffer.from(file.content))) stale.push({ path: file.path, state: 'stale' });
  }
  return stale;
}

async function readIfExists(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
