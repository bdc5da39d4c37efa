/**
 * A confined Windows worker, once its pipe is connected (docs/confinement.md): the parent has put
 * it in a Job Object of its own before handing it its bootstrap (runtime/platform/win32/job.ts);
 * here it lowers its own token to low integrity (with `write` empty), then checks each limit and
 * reports what it found, not what it meant to do:
 *
 * - childProcesses: starting a program (node --version) must fail;
 * - write: creating a file in the temporary directory, which is labelled medium, must fail with
 *   EPERM or EACCES, and the token must read back low (S-1-16-4096);
 * - signals: opening the application's process to terminate it must fail with access denied;
 * - uiRestrictions: its own job (QueryInformationJobObject on NULL: the innermost) must read back
 *   every UI limit.
 *
 * Wine 8.0 accepts every one of those settings and enforces none (test/windows/confine.test.ts):
 * the checks catch that, so a worker under Wine reports them unenforced.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { WindowsConfinePlan, WorkerConfinePlan } from '../../runtime/confine/plan.js';
import type { Confinement, Enforcement } from '../../runtime/confine/report.js';
import { loadKoffi } from '../../runtime/koffi-loader.js';

const TOKEN_QUERY = 0x0008;
const TOKEN_ADJUST_DEFAULT = 0x0080;
const TokenIntegrityLevel = 25;
const SE_GROUP_INTEGRITY = 0x20;
const LOW_INTEGRITY_SID = 'S-1-16-4096';
const LOW_INTEGRITY_RID = 0x1000;
const PROCESS_TERMINATE = 0x0001;
const ERROR_ACCESS_DENIED = 5;
const JobObjectBasicUIRestrictions = 4;
const JOB_OBJECT_UILIMIT_ALL = 0xff;

type Fn = (...args: unknown[]) => unknown;

export async function confineWindows(plan: WorkerConfinePlan & { windows: WindowsConfinePlan }): Promise<Confinement> {
  const api = await bind();
  // A refusal is reported, not fatal: write and signals then read 'unenforced', and the parent
  // refuses the worker if it expected them (the stderr line says why). 32-bit workers under Wine
  // 8.0 get ERROR_INVALID_PARAMETER here; 64-bit ones get success and no change.
  let lowered = false;
  if (plan.windows.lowIntegrity) {
    try {
      lowerToLowIntegrity(api);
      lowered = true;
    } catch (error) {
      process.stderr.write(`[process-sandbox] ${(error as Error).message}\n`);
    }
  }
  const low = lowered && integrityRid(api) === LOW_INTEGRITY_RID && writeRefused();
  return {
    landlockAbi: 0,
    seccomp: false,
    noNewPrivs: false,
    read: 'unenforced',
    write: low ? 'enforced' : 'unenforced',
    network: plan.network ? 'allowed' : 'unenforced',
    childProcesses: plan.childProcesses ? 'allowed' : startRefused(),
    signals: low && openParentRefused(api, plan.windows.parentPid) ? 'enforced' : 'unenforced',
    uiRestrictions: uiLimited(api) ? 'enforced' : 'unenforced',
  };
}

interface Api {
  readonly koffi: Awaited<ReturnType<typeof loadKoffi>>;
  readonly k: Record<string, Fn>;
  readonly a: Record<string, Fn>;
}

async function bind(): Promise<Api> {
  const koffi = await loadKoffi();
  const kernel32 = koffi.load('kernel32.dll');
  const advapi32 = koffi.load('advapi32.dll');
  const fn = (lib: typeof kernel32, name: string, result: string, args: unknown[]): Fn => lib.func('__stdcall', name, result, args as string[]) as Fn;
  const HANDLE = 'void *';
  const TML = koffi.struct({ Sid: 'void *', Attributes: 'uint32_t' });
  return {
    koffi,
    k: {
      GetCurrentProcess: fn(kernel32, 'GetCurrentProcess', HANDLE, []),
      OpenProcess: fn(kernel32, 'OpenProcess', HANDLE, ['uint32_t', 'int', 'uint32_t']),
      CloseHandle: fn(kernel32, 'CloseHandle', 'int', [HANDLE]),
      GetLastError: fn(kernel32, 'GetLastError', 'uint32_t', []),
      LocalFree: fn(kernel32, 'LocalFree', HANDLE, [HANDLE]),
      QueryUi: fn(kernel32, 'QueryInformationJobObject', 'int', [HANDLE, 'int', koffi.out(koffi.pointer('uint32_t')), 'uint32_t', HANDLE]),
    },
    a: {
      OpenProcessToken: fn(advapi32, 'OpenProcessToken', 'int', [HANDLE, 'uint32_t', koffi.out(koffi.pointer(HANDLE))]),
      ConvertStringSidToSidW: fn(advapi32, 'ConvertStringSidToSidW', 'int', ['str16', koffi.out(koffi.pointer(HANDLE))]),
      GetLengthSid: fn(advapi32, 'GetLengthSid', 'uint32_t', [HANDLE]),
      SetTokenInformation: fn(advapi32, 'SetTokenInformation', 'int', [HANDLE, 'int', koffi.pointer(TML), 'uint32_t']),
      GetTokenInformation: fn(advapi32, 'GetTokenInformation', 'int', [HANDLE, 'int', HANDLE, 'uint32_t', koffi.out(koffi.pointer('uint32_t'))]),
      tmlSize: () => koffi.sizeof(TML),
    },
  };
}

function token(api: Api, access: number): unknown {
  const handle = [null as unknown];
  if (api.a['OpenProcessToken']!(api.k['GetCurrentProcess']!(), access, handle) === 0) {
    throw new Error(`confine: OpenProcessToken failed with Win32 error ${String(api.k['GetLastError']!())}`);
  }
  return handle[0];
}

/** SetTokenInformation(TokenIntegrityLevel) on its own token: every write to a medium file is refused from here on. */
function lowerToLowIntegrity(api: Api): void {
  const tok = token(api, TOKEN_ADJUST_DEFAULT | TOKEN_QUERY);
  const sid = [null as unknown];
  try {
    if (api.a['ConvertStringSidToSidW']!(LOW_INTEGRITY_SID, sid) === 0) throw new Error(`confine: ConvertStringSidToSidW failed with Win32 error ${String(api.k['GetLastError']!())}`);
    const size = (api.a['tmlSize']!() as number) + (api.a['GetLengthSid']!(sid[0]) as number);
    if (api.a['SetTokenInformation']!(tok, TokenIntegrityLevel, { Sid: sid[0], Attributes: SE_GROUP_INTEGRITY }, size) === 0) {
      throw new Error(`confine: lowering this worker to low integrity (SetTokenInformation TokenIntegrityLevel) failed with Win32 error ${String(api.k['GetLastError']!())}`);
    }
  } finally {
    if (sid[0] !== null) api.k['LocalFree']!(sid[0]);
    api.k['CloseHandle']!(tok);
  }
}

