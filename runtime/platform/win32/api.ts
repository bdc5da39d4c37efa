/**
 * The Win32 calls the Windows platform makes, through koffi, bound on first use: nothing here
 * loads koffi or a DLL until a Windows pool needs it.
 *
 * Struct layouts come from koffi, which follows the C ABI of the Node that runs this (x64 or
 * ia32): `size_t` and `uintptr_t` members are 8 or 4 bytes, `LARGE_INTEGER`s are 8-aligned on
 * both. The structs are anonymous so they cannot collide with types the application itself
 * declares in koffi's global type registry, and `bind` checks each size against the Windows
 * SDK's before any call is made, so a wrong member type fails loudly instead of corrupting
 * memory. Win32 `BOOL` is a 4-byte int, declared as `int` (never koffi's 1-byte `bool`).
 */
import { createRequire } from 'node:module';
import type koffiModule from 'koffi';

type Koffi = typeof koffiModule;
type Library = ReturnType<Koffi['load']>;
type TypeObject = ReturnType<Koffi['struct']>;
/** What koffi accepts as a parameter or result type. */
type Spec = Parameters<Library['func']>[2];

/** A Win32 HANDLE as koffi returns it (a BigInt; null for NULL). */
export type Handle = bigint;

export const PROCESS_TERMINATE = 0x0001;
export const PROCESS_SET_QUOTA = 0x0100;
export const PROCESS_VM_READ = 0x0010;
export const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;
export const STILL_ACTIVE = 259;
export const ERROR_CALL_NOT_IMPLEMENTED = 120;

export const JobObjectExtendedLimitInformation = 9;
export const JOB_OBJECT_LIMIT_PROCESS_MEMORY = 0x0100;
export const JOB_OBJECT_LIMIT_DIE_ON_UNHANDLED_EXCEPTION = 0x0400;
export const JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000;
export const JOB_OBJECT_LIMIT_ACTIVE_PROCESS = 0x0008;
export const JobObjectBasicUIRestrictions = 4;
/**
 * Every JOB_OBJECT_UILIMIT_*: HANDLES (0x1, USER handles of processes outside the job),
 * READCLIPBOARD (0x2), WRITECLIPBOARD (0x4), SYSTEMPARAMETERS (0x8), DISPLAYSETTINGS (0x10),
 * GLOBALATOMS (0x20, the job gets an atom table of its own), DESKTOP (0x40, no new desktop or
 * switching), EXITWINDOWS (0x80).
 */
export const JOB_OBJECT_UILIMIT_ALL = 0xff;

export const GR_GDIOBJECTS = 0;
export const GR_USEROBJECTS = 1;

/** JOBOBJECT_EXTENDED_LIMIT_INFORMATION as JavaScript sees it (the members this code sets or reads). */
export interface ExtendedLimitInformation {
  BasicLimitInformation: { LimitFlags: number; ActiveProcessLimit?: number };
  ProcessMemoryLimit: number | bigint;
}

/** PROCESS_MEMORY_COUNTERS_EX, the members read here; sizes are numbers (koffi: size_t). */
export interface ProcessMemoryCountersEx {
  cb: number;
  WorkingSetSize: number;
  PeakWorkingSetSize: number;
  PagefileUsage: number;
  PrivateUsage: number;
}

export interface FileTime {
  dwLowDateTime: number;
  dwHighDateTime: number;
}

