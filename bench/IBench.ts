/** The service the benchmark calls: as little work as possible, so the figures are the library's cost. */
export interface IBench {
  /** The small call measured for latency and throughput. */
  add(a: number, b: number): number;
  /** Returns its argument: the large-payload round trip. */
  echo(data: Uint8Array): Uint8Array;
  /** Kills its own process with SIGKILL, so the call fails with WorkerCrashedError. */
  crash(): number;
}
