#!/usr/bin/env node
// The soak: many concurrent callers against a small pool while calls segfault, hang past their
// timeout, and workers are SIGKILLed from outside at random. Every call must settle exactly once
// with the right result or the right typed error; afterwards nothing of the pool may remain.
// `npm run soak` runs 200,000 calls; the tests run a short version.
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  killEveryMs = 250, timeoutMs = 200, seed = 1, log = () => {} } = {}) {
  const rand = mulberry32(seed);
  const prefix = `Soak${process.pid}`;
  const baseline = { rssMiB: rssMiB(), fds: fds(), resources: process.getActiveResourcesInfo().length };
  const client = await ITestServiceClient.create({
    workerModule, minPoolSize: poolSize, maxPoolSize: poolSize, spareWorkers: 0, methodCallTimeoutMs: timeoutMs,
    pipeNamePrefix: prefix, logger: false, processRecycleThreshold: 5000, monitorIntervalMs: 500,
    // A 1% crash rate is the workload here, not a storm to stop.
    circuitBreaker: false,
  });
  const pids = new Set(client.pool.stats().workers.map((w) => w.pid));
  client.pool.on('workerStart', ({ pid }) => pids.add(pid));
  const counts = { ok: 0, segfaults: 0, timeouts: 0, killedFromOutside: 0, wrong: 0, settledTwice: 0, kills: 0 };
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
      const kind = roll < segfaultRate ? 'segfault' : roll < segfaultRate + hangRate ? 'hang' : 'add';
      let settled = 0;
      let outcome;
      try {
        const value = kind === 'segfault' ? await client.segfault() : kind === 'hang' ? await client.hang() : await client.add(i, 1);
        settled++;
        outcome = kind === 'add' && value === i + 1 ? 'ok' : `returned ${value}`;
      } catch (error) {
        settled++;
        const e = error;
        if (kind === 'segfault' && e.name === 'WorkerCrashedError' && (e.signal === 'SIGSEGV' || e.signal === 'SIGKILL')) outcome = 'segfault';
        else if (kind === 'hang' && e.name === 'CallTimeoutError') outcome = 'timeout';
        else if (kind === 'hang' && e.name === 'WorkerCrashedError' && e.signal === 'SIGKILL') outcome = 'killed';
        else if (kind === 'add' && e.name === 'WorkerCrashedError' && e.signal === 'SIGKILL') outcome = 'killed';
        else outcome = `${e.name}: ${e.message}`;
      }
      if (settled !== 1) counts.settledTwice++;
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

  const leftoverWorkers = [...pids].filter((p) => p !== undefined && alive(p));
  const leftoverDirs = readdirSync(tmpdir()).filter((d) => d.startsWith(`${prefix}-`)).filter((d) => existsSync(join(tmpdir(), d)));
  const resources = process.getActiveResourcesInfo();
  return {
    calls, concurrency, poolSize, seconds: Number(seconds.toFixed(1)), callsPerSecond: Math.round(calls / seconds),
    ...counts, settled: counts.ok + counts.segfaults + counts.timeouts + counts.killedFromOutside + counts.wrong,
    workersStarted: stats.totals.workersStarted, wrongExamples: wrong,
    leftoverWorkers, leftoverDirs, activeResourcesAfter: resources, baseline,
    after: { rssMiB: rssMiB(), fds: fds() }, samples,
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const calls = Number(process.argv[2] ?? 200_000);
  console.log(`soak: ${calls} calls, 64 callers, pool of 4, 1% segfaults, 0.5% hangs past a 200 ms timeout, a worker SIGKILLed every 250 ms`);
  const report = await soak({ calls, log: (line) => console.log(`  ${line}`) });
  console.log(JSON.stringify(report, null, 2));
  const ok = report.settled === calls && report.wrong === 0 && report.settledTwice === 0 && report.leftoverWorkers.length === 0 && report.leftoverDirs.length === 0;
  console.log(ok ? 'soak passed: every call settled exactly once with the right outcome; nothing left behind' : 'soak FAILED');
  process.exit(ok ? 0 : 1);
}
