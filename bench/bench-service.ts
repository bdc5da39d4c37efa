/** The implementation of IBench that the benchmark's workers run. */
import type { IBench } from './IBench.js';

export class BenchService implements IBench {
  add(a: number, b: number): number {
    return a + b;
  }

  echo(data: Uint8Array): Uint8Array {
    return data;
  }

  crash(): number {
    // SIGKILL, not an exception: the worker must die the way a crashing native library kills it,
    // with no chance to reply.
    process.kill(process.pid, 'SIGKILL');
    throw new Error('SIGKILL to self returned; this platform did not kill the worker');
  }
}

export default BenchService;
