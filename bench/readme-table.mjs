#!/usr/bin/env node
// Prints the "How it compares" section, a Markdown table of process-sandbox against each peer,
// from bench/results/latest.json (npm run bench writes it); with --write FILE it replaces the text
// between the markers below in FILE instead. It reads figures, never measures.
//
//   node bench/readme-table.mjs [--results bench/results/latest.json] [--write README.md]
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { mibPerSecond, ms, perSecond, us } from './format.mjs';
import { coldStartMs, sandboxShape } from './peers/compare.mjs';

const BEGIN = '<!-- bench:compare:begin -->';
const END = '<!-- bench:compare:end -->';
const PEERS = ['workerpool', 'jest-worker', 'tinypool', 'worker-farm'];
const SANDBOX = 'process-sandbox';

const fail = (code, message) => {
  process.stderr.write(`readme-table: ${message}\n`);
  process.exit(code);
};

let values;
try {
  ({ values } = parseArgs({ options: { results: { type: 'string', default: fileURLToPath(new URL('./results/latest.json', import.meta.url)) }, write: { type: 'string' } } }));
} catch (error) {
  fail(2, error.message);
}
let r;
try {
  r = JSON.parse(readFileSync(values.results, 'utf8'));
} catch (error) {
  fail(1, `cannot read ${values.results} (npm run bench writes it): ${error.message}`);
}
const p = r.peers ?? {};

const cell = (v) => (v === undefined ? '–' : v);
const failed = (v) => v?.failed !== undefined;
const failedText = (v) => `failed: ${v.failed}`;

/** A row: the figure, process-sandbox's cell, then each peer's; `of(side)` gives a cell or undefined. */
const row = (figure, of) => `| ${figure} | ${[SANDBOX, ...PEERS].map((side) => cell(of(side))).join(' | ')} |`;

function latencyCell(side) {
  const v = p.latency?.perPeer?.[side];
  if (v === undefined) return undefined;
  return failed(v) ? failedText(v) : `${us(v.p50Us)} / ${us(v.p99Us)}`;
}

function throughputCell(side) {
  if (side !== SANDBOX || r.throughput === undefined) return side === SANDBOX ? undefined : 'not measured';
  return perSecond(r.throughput.client.callsPerSecond);
}

function echoCell(side) {
  const mine = (p.echo ?? []).filter((e) => e.peer === side);
  if (mine.length === 0) return undefined;
  return mine.map((e) => {
    const how = e.serialization === 'default' ? '' : `${e.serialization}: `;
    const size = e.sizeMiB === 16 ? '' : ` (${e.sizeMiB} MiB)`;
    return failed(e) ? `${how}${failedText(e)}` : `${how}${mibPerSecond(e.mibPerSecond)}${size}`;
  }).join('; ');
}

function coldStartCell(variant) {
  return (side) => {
    const v = p.coldStart?.[variant]?.[side];
    if (v === undefined) return undefined;
    return failed(v) ? failedText(v) : ms(v.medianMs);
  };
}

/** A pool-of-2 figure: process-sandbox's two shapes, each peer's two processes. */
function poolOf2Cell(part) {
  return (side) => {
    const shapes = p[part];
    if (shapes === undefined) return undefined;
    if (side === SANDBOX) {
      return [1, 2].map((min) => {
        const s = sandboxShape(shapes, 2, min);
        return s === undefined ? undefined : `${failed(s) ? failedText(s) : ms(s.errorToNextMs)} (min ${min})`;
      }).filter((text) => text !== undefined).join(', ');
    }
    const s = shapes.find((o) => o.peer === side && o.workers === 2);
    if (s === undefined) return undefined;
    if (s.supported === false) return 'no per-call timeout';
    return failed(s) ? failedText(s) : ms(s.errorToNextMs);
  };
}

function stallCell(label) {
  return (side) => {
    const v = p.stall?.find((h) => h.label === label)?.perPeer?.[side];
    if (v === undefined) return undefined;
    return failed(v) ? failedText(v) : `${ms(v.crash.medianMaxStallMs)} (busy ${ms(v.crash.medianMaxBusyStallMs)})`;
  };
}