/** The last sub-authority of the token's integrity SID (0x1000 low, 0x2000 medium, 0x3000 high); -1 when unreadable. */
function integrityRid(api: Api): number {
  const tok = token(api, TOKEN_QUERY);
  try {
    const buffer = Buffer.alloc(64);
    const length = [0];
    if (api.a['GetTokenInformation']!(tok, TokenIntegrityLevel, buffer, buffer.length, length) === 0) return -1;
    // TOKEN_MANDATORY_LABEL, then the SID it points to: revision 1, sub-authority count, 6-byte authority, sub-authorities.
    const at = api.a['tmlSize']!() as number;
    const count = buffer.readUInt8(at + 1);
    if (buffer.readUInt8(at) !== 1 || count < 1 || at + 8 + 4 * count > buffer.length) return -1;
    return buffer.readUInt32LE(at + 8 + 4 * (count - 1));
  } finally {
    api.k['CloseHandle']!(tok);
  }
}

/** A new file in the (medium-labelled) temporary directory must be refused. */
function writeRefused(): boolean {
  const canary = join(tmpdir(), `process-sandbox-canary-${randomBytes(8).toString('hex')}`);
  try {
    closeSync(openSync(canary, 'wx'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EPERM' || code === 'EACCES') return true;
    throw new Error(`confine: the write canary ${canary} failed with ${code ?? String(error)}, not EPERM or EACCES`);
  }
  unlinkSync(canary);
  return false;
}

/** Starting any program must fail: the job holds one process, this one. */
function startRefused(): Enforcement {
  const run = spawnSync(process.execPath, ['--version'], { stdio: 'ignore', windowsHide: true, timeout: 10_000 });
  return run.error !== undefined ? 'enforced' : 'unenforced';
}

function openParentRefused(api: Api, parentPid: number): boolean {
  const handle = api.k['OpenProcess']!(PROCESS_TERMINATE, 0, parentPid);
  if (handle === null) return api.k['GetLastError']!() === ERROR_ACCESS_DENIED;
  api.k['CloseHandle']!(handle);
  return false;
}

function uiLimited(api: Api): boolean {
  const flags = [0];
  return api.k['QueryUi']!(null, JobObjectBasicUIRestrictions, flags, 4, null) !== 0 && (flags[0]! & JOB_OBJECT_UILIMIT_ALL) === JOB_OBJECT_UILIMIT_ALL;
}
