/** Samples a process from /proc: status, smaps_rollup, fd and stat. */
import { readdir, readFile } from 'node:fs/promises';
import type { ResourceSample } from './resources.js';

const KIB = 1024;
// USER_HZ: the unit of utime/stime in /proc/PID/stat, 100 on every Linux ABI Node supports.
const CLOCK_TICKS_PER_SECOND = 100;

function kib(text: string, field: string): number | null {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * KIB : null;
}

/** undefined when the process is gone. */
export async function sampleLinux(pid: number): Promise<ResourceSample | undefined> {
  const base = `/proc/${pid}`;
  let status: string;
  try {
    status = await readFile(`${base}/status`, 'utf8');
  } catch {
    return undefined;
  }
  if (/^State:\s+Z/m.test(status)) return undefined;
  const [smaps, fds, stat] = await Promise.all([
    readFile(`${base}/smaps_rollup`, 'utf8').catch(() => undefined),
    readdir(`${base}/fd`).then((list) => list.length, () => null),
    readFile(`${base}/stat`, 'utf8').catch(() => undefined),
  ]);
  let privateResident: number | null = null;
  if (smaps !== undefined) {
    const parts = [kib(smaps, 'Private_Clean'), kib(smaps, 'Private_Dirty'), kib(smaps, 'Swap')];
    privateResident = parts.every((p) => p !== null) ? parts.reduce<number>((a, b) => a + b!, 0) : null;
  }
  let cpuTimeMs: number | null = null;
  if (stat !== undefined) {
    // The command name (field 2) may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    if (Number.isFinite(utime) && Number.isFinite(stime)) cpuTimeMs = ((utime + stime) * 1000) / CLOCK_TICKS_PER_SECOND;
  }
  const threads = /^Threads:\s+(\d+)/m.exec(status);
  return {
    workingSetBytes: kib(status, 'VmRSS'),
    privateBytes: kib(status, 'VmData'),
    privateResidentBytes: privateResident,
    handleCount: fds,
    gdiObjects: null,
    userObjects: null,
    threads: threads ? Number(threads[1]) : null,
    cpuTimeMs,
  };
}
