#!/usr/bin/env node
// The peer comparison: process-sandbox (through the bench's generated IBench client) against
// workerpool, jest-worker, tinypool and worker-farm, each in its process (child_process) mode,
// measured the same way in the same run. run.mjs calls measurePeers() last and prints
// formatPeers(); `node bench/peers.mjs` runs it alone (after building the client).
// SANDBOX_BENCH_PEERS=0 skips it. It reports and never judges; see bench/README.md, "Peers".
import { spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { PEERS, TRAITS, describe, openPeer, toBytes } from './peers/adapters.mjs';
import { pinnableCpu, runJsonChild } from './pinned-child.mjs';
import { median, sleep, waitUntil } from './stats.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const MiB = 1024 * 1024;
const SETTLE_MS = 150;

export const peersEnabled = () => process.env.SANDBOX_BENCH_PEERS !== '0';

/** 1. Sequential add(1, 2) on a pool of 1, `runs` fresh processes per peer, the order reversed every run. */
async function measureLatency({ runs, warmup, calls }) {
  const pinnedTo = pinnableCpu();
  const each = Object.fromEntries(PEERS.map((name) => [name, []]));
  for (let run = 0; run < runs; run++) {
    const order = run % 2 === 0 ? PEERS : [...PEERS].reverse();
    for (const name of order) {
      const args = [name, '--warmup', String(warmup), '--calls', String(calls)];
      each[name].push(await runJsonChild(here('./peers/latency-child.mjs'), args, pinnedTo, `latency of ${name}`));
    }
  }
  const perPeer = Object.fromEntries(PEERS.map((name) => [name, {
    p50Us: median(each[name].map((r) => r.p50Us)),
    p99Us: median(each[name].map((r) => r.p99Us)),
    runs: each[name],
  }]));
  return { pinnedWith: pinnedTo === null ? null : `taskset -c ${pinnedTo}`, runs, warmup, calls, perPeer };
}

/**
 * 2. Echo of `sizeMiB` random bytes on a pool of 1: each peer with its default serialization and,
 * where it lets one choose Node IPC's serialization, with 'advanced' too. One warm-up, then
 * rounds until `maxRounds`, or until `budgetMs` has gone after `minRounds`. The first reply is
 * compared byte for byte; the conversion of a json reply back to bytes is timed with the call.
 */
async function measureEcho({ sizeMiB, slowSizeMiB, minRounds, maxRounds, budgetMs }) {
  const sides = [
    ['process-sandbox', undefined, sizeMiB],
    ['workerpool', undefined, sizeMiB],
    ['workerpool', 'advanced', sizeMiB],
    ['jest-worker', undefined, sizeMiB],
    // Tinypool's json path turns a Buffer into an object with one key per byte: a 16 MiB round
    // trip takes tens of seconds, so its default is measured on a smaller payload.
    ['tinypool', undefined, slowSizeMiB],
    ['tinypool', 'advanced', sizeMiB],
    ['worker-farm', undefined, sizeMiB],
    ['worker-farm', 'advanced', sizeMiB],
  ];
  const payloads = new Map();
  const out = [];
  for (const [name, serialization, size] of sides) {
    if (!payloads.has(size)) payloads.set(size, randomFillSync(Buffer.allocUnsafe(size * MiB)));
    const data = payloads.get(size);
    const peer = await openPeer(name, { workers: 1, serialization });
    try {
      const first = await peer.echo(data);
      const arrivesAs = name === 'tinypool' && serialization === undefined ? 'object with one key per byte (json)' : describe(first);
      const bytes = name === 'tinypool' && serialization === undefined ? Uint8Array.from(Object.values(first)) : toBytes(first);
      if (Buffer.compare(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), data) !== 0) throw new Error(`${name}'s echo returned different bytes`);
      const echo = name === 'tinypool' && serialization === undefined
        ? async (d) => Uint8Array.from(Object.values(await peer.echo(d)))
        : async (d) => toBytes(await peer.echo(d));
      const times = [];
      const started = performance.now();
      while (times.length < maxRounds && (times.length < minRounds || performance.now() - started < budgetMs)) {
        const start = performance.now();
        const reply = await echo(data);
        times.push(performance.now() - start);
        if (reply.length !== data.length) throw new Error(`${name}'s echo returned ${reply.length} bytes instead of ${data.length}`);
      }
      out.push({
        peer: name,
        serialization: serialization ?? 'default',
        carries: serialization === undefined ? TRAITS[name].serialization : `Node IPC, ${serialization} (set through the peer's fork options)`,
        arrivesAs,
        sizeMiB: size,
        rounds: times.length,
        medianMs: median(times),
        mibPerSecond: size / (median(times) / 1000),
        eachMs: times,
      });
    } finally {
      await peer.close();
    }
  }
  return out;
}

