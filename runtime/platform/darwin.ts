/** macOS, best effort: POSIX pipes and process groups; nothing is measured from outside yet. */
import { directIsolation, type Platform } from './platform.js';
import { posixBase } from './posix.js';
import { UNMEASURED } from './resources.js';

export const darwinPlatform: Platform = {
  ...posixBase,
  name: 'darwin',
  // Each worker leads its own process group, so a kill takes its children too.
  openIsolation: () => directIsolation({ detached: true, groupKill: true }),
  async sampleResources(pid) {
    try {
      process.kill(pid, 0);
    } catch {
      return undefined;
    }
    return UNMEASURED;
  },
};
