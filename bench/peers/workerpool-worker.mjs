// workerpool's worker script (forked with workerType: 'process'): the same four methods every
// peer's worker has. Arguments and results cross the IPC channel as workerpool sends them.
import workerpool from 'workerpool';

workerpool.worker({
  add: (a, b) => a + b,
  echo: (data) => data,
  crash: () => process.exit(1),
  spin: () => { for (;;) { /* busy, never yields */ } },
  pid: () => process.pid,
});