/** Waits until a peer's pool has nothing starting (process-sandbox says so; the others get SETTLE_MS). */
async function settle(peer) {
  await sleep(SETTLE_MS);
  if (peer.settled !== undefined && !await waitUntil(peer.settled, 10_000)) throw new Error('the pool did not settle within 10 s');
}

/** 3a. crash() (process.exit(1) in the worker) → error, and error → the next add()'s result. */
async function measureCrash({ workers, rounds }) {
  const out = {};
  for (const name of PEERS) {
    const peer = await openPeer(name, { workers });
    try {
      if (await peer.add(1, 2) !== 3) throw new Error(`${name}'s add(1, 2) is wrong`);
      const crashToError = [];
      const errorToNext = [];
      for (let i = 0; i < rounds; i++) {
        await settle(peer);
        await peer.add(1, 2);
        const start = performance.now();
        let failedAt;
        try {
          await peer.crash();
          throw new Error(`${name}'s crash() returned`);
        } catch (error) {
          if (/crash\(\) returned/.test(error?.message)) throw error;
          failedAt = performance.now();
        }
        if (await peer.add(1, 2) !== 3) throw new Error(`${name}'s add(1, 2) after a crash is wrong`);
        crashToError.push(failedAt - start);
        errorToNext.push(performance.now() - failedAt);
      }
      out[name] = { crashToErrorMs: median(crashToError), errorToNextMs: median(errorToNext), eachErrorToNextMs: errorToNext };
    } finally {
      await peer.close();
    }
  }
  return out;
}

/** Whether pid is a live process (a zombie counts as dead: it runs nothing), and its state. */
function processState(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const state = /^State:\s*(\S)/m.exec(status)?.[1] ?? '?';
    const ppid = Number(/^PPid:\s*(\d+)/m.exec(status)?.[1]);
    return { alive: state !== 'Z' && state !== 'X', state, ppid };
  } catch {
    return { alive: false, state: 'gone', ppid: null };
  }
}

/** Milliseconds from `since` until pid is dead, polled every 2 ms, or null if still alive after limitMs. */
async function timeUntilDead(pid, since, limitMs) {
  while (processState(pid).alive) {
    if (performance.now() - since > limitMs) return null;
    await sleep(2);
  }
  return performance.now() - since;
}

/** The pid that is running spin(): process-sandbox says which worker is busy; the others have one worker. */
async function busyPid(peer, pidBefore) {
  if (peer.settled === undefined) return pidBefore;
  let pid;
  await waitUntil(() => {
    pid = peer.stats().workers.find((w) => w.state === 'busy')?.pid;
    return pid !== undefined;
  }, 1000);
  return pid;
}

/** 3b. A for(;;){} call past its per-call timeout: timeout → next add() result, and → the process gone. */
async function measureTimeout({ sides, callTimeoutMs, rounds, deathLimitMs }) {
  const out = [];
  for (const [name, workers] of sides) {
    if (TRAITS[name].timeout === null) {
      out.push({ peer: name, workers, supported: false });
      continue;
    }
    const peer = await openPeer(name, { workers, callTimeoutMs });
    try {
      const errorToNext = [];
      const errorToDead = [];
      let errorName;
      for (let i = 0; i < rounds; i++) {
        await settle(peer);
        const [pidBefore] = workers === 1 ? await peer.pids() : [undefined];
        const spinning = peer.spin();
        const pid = await busyPid(peer, pidBefore);
        let failedAt;
        try {
          await spinning;
          throw new Error(`${name}'s spin() returned`);
        } catch (error) {
          if (/spin\(\) returned/.test(error?.message)) throw error;
          failedAt = performance.now();
          errorName = error?.name;
        }
        const dead = pid === undefined ? Promise.resolve(undefined) : timeUntilDead(pid, failedAt, deathLimitMs);
        if (await peer.add(1, 2) !== 3) throw new Error(`${name}'s add(1, 2) after a timeout is wrong`);
        errorToNext.push(performance.now() - failedAt);
        const deadAfter = await dead;
        if (deadAfter === null) {
          errorToDead.push(Infinity);
          try { process.kill(pid, 'SIGKILL'); } catch { /* gone meanwhile */ }
        } else if (deadAfter !== undefined) {
          errorToDead.push(deadAfter);
        }
      }
      out.push({
        peer: name,
        workers,
        supported: true,
        how: TRAITS[name].timeout,
        callTimeoutMs,
        errorName,
        errorToNextMs: median(errorToNext),
        errorToDeadMs: errorToDead.length > 0 ? median(errorToDead) : null,
        deathLimitMs,
        eachErrorToNextMs: errorToNext,
        eachErrorToDeadMs: errorToDead,
      });
    } finally {
      await peer.close();
    }
  }
  return out;
}

