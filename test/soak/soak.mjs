#!/usr/bin/env node
// The soak: many concurrent callers against a small pool while calls segfault, hang past their
// timeout, and workers are SIGKILLed from outside at random. Every call must settle exactly once
// with the right result or the right typed error, no call may run twice, and afterwards nothing
// of the pool may remain. Every policy option is at its default, circuit breaker included: a few
// percent of poison calls is a workload the defaults must serve. `npm run soak` runs 200,000
// calls; the tests run a short version.
import { readdirSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ITestServiceClient } from '../.generated/js/.generated/services/ITestService.client.js';
import { mulberry32 } from '../fuzz/fuzz-frames.mjs';

const workerModule = fileURLToPath(new URL('../.generated/js/workers/test-service.js', import.meta.url));

const fds = () => (process.platform === 'linux' ? readdirSync('/proc/self/fd').length : -1);
const rssMiB = () => Math.round(process.memoryUsage().rss / 1024 / 1024);
const alive = (pid) => {
  try {
    const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return state !== undefined && state !== 'Z';
  } catch {
    return false;
  }
};

export async function soak({ calls = 200_000, concurrency = 64, poolSize = 4, segfaultRate = 0.01, hangRate = 0.005,
  markRate = 0.2, killEveryMs = 250, seed = 1, log = () => {} } = {}) {
  const rand = mulberry32(seed);
  const prefix = `Soak${process.pid}`;
  const marks = join(mkdtempSync(join(tmpdir(), 'sandbox-soak-')), 'marks');
  const baseline = { rssMiB: rssMiB(), fds: fds(), resources: process.getActiveResourcesInfo().length };
  const pids = new Set();
  // Only the pool's size, its log sink and its pipes' name (for the leftover check) are set.
  const client = await ITestServiceClient.create({ workerModule, minPoolSize: poolSize, maxPoolSize: poolSize, pipeNamePrefix: prefix, logger: false });
  for (const w of client.pool.stats().workers) pids.add(w.pid);
  client.pool.on('workerStart', ({ pid }) => pids.add(pid));
  const counts = { ok: 0, segfaults: 0, timeouts: 0, killedFromOutside: 0, wrong: 0, kills: 0 };
  /** Per `mark` call: whether its caller was told it succeeded. */
  const marked = new Map();
  const samples = [];
  const killer = setInterval(() => {
    const busy = client.pool.stats().workers.filter((w) => w.pid !== undefined && w.state !== 'starting');
    const victim = busy[Math.floor(rand() * busy.length)];
    if (victim?.pid !== undefined) {
      try { process.kill(victim.pid, 'SIGKILL'); counts.kills++; } catch { /* gone already */ }
    }
  }, killEveryMs);

  let next = 0;
  const started = performance.now();
  const wrong = [];
  async function caller() {
    while (next < calls) {
      const i = next++;
      const roll = rand();
      const kind = roll < segfaultRate ? 'segfault' : roll < segfaultRate + hangRate ? 'hang' : roll < segfaultRate + hangRate + markRate ? 'mark' : 'add';
      let outcome;
      try {
        // hangBriefly has its own @timeout (300 ms), so methodCallTimeoutMs stays at its default
        const value = kind === 'segfault' ? await client.segfault() : kind === 'hang' ? await client.hangBriefly()
          : kind === 'mark' ? await client.mark(marks, i) : await client.add(i, 1);
        outcome = (kind === 'add' && value === i + 1) || (kind === 'mark' && value === i) ? 'ok' : `returned ${value}`;
      } catch (error) {
        const e = error;
        if (kind === 'segfault' && e.name === 'WorkerCrashedError' && (e.signal === 'SIGSEGV' || e.signal === 'SIGKILL')) outcome = 'segfault';
        else if (kind === 'hang' && e.name === 'CallTimeoutError') outcome = 'timeout';
        else if (e.name === 'WorkerCrashedError' && e.signal === 'SIGKILL') outcome = 'killed';
        else outcome = `${e.name}: ${e.message}`;
      }
      if (kind === 'mark') marked.set(i, outcome === 'ok');
      if (outcome === 'ok') counts.ok++;
      else if (outcome === 'segfault') counts.segfaults++;
      else if (outcome === 'timeout') counts.timeouts++;
      else if (outcome === 'killed') counts.killedFromOutside++;
      else { counts.wrong++; if (wrong.length < 10) wrong.push(`${kind} #${i}: ${outcome}`); }
      if (i % Math.max(1, Math.floor(calls / 10)) === 0) {
        samples.push({ calls: i, rssMiB: rssMiB(), fds: fds() });
        log(`${i} calls, ${rssMiB()} MiB, ${fds()} fds`);
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, caller));
  clearInterval(killer);
  const seconds = (performance.now() - started) / 1000;
  const stats = client.pool.stats();
  await client.close();
  await new Promise((r) => setTimeout(r, 100));

  // Exactly once: a call its caller was told succeeded ran once; a failed one at most once.
  const ran = new Map();
  for (const line of existsSync(marks) ? readFileSync(marks, 'utf8').split('\n') : []) if (line) ran.set(Number(line), (ran.get(Number(line)) ?? 0) + 1);
  let ranTwice = 0;
  let succeededButDidNotRun = 0;
  for (const [id, ok] of marked) {
    const times = ran.get(id) ?? 0;
    if (times > 1) ranTwice++;
    if (ok && times !== 1) succeededButDidNotRun++;
  }
  rmSync(dirname(marks), { recursive: true, force: true });
  const leftoverWorkers = [...pids].filter((p) => p !== undefined && alive(p));
  const leftoverDirs = readdirSync(tmpdir()).filter((d) => d.startsWith(`${prefix}-`)).filter((d) => existsSync(join(tmpdir(), d)));
  const resources = process.getActiveResourcesInfo();
  return {
    calls, concurrency, poolSize, seconds: Number(seconds.toFixed(1)), callsPerSecond: Math.round(calls / seconds),
    ...counts, settled: counts.ok + counts.segfaults + counts.timeouts + counts.killedFromOutside + counts.wrong,
    marks: marked.size, ranTwice, succeededButDidNotRun, workersChecked: pids.size,
    workersStarted: stats.totals.workersStarted, circuit: stats.circuit, wrongExamples: wrong,
    leftoverWorkers, leftoverDirs, activeResourcesAfter: resources, baseline,
    after: { rssMiB: rssMiB(), fds: fds() }, samples,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const calls = Number(process.argv[2] ?? 200_000);
  console.log(`soak: ${calls} calls, 64 callers, pool of 4, every policy option at its default; 1% segfaults, 0.5% hangs past their 300 ms @timeout, 20% calls that prove they ran once, a worker SIGKILLed every 250 ms`);
  const report = await soak({ calls, log: (line) => console.log(`  ${line}`) });
  console.log(JSON.stringify(report, null, 2));
  const ok = report.settled === calls && report.wrong === 0 && report.ranTwice === 0 && report.succeededButDidNotRun === 0
    && report.workersChecked === report.workersStarted && report.leftoverWorkers.length === 0 && report.leftoverDirs.length === 0;
  console.log(ok ? 'soak passed: every call settled exactly once with the right outcome; nothing left behind' : 'soak FAILED');
  process.exit(ok ? 0 : 1);
}
