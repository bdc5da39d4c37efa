// The IBench implementation process-sandbox's workers load for the peer comparison: the bench's
// generated client, with a worker that fails the way the peers' workers do. crash() calls
// process.exit(1) (bench-service.ts sends SIGKILL instead), and add(SPIN, SPIN) never returns,
// for the timeout and orphan measurements (IBench has no method that hangs).
export const SPIN = -0x5b1;

export default class PeerBenchService {
  add(a, b) {
    if (a === SPIN && b === SPIN) for (;;) { /* busy, never yields */ }
    return a + b;
  }

  echo(data) {
    return data;
  }

  crash() {
    process.exit(1);
  }
}