/** Starts peers/orphan-parent.mjs for a peer and resolves with the busy worker's pid and the parent. */
function startOrphanParent(name) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [here('./peers/orphan-parent.mjs'), name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${name}'s orphan parent printed nothing within 10 s`)); }, 10_000);
    child.stdout.setEncoding('utf8').on('data', (text) => {
      out += text;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        // The worker may hold this pipe open after the parent is gone: stop reading it.
        child.stdout.destroy();
        resolve({ parent: child, busyPid: JSON.parse(line).busyPid });
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (!out.includes('\n')) { clearTimeout(timer); reject(new Error(`${name}'s orphan parent exited (${signal ?? code}) before printing`)); }
    });
  });
}

/** 4. SIGKILL a parent whose one worker is in for(;;){}, wait `waitMs`, and look at the worker. */
async function measureOrphans({ waitMs }) {
  const started = await Promise.all(PEERS.map(async (name) => {
    try {
      return { name, ...await startOrphanParent(name) };
    } catch (error) {
      return { name, error: error.message };
    }
  }));
  for (const s of started) if (s.parent !== undefined) s.parent.kill('SIGKILL');
  await sleep(waitMs);
  const out = {};
  for (const s of started) {
    if (s.error !== undefined) {
      out[s.name] = { error: s.error };
      continue;
    }
    const state = processState(s.busyPid);
    out[s.name] = { busyPid: s.busyPid, aliveAfterMs: waitMs, alive: state.alive, state: state.state, ppid: state.ppid };
    // A survivor is this bench's own leftover: end it.
    if (state.alive) { try { process.kill(s.busyPid, 'SIGKILL'); } catch { /* gone meanwhile */ } }
  }
  return out;
}

