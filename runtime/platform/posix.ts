/** What Linux and macOS share: Unix-domain sockets in a 0700 directory, process groups. */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Platform } from './platform.js';

export const posixBase: Omit<Platform, 'name' | 'sampleResources' | 'openIsolation'> = {
  detachWorkers: true,
  async createPipeHome(prefix) {
    // mkdtemp creates the directory 0700: only this user can reach the sockets inside. At once,
    // not through libuv's thread pool, whose first use cost a first create() 1-4 ms.
    return mkdtempSync(join(tmpdir(), `${prefix}-`));
  },
  pipePath(home, _prefix, name) {
    if (home === undefined) throw new Error('posix pipes need a home directory');
    return join(home, `${name}.sock`);
  },
  async removePipeHome(home) {
    if (home !== undefined) await rm(home, { recursive: true, force: true });
  },
};