function recyclingCell(side) {
  if (side !== SANDBOX) return 'does not recycle by default';
  const d = r.recycling;
  if (d === undefined) return undefined;
  return `mean ${us(d.defaults.meanUs)}, max ${ms(d.defaults.maxUs / 1000)} (off: ${us(d.off.meanUs)}, ${ms(d.off.maxUs / 1000)}); ${d.defaults.recycles} recycles`;
}

function orphanCell(side) {
  const v = p.orphans?.[side];
  if (v === undefined) return undefined;
  return failed(v) ? failedText(v) : v.alive ? '**still running**' : 'dead';
}

const env = r.environment;
const commit = r.revision === null ? 'unknown commit' : `commit ${r.revision.commit}${r.revision.runtimeModified ? ' (with uncommitted runtime changes)' : ''}`;
const bare = (variant) => coldStartMs(p.coldStart, variant, 'bareNode');
const bareText = [['asIs', ''], ['withoutExtraCaCerts', ' without NODE_EXTRA_CA_CERTS']]
  .filter(([variant]) => bare(variant) !== undefined).map(([variant, how]) => `${ms(bare(variant))}${how}`).join(', ');
const lines = [
  '## How it compares',
  '',
  `Measured by \`npm run bench\` on ${env.cpuModel} × ${env.cpus}, Node ${env.node} on ${env.platform} ${env.arch}, ${commit}, ${r.date.slice(0, 10)};`
    + ` load average ${env.loadAverage1m.toFixed(2)} at the start and ${env.loadAverage1mAtEnd?.toFixed(2) ?? '?'} at the end. Each peer runs in its process (child_process) mode;`
    + ' [bench/README.md](bench/README.md) says how each figure is measured. Lower is better except for throughput and echo.',
  '',
  `| | ${[SANDBOX, ...PEERS].join(' | ')} |`,
  `|---|${[SANDBOX, ...PEERS].map(() => '---').join('|')}|`,
  row('add(1, 2), pool of 1, pinned: p50 / p99', latencyCell),
  row('Throughput, pool of 2, 64 in flight', throughputCell),
  row('16 MiB echo, warm', echoCell),
  row(`Cold start: pool of 1 → first result (\`node -e 0\`: ${bareText || '–'})`, coldStartCell('asIs')),
  row('Cold start without NODE_EXTRA_CA_CERTS', coldStartCell('withoutExtraCaCerts')),
  row('Crash → next result, pool of 2', poolOf2Cell('crash')),
  row('Timeout → next result, pool of 2', poolOf2Cell('timeout')),
  row('Event-loop stall per worker start, small heap', stallCell('small')),
  row('Event-loop stall per worker start, 1.5 GB heap', stallCell('1.5 GB')),
  row('Recycling at the defaults: sequential add()', recyclingCell),
  row('Worker after its parent is SIGKILLed', orphanCell),
  '',
  'Pool of 2: process-sandbox with minPoolSize 1 (the second worker is its spare) and 2, each peer with two workers started up front. Event-loop stall: the longest'
    + ' gap of the application\'s 1 ms timer while a crashed worker is replaced, median over the starts; "busy" is the part of it the application spent on CPU'
    + ' (the rest it waited for one). Echo: each peer\'s default first (Node\'s json IPC for workerpool, tinypool and worker-farm), then `serialization: \'advanced\'`'
    + ' where the peer lets one choose it.',
];
const section = lines.join('\n');

if (values.write === undefined) {
  process.stdout.write(`${section}\n`);
} else {
  let text;
  try {
    text = readFileSync(values.write, 'utf8');
  } catch (error) {
    fail(1, `cannot read ${values.write}: ${error.message}`);
  }
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin === -1 || end === -1 || end < begin) {
    fail(1, `${values.write} has no ${BEGIN} … ${END} markers (both, in that order) around the section to replace; add them where the section belongs`);
  }
  writeFileSync(values.write, `${text.slice(0, begin + BEGIN.length)}\n${section}\n${text.slice(end)}`);
  process.stdout.write(`readme-table: wrote the comparison into ${values.write}\n`);
}
