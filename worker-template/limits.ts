/**
 * Hard limits the worker sets on itself before it loads user code, where the OS has them.
 * Linux: RLIMIT_DATA caps private writable memory (malloc fails past it: the allocation fails in
 * the worker, never in the parent), and RLIMIT_CORE 0 keeps crashing native code from writing
 * core files. Never RLIMIT_AS: V8 reserves far more address space than it uses and would not
 * start. Windows enforces memory through the pool's Job Object instead (runtime/platform).
 */
export interface WorkerLimits {
  /** RLIMIT_DATA in bytes, or undefined for none. */
  readonly dataBytes?: number | undefined;
  /** Leave RLIMIT_CORE alone (true) or set it to 0 (false). */
  readonly coreDumps: boolean;
}

const RLIMIT_DATA = 2;
const RLIMIT_CORE = 4;

export async function applyLimits(limits: WorkerLimits): Promise<void> {
  if (process.platform !== 'linux') return;
  if (limits.dataBytes === undefined && limits.coreDumps) return;
  const { default: koffi } = await import('koffi');
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
  if (limits.dataBytes !== undefined) set(RLIMIT_DATA, 'RLIMIT_DATA', limits.dataBytes);
}
