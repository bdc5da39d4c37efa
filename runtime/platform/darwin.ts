/** macOS, best effort: POSIX pipes and process groups; nothing is measured from outside yet. */
import { NO_ISOLATION, type Platform } from './platform.js';
import { posixBase } from './posix.js';
import { UNMEASURED } from './resources.js';

export const darwinPlatform: Platform = {
  ...posixBase,
  name: 'darwin',
  openIsolation: () => NO_ISOLATION,
  async sampleResources(pid) {
    try {
      process.kill(pid, 0);
    } catch {
      return undefined;
    }
    return UNMEASURED;
  },
};