/** Every part; a part that cannot run is reported in `errors` and the rest go on. */
export async function measurePeers() {
  const result = { loadAverage1mAtStart: loadavg()[0], errors: {} };
  const started = performance.now();
  const parts = [
    ['latency', () => measureLatency({ runs: 2, warmup: 2000, calls: 10_000 })],
    ['echo', () => measureEcho({ sizeMiB: 16, slowSizeMiB: 1, minRounds: 2, maxRounds: 5, budgetMs: 1000 })],
    ['crashPoolOf1', () => measureCrash({ workers: 1, rounds: 4 })],
    ['crashPoolOf2', () => measureCrash({ workers: 2, rounds: 4 })],
    ['timeout', () => measureTimeout({
      sides: [...PEERS.map((name) => [name, 1]), ['process-sandbox', 2]],
      callTimeoutMs: 100,
      rounds: 3,
      deathLimitMs: 5000,
    })],
    ['orphans', () => measureOrphans({ waitMs: 2000 })],
  ];
  for (const [key, measure] of parts) {
    const t = performance.now();
    process.stderr.write(`bench: peers, ${key}…`);
    try {
      result[key] = await measure();
      process.stderr.write(` ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    } catch (error) {
      result.errors[key] = error.message;
      process.stderr.write(` failed: ${error.stack ?? error}\n`);
    }
  }
  result.loadAverage1mAtEnd = loadavg()[0];
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

const ms = (v) => (v === null || v === undefined ? '–' : !Number.isFinite(v) ? 'never' : v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
const us = (v) => `${v.toFixed(1)} µs`;

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => String(row[i]).length)));
  const line = (row) => row.map((cell, i) => String(cell).padEnd(widths[i])).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
}

/** The peer tables, from measurePeers()'s result. */
export function formatPeers(r) {
  const missing = (key) => `could not run: ${r.errors[key] ?? 'skipped'}`;
  const lines = [
    `Peers, each in its process (child_process) mode, measured in this run (${r.seconds.toFixed(0)} s; load average ${r.loadAverage1mAtStart.toFixed(2)} at the start, ${r.loadAverage1mAtEnd.toFixed(2)} at the end)`,
  ];
  const l = r.latency;
  lines.push(`  add(1, 2): sequential, pool of 1, ${l === undefined ? '' : `${l.pinnedWith === null ? 'NOT pinned' : `pinned with ${l.pinnedWith}`}, ${l.warmup} warm-up + ${l.calls} calls, median of ${l.runs} runs (fresh processes)`}`);
  lines.push('  crash: the worker calls process.exit(1); "2 procs" = process-sandbox min 1 / max 2 (1 spare), the peers 2 workers started up front');
  lines.push('  timeout: spin() in for(;;){} with a 100 ms per-call timeout, pool of 1; "dies" = timeout error → pid gone from /proc (or a zombie)');
  lines.push('  orphan: parent SIGKILLed while its one worker spins; the worker looked at 2 s later');
  lines.push('');
  const timeoutOf = (name, workers) => r.timeout?.find((t) => t.peer === name && t.workers === workers);
  const rows = [['peer', 'add p50 / p99', 'crash → next result (1 / 2 procs)', 'timeout → next result', 'timed-out process dies', 'orphan after parent SIGKILL']];
  for (const name of PEERS) {
    const lat = l?.perPeer[name];
    const c1 = r.crashPoolOf1?.[name];
    const c2 = r.crashPoolOf2?.[name];
    const t = timeoutOf(name, 1);
    const o = r.orphans?.[name];
    rows.push([
      name,
      lat === undefined ? missing('latency') : `${us(lat.p50Us)} / ${us(lat.p99Us)}`,
      c1 === undefined && c2 === undefined ? missing('crashPoolOf1') : `${ms(c1?.errorToNextMs)} / ${ms(c2?.errorToNextMs)}`,
      t === undefined ? missing('timeout') : t.supported ? ms(t.errorToNextMs) : 'no per-call timeout',
      t === undefined || !t.supported ? '' : t.errorToDeadMs === null ? 'pid not known' : ms(t.errorToDeadMs),
      o === undefined ? missing('orphans') : o.error !== undefined ? `could not run: ${o.error}` : o.alive ? `ALIVE (state ${o.state}, parent pid ${o.ppid})` : 'dead',
    ]);
  }
  const t2 = timeoutOf('process-sandbox', 2);
  if (t2?.supported) rows.push(['  same, min 1 / max 2', '', '', ms(t2.errorToNextMs), ms(t2.errorToDeadMs), '']);
  lines.push(...table(rows), '');
  if (r.echo === undefined) {
    lines.push(`Echo: ${missing('echo')}`);
  } else {
    const echoRows = [['echo, pool of 1', 'payload', 'MiB/s (size ÷ round trip)', 'median round trip', 'how the bytes travel', 'reply arrives as']];
    for (const e of r.echo) {
      echoRows.push([
        e.serialization === 'default' ? e.peer : `  ${e.peer}, serialization: '${e.serialization}'`,
        `${e.sizeMiB} MiB`,
        `${e.mibPerSecond >= 10 ? Math.round(e.mibPerSecond) : e.mibPerSecond.toFixed(2)} MiB/s`,
        `${ms(e.medianMs)} (${e.rounds} rounds)`,
        e.carries,
        e.arrivesAs,
      ]);
    }
    lines.push(...table(echoRows));
  }
  for (const [key, message] of Object.entries(r.errors)) lines.push(`  peers ${key}: could not run: ${message}`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!peersEnabled()) {
    process.stderr.write('bench: peers skipped (SANDBOX_BENCH_PEERS=0)\n');
  } else {
    const { prepare } = await import('./prepare.mjs');
    prepare();
    const result = await measurePeers();
    process.stdout.write(`\n${formatPeers(result)}\n`);
    process.exitCode = Object.keys(result.errors).length > 0 ? 1 : 0;
  }
}