export interface Win32 {
  readonly koffi: Koffi;
  readonly structs: {
    readonly JOBOBJECT_EXTENDED_LIMIT_INFORMATION: TypeObject;
    readonly PROCESS_MEMORY_COUNTERS_EX: TypeObject;
  };
  CreateJobObjectW(attributes: null, name: null): Handle | null;
  SetInformationJobObject(job: Handle, infoClass: number, info: ExtendedLimitInformation, size: number): number;
  QueryInformationJobObject(job: Handle, infoClass: number, info: Partial<ExtendedLimitInformation>, size: number, returned: null): number;
  AssignProcessToJobObject(job: Handle, process: Handle): number;
  /** SetInformationJobObject with JobObjectBasicUIRestrictions (a DWORD of JOB_OBJECT_UILIMIT_*). */
  SetJobUiRestrictions(job: Handle, infoClass: number, flags: number[], size: number): number;
  IsProcessInJob(process: Handle, job: Handle | null, result: number[]): number;
  OpenProcess(access: number, inherit: number, pid: number): Handle | null;
  CloseHandle(handle: Handle): number;
  GetExitCodeProcess(process: Handle, code: number[]): number;
  K32GetProcessMemoryInfo(process: Handle, counters: Partial<ProcessMemoryCountersEx>, size: number): number;
  GetProcessHandleCount(process: Handle, count: number[]): number;
  GetProcessTimes(process: Handle, creation: Partial<FileTime>, exit: Partial<FileTime>, kernel: Partial<FileTime>, user: Partial<FileTime>): number;
  IsWow64Process(process: Handle, result: number[]): number;
  GetLastError(): number;
  SetLastError(code: number): void;
  /** user32, loaded on first call. */
  GetGuiResources(process: Handle, flags: number): number;
}

/** The SDK's sizes, by process.arch: what koffi's layouts must match. */
export const EXPECTED_SIZES: Readonly<Record<string, { readonly JOBOBJECT_EXTENDED_LIMIT_INFORMATION: number; readonly PROCESS_MEMORY_COUNTERS_EX: number }>> = {
  x64: { JOBOBJECT_EXTENDED_LIMIT_INFORMATION: 144, PROCESS_MEMORY_COUNTERS_EX: 80 },
  arm64: { JOBOBJECT_EXTENDED_LIMIT_INFORMATION: 144, PROCESS_MEMORY_COUNTERS_EX: 80 },
  ia32: { JOBOBJECT_EXTENDED_LIMIT_INFORMATION: 112, PROCESS_MEMORY_COUNTERS_EX: 44 },
};

let bound: Win32 | undefined;

/** The bound Win32 calls (Windows only); throws with the reason if they cannot be bound. */
export function win32(): Win32 {
  bound ??= bind();
  return bound;
}

