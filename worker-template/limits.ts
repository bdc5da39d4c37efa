/**
 * Hard limits the worker sets on itself before it loads user code, where the OS has them.
 * Linux: RLIMIT_DATA caps private writable memory (malloc fails past it: the allocation fails in
 * the worker, never in the parent), and RLIMIT_CORE 0 keeps crashing native code from writing
 * core files. Never RLIMIT_AS: V8 reserves far more address space than it uses and would not
 * start. Windows enforces memory through the pool's Job Object instead (runtime/platform).
 */
import { readFileSync } from 'node:fs';
import { loadKoffi } from '../runtime/koffi-loader.js';

export interface WorkerLimits {
  /** RLIMIT_DATA in bytes, or undefined for none. */
  readonly dataBytes?: number | undefined;
  /** Leave RLIMIT_CORE alone (true) or set it to 0 (false). */
  readonly coreDumps: boolean;
}

const RLIMIT_DATA = 2;
const RLIMIT_CORE = 4;
const MIB = 1024 * 1024;

/**
 * Room a worker needs above what it holds when the limit is set, to load user code and serve:
 * the libuv thread pool alone maps four 8 MiB stacks the first time user code touches the file
 * system, and V8's heap grows in chunks of a few MiB. A limit that leaves less fails the start
 * with a message that says so, instead of a worker that dies in its first collection.
 */
const MIN_HEADROOM_BYTES = 64 * MIB;

/**
 * Bytes of anonymous private mappings that are writable and executable: V8's JIT code space.
 * Linux (since 4.7) counts every private writable mapping against RLIMIT_DATA, committed or not.
 * From Node 24 on (V8 13), V8 maps its whole code range read-write-execute when it starts and
 * discards the pages (`PageInitializationMode::kRecommitOnly`): 512 MiB on Node's x64 builds,
 * of which a few KiB are resident. Up to Node 22 the range is reserved inaccessible and only the
 * pages in use are made executable, so this is a few hundred KiB there. See docs/platforms.md.
 */
export function executableBytes(maps: string): number {
  let total = 0;
  for (const line of maps.split('\n')) {
    // start-end perms offset dev inode [path]; anonymous mappings have no path.
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 5 || fields[1] !== 'rwxp') continue;
    const [start, end] = fields[0]!.split('-');
    total += Number(BigInt(`0x${end}`) - BigInt(`0x${start}`));
  }
  return total;
}

/** VmData of /proc/self/status in bytes: what the kernel checks against RLIMIT_DATA. */
function dataBytesInUse(): number {
  const kib = /^VmData:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
  if (kib === undefined) throw new Error('/proc/self/status has no VmData line: cannot apply hardMemoryLimitMB');
  return Number(kib) * 1024;
}

/**
 * The RLIMIT_DATA that gives a worker `dataBytes` of private memory besides V8's code space,
 * which is address space the kernel counts and not memory: without it, a worker on Node 24 or
 * later holds 560 MiB before it runs any code, and any limit below about 600 MiB kills it in its
 * first garbage collection. Throws, naming hardMemoryLimitMB, when the limit leaves the worker
 * too little room to start.
 */
export function dataLimitFor(dataBytes: number, inUse: number, executable: number): number {
  const held = inUse - executable;
  if (held + MIN_HEADROOM_BYTES > dataBytes) {
    const mib = (n: number): number => Math.ceil(n / MIB);
    throw new Error(`hardMemoryLimitMB ${mib(dataBytes)} is too low for this worker: it holds ${mib(held)} MiB of private memory `
      + `before loading any user code (Node.js ${process.version}) and needs ${mib(MIN_HEADROOM_BYTES)} MiB more to run; set hardMemoryLimitMB to at least ${mib(held + MIN_HEADROOM_BYTES)}`);
  }
  return dataBytes + executable;
}

export async function applyLimits(limits: WorkerLimits): Promise<void> {
  if (process.platform !== 'linux') return;
  if (limits.dataBytes === undefined && limits.coreDumps) return;
  const koffi = await loadKoffi();
  const libc = koffi.load('libc.so.6');
  const rlimit = koffi.struct('rlimit_t', { cur: 'uint64', max: 'uint64' });
  const setrlimit = libc.func('int setrlimit(int resource, const rlimit_t *limit)');
  void rlimit;
  const set = (resource: number, name: string, bytes: number): void => {
    if (setrlimit(resource, { cur: bytes, max: bytes }) !== 0) {
      process.stderr.write(`[process-sandbox] setrlimit(${name}, ${bytes}) failed; the limit is not enforced\n`);
    }
  };
  if (!limits.coreDumps) set(RLIMIT_CORE, 'RLIMIT_CORE', 0);
  if (limits.dataBytes !== undefined) {
    // Measured last, after koffi is loaded, so what it maps counts as held, not as headroom.
    const executable = executableBytes(readFileSync('/proc/self/maps', 'utf8'));
    set(RLIMIT_DATA, 'RLIMIT_DATA', dataLimitFor(limits.dataBytes, dataBytesInUse(), executable));
  }
}
