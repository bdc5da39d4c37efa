/** What Linux and macOS share: Unix-domain sockets in a 0700 directory, process groups. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Platform } from './platform.js';

export const posixBase: Omit<Platform, 'name' | 'sampleResources' | 'openIsolation'> = {
  detachWorkers: true,
  async createPipeHome(prefix) {
    // mkdtemp creates the directory 0700: only this user can reach the sockets inside.
    return mkdtemp(join(tmpdir(), `${prefix}-`));
  },
  pipePath(home, _prefix, name) {
    if (home === undefined) throw new Error('posix pipes need a home directory');
    return join(home, `${name}.sock`);
  },
  async removePipeHome(home) {
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  },
};
