/** Linux: POSIX pipes and process groups, resources from /proc. */
import { sampleLinux } from './linux-resources.js';
import { NO_ISOLATION, type Platform } from './platform.js';
import { posixBase } from './posix.js';

export const linuxPlatform: Platform = { ...posixBase, name: 'linux', sampleResources: sampleLinux, openIsolation: () => NO_ISOLATION };
