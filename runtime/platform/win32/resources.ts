/**
 * Samples a process from outside through Win32: K32GetProcessMemoryInfo (WorkingSetSize,
 * PrivateUsage), GetProcessHandleCount, GetGuiResources (GDI, USER), GetProcessTimes. A live
 * Windows process always has private bytes and handles, so a 0 there is a stub speaking (Wine's)
 * and is reported as null, as is a GetGuiResources that fails with ERROR_CALL_NOT_IMPLEMENTED.
 * Wine's GetProcessTimes answers for another process with the caller's own times (seen with
 * Wine 8.0), so under Wine the CPU time of a worker is not measured either.
 */
import type { ResourceSample } from '../resources.js';
import {
  ERROR_CALL_NOT_IMPLEMENTED, GR_GDIOBJECTS, GR_USEROBJECTS, PROCESS_QUERY_LIMITED_INFORMATION, PROCESS_VM_READ, STILL_ACTIVE,
  win32, type FileTime, type Handle, type ProcessMemoryCountersEx,
} from './api.js';
import { wineVersion } from './wine.js';

// FILETIME durations count 100 ns ticks.
const TICKS_PER_MS = 10_000;

const ticks = (t: Partial<FileTime>): number => (t.dwHighDateTime ?? 0) * 2 ** 32 + (t.dwLowDateTime ?? 0);

/** undefined when the process is gone. */
export async function sampleWin32(pid: number): Promise<ResourceSample | undefined> {
  const api = win32();
  const handle = api.OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ, 0, pid);
  if (handle === null) return undefined;
  try {
    // Node keeps its children's handles open, so an exited worker can still be opened: ask.
    const code = [0];
    if (api.GetExitCodeProcess(handle, code) === 0 || code[0] !== STILL_ACTIVE) return undefined;

    const size = api.koffi.sizeof(api.structs.PROCESS_MEMORY_COUNTERS_EX);
    const counters: Partial<ProcessMemoryCountersEx> = { cb: size };
    const haveMemory = api.K32GetProcessMemoryInfo(handle, counters, size) !== 0;
    const handles = [0];
    const haveHandles = api.GetProcessHandleCount(handle, handles) !== 0;
    const creation: Partial<FileTime> = {};
    const exit: Partial<FileTime> = {};
    const kernel: Partial<FileTime> = {};
    const user: Partial<FileTime> = {};
    const haveTimes = (pid === process.pid || wineVersion() === null) && api.GetProcessTimes(handle, creation, exit, kernel, user) !== 0;

    return {
      workingSetBytes: haveMemory ? positive(counters.WorkingSetSize) : null,
      privateBytes: haveMemory ? positive(counters.PrivateUsage) : null,
      // Windows has no cheap private-resident figure (QueryWorkingSetEx walks every page).
      privateResidentBytes: null,
      handleCount: haveHandles ? positive(handles[0]) : null,
      gdiObjects: guiObjects(handle, GR_GDIOBJECTS),
      userObjects: guiObjects(handle, GR_USEROBJECTS),
      // Counting threads from outside means a Toolhelp snapshot of every process on the machine.
      threads: null,
      cpuTimeMs: haveTimes ? (ticks(kernel) + ticks(user)) / TICKS_PER_MS : null,
    };
  } finally {
    api.CloseHandle(handle);
  }
}

function positive(value: number | undefined): number | null {
  return value === undefined || value <= 0 ? null : value;
}

function guiObjects(handle: Handle, which: number): number | null {
  const api = win32();
  // 0 is a real count for a process that never drew anything; a stub says so through GetLastError.
  api.SetLastError(0);
  const count = api.GetGuiResources(handle, which);
  if (count === 0 && api.GetLastError() === ERROR_CALL_NOT_IMPLEMENTED) return null;
  return count;
}
