// Which of the given Windows pids still run, polled until none does or `--within` ms pass
// (process.kill(pid, 0) opens the process and checks it has not exited). With --kill, ends the
// survivors afterwards (the control case's workers), and reports them.
import { args, main } from './common.mjs';

await main(async () => {
  const within = Number(args.find((a) => a.startsWith('--within='))?.slice(9) ?? 2000);
  const pids = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const alive = (pid) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  const began = Date.now();
  while (Date.now() - began < within && pids.some(alive)) await new Promise((r) => setTimeout(r, 50));
  const survivors = pids.filter(alive);
  const waitedMs = Date.now() - began;
  if (args.includes('--kill')) for (const pid of survivors) process.kill(pid);
  return { survivors, waitedMs };
});
