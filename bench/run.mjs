#!/usr/bin/env node
// `npm run bench`: builds the IBench client with sandbox-gen, measures the figures described in
// bench/README.md, prints them as tables and writes bench/results/latest.json. It reports; it
// does not judge: exit 1 only when one of process-sandbox's own measurements could not run at all
// (a peer's failure is shown in its cell), 2 for bad arguments.
//
//   node bench/run.mjs [--warmup 2000] [--calls 20000] [--latency-runs 5] [--rounds N]
//                      [--only latency,echo,peers.stall,...] [--peers process-sandbox,worker-farm]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { PEERS } from './peers/adapters.mjs';
import { PEER_PARTS, formatPeers, measurePeers, peersEnabled } from './peers.mjs';
import { prepare } from './prepare.mjs';
import { pinnableCpu, runJsonChild } from './pinned-child.mjs';
import { median } from './stats.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const MAIN_SECTIONS = ['latency', 'diagnostics', 'throughput', 'echo', 'crash', 'recycling', 'confined'];

const badArgument = (message) => {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
};
let options;
try {
  ({ values: options } = parseArgs({
    options: {
      warmup: { type: 'string', default: '2000' },
      calls: { type: 'string', default: '20000' },
      'latency-runs': { type: 'string', default: '5' },
      // Every measurement's rounds at once, for quick runs while developing.
      rounds: { type: 'string' },
      // Only these rows: main sections by name, `peers` for every peer part, `peers.<part>` for one.
      only: { type: 'string', multiple: true },
      // Only these sides in the peer parts (process-sandbox is always one).
      peers: { type: 'string' },
    },
  }));
} catch (error) {
  badArgument(error.message);
}
for (const name of ['warmup', 'calls', 'latency-runs', 'rounds']) {
  if (options[name] === undefined) continue;
  const value = Number(options[name]);
  if (!Number.isInteger(value) || value < 1) badArgument(`--${name} must be a whole number of at least 1, got ${JSON.stringify(options[name])}`);
}
const only = options.only?.flatMap((list) => list.split(',')).map((key) => key.trim()).filter((key) => key !== '');
const known = [...MAIN_SECTIONS, 'peers', ...PEER_PARTS.map((part) => `peers.${part}`)];
for (const key of only ?? []) if (!known.includes(key)) badArgument(`--only: no row "${key}"; the rows are ${known.join(', ')}`);
const selected = (key) => only === undefined || only.includes(key) || (key.startsWith('peers.') && only.includes('peers'));
const rounds = options.rounds === undefined ? undefined : Number(options.rounds);
const chosenPeers = options.peers?.split(',').map((name) => name.trim());
for (const name of chosenPeers ?? []) if (!PEERS.includes(name)) badArgument(`--peers: no peer "${name}"; the peers are ${PEERS.join(', ')}`);

/**
 * Rows 1 and 2, from several runs of latency.mjs, each a fresh process with a fresh floor child
 * and worker: on a shared machine one run's figures can sit ±10% from the next run's as a whole
 * (where the processes landed, what else ran), which alternating blocks within a run cannot
 * cancel. Each figure is the median over the runs; every run is kept in the JSON.
 */
async function runLatency(runs) {
  const cpu = pinnableCpu();
  const pinned = cpu !== null;
  const all = [];
  for (let i = 0; i < runs; i++) {
    all.push(await runJsonChild(here('./latency.mjs'), ['--warmup', options.warmup, '--calls', options.calls], cpu, 'latency.mjs', { timeoutMs: 300_000 }));
  }
  const pick = (side, field) => median(all.map((r) => r[side][field]));
  const ratios = (field) => all.map((r) => r.client[field] / r.floor[field]);
  return {
    pinned,
    pinnedWith: pinned ? `taskset -c ${cpu}` : null,
    allowedCpus: all[0].allowedCpus,
    runs: all.length,
    callsPerRun: Number(options.calls),
    floor: { p50Us: pick('floor', 'p50Us'), p99Us: pick('floor', 'p99Us'), meanUs: pick('floor', 'meanUs') },
    client: { p50Us: pick('client', 'p50Us'), p99Us: pick('client', 'p99Us'), meanUs: pick('client', 'meanUs') },
    p50Ratio: { median: median(ratios('p50Us')), min: Math.min(...ratios('p50Us')), max: Math.max(...ratios('p50Us')) },
    p99Ratio: { median: median(ratios('p99Us')), min: Math.min(...ratios('p99Us')), max: Math.max(...ratios('p99Us')) },
    each: all,
  };
}

/**
 * Row 9, in one run of diagnostics.mjs, pinned as rows 1–2 are: the small call with and without
 * subscribers of process-sandbox:call, taking turns on one worker, and in process what the
 * instrumentation adds to every call when nobody subscribes.
 */
async function runDiagnostics() {
  const cpu = pinnableCpu();
  const args = ['--warmup', options.warmup, '--calls', options.calls, ...(rounds === undefined ? [] : ['--rounds', String(rounds)])];
  const run = await runJsonChild(here('./diagnostics.mjs'), args, cpu, 'diagnostics.mjs', { timeoutMs: 300_000 });
  return { pinned: cpu !== null, pinnedWith: cpu === null ? null : `taskset -c ${cpu}`, ...run };
}

/** The commit measured, and whether the runtime differs from it: figures belong to a version. */
function revision() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: here('..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return { commit: git('rev-parse', '--short', 'HEAD'), runtimeModified: git('status', '--porcelain', '--', 'runtime', 'worker-template').length > 0 };
  } catch {
    return null;
  }
}

