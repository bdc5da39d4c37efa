// The application's event-loop stall as the application feels it: a 1 ms setInterval records the
// gap between its ticks, and the stall is the part of each gap past the 1 ms it asked for. A
// fork() in the application's thread, a synchronous spawn, a long callback all show as one long
// gap. (perf_hooks.monitorEventLoopDelay measures the same with a libuv timer, but its histograms
// cannot be merged across the windows of several starts; this one keeps every gap.) A timer that
// sleeps between ticks leaves the CPUs to the worker starting, which a busy loop would compete with.
//
// A gap is also long when the application was ready to run but had no CPU: on a machine with two
// CPUs, a worker booting and the process that forked it can hold both. So each gap also records
// the CPU time the process used during it (process.cpuUsage: all its threads), and its busy stall
// is the smaller of the two: the part of the stall the application spent at work of its own.
const PERIOD_MS = 1;

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Starts recording; stop() ends it and returns every gap's stall and busy stall in ms (≥ 0), the last partial gap included. */
export function startLoopMeter() {
  const stalls = [];
  const busy = [];
  let last = performance.now();
  let lastCpu = cpuMs();
  const record = () => {
    const now = performance.now();
    const cpu = cpuMs();
    const stall = Math.max(0, now - last - PERIOD_MS);
    stalls.push(stall);
    busy.push(Math.min(stall, cpu - lastCpu));
    last = now;
    lastCpu = cpu;
  };
  const timer = setInterval(record, PERIOD_MS);
  return {
    stop() {
      clearInterval(timer);
      record();
      return { stalls, busy };
    },
  };
}
