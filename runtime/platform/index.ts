import { darwinPlatform } from './darwin.js';
import { linuxPlatform } from './linux.js';
import type { Platform } from './platform.js';
import { windowsPlatform } from './windows.js';

export type { Platform } from './platform.js';
export type { ResourceSample } from './resources.js';

/** The platform this process runs on, chosen once. */
export const platform: Platform = process.platform === 'win32' ? windowsPlatform
  : process.platform === 'darwin' ? darwinPlatform
  : linuxPlatform;
