import type { Platform } from './platform.js';
import { posixPlatform } from './posix.js';
import { windowsPlatform } from './windows.js';

export type { Platform } from './platform.js';

/** The platform this process runs on, chosen once. */
export const platform: Platform = process.platform === 'win32' ? windowsPlatform : posixPlatform;
