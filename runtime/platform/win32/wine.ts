/**
 * Whether this Windows process runs under Wine, and which Wine. Wine's ntdll exports
 * `wine_get_version`, which Windows' does not. The platform layer needs to know because some of
 * Wine's Win32 calls are stubs that answer 0 (PrivateUsage, GetProcessHandleCount,
 * GetGuiResources): under Wine those zeros mean "not measured" and are reported as null.
 */
import { win32 } from './api.js';

let version: string | null | undefined;

/** Wine's version ("8.0"), or null on real Windows. */
export function wineVersion(): string | null {
  if (version !== undefined) return version;
  version = null;
  if (process.platform === 'win32') {
    try {
      const { koffi } = win32();
      const getVersion = koffi.load('ntdll.dll').func('const char *wine_get_version()') as () => string | null;
      version = getVersion() ?? null;
    } catch {
      // No such export: real Windows.
    }
  }
  return version;
}