const results = {
  date: new Date().toISOString(),
  revision: revision(),
  environment: {
    node: process.version,
    platform: platform(),
    arch: arch(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: cpus().length,
    nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS !== undefined,
    loadAverage1m: loadavg()[0],
  },
  errors: {},
};

try {
  prepare();
} catch (error) {
  process.stderr.write(`bench: cannot build the IBench client: ${error.message}\n`);
  process.exit(1);
}

// Imported only now: they load the client that prepare() has just compiled.
const { measureThroughput } = await import('./throughput.mjs');
const { measureEcho } = await import('./echo.mjs');
const { measureCrashRecovery } = await import('./lifecycle.mjs');

// [section, which --only key selects it, title, measure]
const sections = [
  ['latency', 'latency', 'latency (rows 1, 2)', () => runLatency(Number(options['latency-runs']))],
  ['diagnostics', 'diagnostics', 'diagnostics_channel and histograms (row 9)', runDiagnostics],
  ['throughput', 'throughput', 'throughput (row 3)', () => measureThroughput({ inFlight: 64, warmup: 5000, calls: 40_000, rounds: rounds ?? 3 })],
  ['echo', 'echo', '16 MiB echo (row 4)', () => measureEcho({ sizeMiB: 16, warmup: 3, rounds: rounds ?? 20 })],
  ['crash', 'crash', 'crash recovery (row 5)', () => measureCrashRecovery({ rounds: rounds ?? 5 })],
  ['crashNoSpare', 'crash', 'crash recovery without a spare (row 5)', async () => {
    // Only where the runtime has spare workers: the same measurement with none shows what they buy.
    if (!(results.crash?.spareWorkers > 0)) return undefined;
    return measureCrashRecovery({ rounds: rounds ?? 5, options: { spareWorkers: 0 } });
  }],
  // Unpinned, in a fresh process: 150,000 calls a side, several seconds, so that the recycles are paced (recycle-policy.ts) as a service's would be.
  ['recycling', 'recycling', 'recycling at the defaults (row 2′)', () => runJsonChild(here('./recycling.mjs'), ['--warmup', options.warmup], null, 'recycling.mjs', { timeoutMs: 300_000 })],
  // Linux only (elsewhere confine fails closed): start and small call, confine: {} against none.
  // Its starts unpinned (as row 5′), its small calls pinned (as rows 1–2).
  ['confined', 'confined', 'confinement (row 8)', async () => {
    if (platform() !== 'linux') return undefined;
    const start = await runJsonChild(here('./confined.mjs'), ['--part', 'start', ...(rounds === undefined ? [] : ['--rounds', String(rounds)])], null, 'confined.mjs', { timeoutMs: 300_000 });
    const cpu = pinnableCpu();
    const latency = await runJsonChild(here('./confined.mjs'), ['--part', 'latency'], cpu, 'confined.mjs', { timeoutMs: 300_000 });
    return { ...start, ...latency, latencyPinnedWith: cpu === null ? null : `taskset -c ${cpu}` };
  }],
];
for (const [key, selector, title, measure] of sections) {
  if (!selected(selector)) continue;
  const started = performance.now();
  process.stderr.write(`bench: ${title}…`);
  try {
    const value = await measure();
    if (value !== undefined) results[key] = value;
    process.stderr.write(` ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    results.errors[key] = error.message;
    process.stderr.write(` failed: ${error.stack ?? error}\n`);
  }
}
results.options = { warmup: Number(options.warmup), calls: Number(options.calls), latencyRuns: Number(options['latency-runs']), rounds: rounds ?? null, only: only ?? null };

// Last, so that the peers' processes cannot disturb rows 1–5: the same claims measured on
// workerpool, jest-worker, tinypool and worker-farm (bench/peers.mjs). With SANDBOX_BENCH_PEERS=0
// only process-sandbox's side of each runs (the main table takes rows 5′–7 from it).
const peerParts = PEER_PARTS.filter((part) => selected(`peers.${part}`));
if (peerParts.length > 0) {
  if (!peersEnabled()) process.stderr.write('bench: peers skipped (SANDBOX_BENCH_PEERS=0): process-sandbox\'s side of each comparison alone\n');
  const sides = chosenPeers === undefined ? undefined : ['process-sandbox', ...chosenPeers.filter((name) => name !== 'process-sandbox')];
  results.peers = await measurePeers({ sides, parts: peerParts, rounds, warmup: Number(options.warmup) });
  for (const [key, message] of Object.entries(results.peers.errors)) results.errors[`peers.${key}`] = message;
  // process-sandbox's own side failing is our measurement failing; a peer's is that peer's figure.
  for (const f of results.peers.failures) if (f.side === 'process-sandbox') results.errors[`peers.${f.part}`] = f.reason;
}
results.environment.loadAverage1mAtEnd = loadavg()[0];

const { formatReport } = await import('./report.mjs');
process.stdout.write(`\n${formatReport(results)}\n`);
if (results.peers !== undefined) process.stdout.write(`${formatPeers(results.peers)}\n`);
mkdirSync(here('./results'), { recursive: true });
// A run of some rows (--only, --peers) does not replace the last full run, which readme-table.mjs reads.
const file = only === undefined && options.peers === undefined && options.rounds === undefined ? 'latest.json' : 'partial.json';
writeFileSync(here(`./results/${file}`), `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`Results written to bench/results/${file}\n`);
process.exitCode = Object.keys(results.errors).length > 0 ? 1 : 0;