function bind(): Win32 {
  const koffi = createRequire(import.meta.url)('koffi') as Koffi;
  const kernel32 = koffi.load('kernel32.dll');
  const HANDLE = 'void *';
  const DWORD = 'uint32_t';
  const BOOL = 'int';

  const BASIC_LIMIT = koffi.struct({
    PerProcessUserTimeLimit: 'int64_t',
    PerJobUserTimeLimit: 'int64_t',
    LimitFlags: DWORD,
    MinimumWorkingSetSize: 'size_t',
    MaximumWorkingSetSize: 'size_t',
    ActiveProcessLimit: DWORD,
    Affinity: 'uintptr_t',
    PriorityClass: DWORD,
    SchedulingClass: DWORD,
  });
  const IO_COUNTERS = koffi.struct({
    ReadOperationCount: 'uint64_t',
    WriteOperationCount: 'uint64_t',
    OtherOperationCount: 'uint64_t',
    ReadTransferCount: 'uint64_t',
    WriteTransferCount: 'uint64_t',
    OtherTransferCount: 'uint64_t',
  });
  const EXTENDED_LIMIT = koffi.struct({
    BasicLimitInformation: BASIC_LIMIT,
    IoInfo: IO_COUNTERS,
    ProcessMemoryLimit: 'size_t',
    JobMemoryLimit: 'size_t',
    PeakProcessMemoryUsed: 'size_t',
    PeakJobMemoryUsed: 'size_t',
  });
  const MEMORY_COUNTERS = koffi.struct({
    cb: DWORD,
    PageFaultCount: DWORD,
    PeakWorkingSetSize: 'size_t',
    WorkingSetSize: 'size_t',
    QuotaPeakPagedPoolUsage: 'size_t',
    QuotaPagedPoolUsage: 'size_t',
    QuotaPeakNonPagedPoolUsage: 'size_t',
    QuotaNonPagedPoolUsage: 'size_t',
    PagefileUsage: 'size_t',
    PeakPagefileUsage: 'size_t',
    PrivateUsage: 'size_t',
  });
  const FILETIME = koffi.struct({ dwLowDateTime: DWORD, dwHighDateTime: DWORD });

  const structs = { JOBOBJECT_EXTENDED_LIMIT_INFORMATION: EXTENDED_LIMIT, PROCESS_MEMORY_COUNTERS_EX: MEMORY_COUNTERS };
  const expected = EXPECTED_SIZES[process.arch];
  if (expected === undefined) throw new Error(`no known Win32 struct sizes for process.arch "${process.arch}"`);
  for (const [name, type] of Object.entries(structs)) {
    const want = expected[name as keyof typeof expected];
    if (koffi.sizeof(type) !== want) {
      throw new Error(`koffi lays ${name} out in ${koffi.sizeof(type)} bytes on ${process.arch}, the Windows SDK in ${want}: the declaration is wrong`);
    }
  }

  const out = (type: Spec): Spec => koffi.out(koffi.pointer(type as TypeObject));
  const inout = (type: Spec): Spec => koffi.inout(koffi.pointer(type as TypeObject));
  // __stdcall is what the Win32 API uses on ia32; koffi ignores it on x64.
  const fn = <T>(lib: Library, name: string, result: Spec, args: Spec[]): T => lib.func('__stdcall', name, result, args) as unknown as T;

  let user32: { GetGuiResources: (process: Handle, flags: number) => number } | undefined;
  return {
    koffi,
    structs,
    CreateJobObjectW: fn<Win32['CreateJobObjectW']>(kernel32, 'CreateJobObjectW', HANDLE, [HANDLE, 'const char16_t *']),
    SetInformationJobObject: fn<Win32['SetInformationJobObject']>(kernel32, 'SetInformationJobObject', BOOL, [HANDLE, 'int', koffi.pointer(EXTENDED_LIMIT), DWORD]),
    QueryInformationJobObject: fn<Win32['QueryInformationJobObject']>(kernel32, 'QueryInformationJobObject', BOOL, [HANDLE, 'int', out(EXTENDED_LIMIT), DWORD, koffi.pointer(DWORD)]),
    SetJobUiRestrictions: fn<Win32['SetJobUiRestrictions']>(kernel32, 'SetInformationJobObject', BOOL, [HANDLE, 'int', koffi.pointer(DWORD), DWORD]),
    AssignProcessToJobObject: fn<Win32['AssignProcessToJobObject']>(kernel32, 'AssignProcessToJobObject', BOOL, [HANDLE, HANDLE]),
    IsProcessInJob: fn<Win32['IsProcessInJob']>(kernel32, 'IsProcessInJob', BOOL, [HANDLE, HANDLE, out(BOOL)]),
    OpenProcess: fn<Win32['OpenProcess']>(kernel32, 'OpenProcess', HANDLE, [DWORD, BOOL, DWORD]),
    CloseHandle: fn<Win32['CloseHandle']>(kernel32, 'CloseHandle', BOOL, [HANDLE]),
    GetExitCodeProcess: fn<Win32['GetExitCodeProcess']>(kernel32, 'GetExitCodeProcess', BOOL, [HANDLE, out(DWORD)]),
    K32GetProcessMemoryInfo: fn<Win32['K32GetProcessMemoryInfo']>(kernel32, 'K32GetProcessMemoryInfo', BOOL, [HANDLE, inout(MEMORY_COUNTERS), DWORD]),
    GetProcessHandleCount: fn<Win32['GetProcessHandleCount']>(kernel32, 'GetProcessHandleCount', BOOL, [HANDLE, out(DWORD)]),
    GetProcessTimes: fn<Win32['GetProcessTimes']>(kernel32, 'GetProcessTimes', BOOL, [HANDLE, out(FILETIME), out(FILETIME), out(FILETIME), out(FILETIME)]),
    IsWow64Process: fn<Win32['IsWow64Process']>(kernel32, 'IsWow64Process', BOOL, [HANDLE, out(BOOL)]),
    GetLastError: fn<Win32['GetLastError']>(kernel32, 'GetLastError', DWORD, []),
    SetLastError: fn<Win32['SetLastError']>(kernel32, 'SetLastError', 'void', [DWORD]),
    GetGuiResources(process, flags) {
      // user32 only when asked: loading it makes a console process a GUI client.
      user32 ??= { GetGuiResources: fn(koffi.load('user32.dll'), 'GetGuiResources', DWORD, [HANDLE, DWORD]) };
      return user32.GetGuiResources(process, flags);
    },
  };
}
