// The peers' tables, from measurePeers()'s result (bench/peers.mjs). Formatting only.
import { failedCell, mibPerSecond, ms, ratio, table, us } from '../format.mjs';
import { bestPeer, coldStartFigures, peerFigures, shapeLabel, stallFigures } from './compare.mjs';

const SANDBOX = 'process-sandbox';

/** "× best peer" for process-sandbox's figure against the peers' figures of the same kind. */
function againstBest(value, figures) {
  const best = bestPeer(figures);
  if (typeof value !== 'number' || best === undefined) return '';
  return `${ratio(value / best.value)} (${best.peer})`;
}

/** add() latency and orphans, one row per side. */
function latencyTable(r) {
  const l = r.latency;
  const lines = l === undefined ? [] : [`add(1, 2), sequential, pool of 1, ${l.pinnedWith === null ? 'NOT pinned' : `pinned with ${l.pinnedWith}`}: the first call of a fresh pool, then ${l.warmup} warm-up + ${l.calls} timed calls (warm), median of ${l.runs} runs (fresh processes)`];
  const o = r.orphans;
  const rows = [['peer', 'first call', 'warm p50 / p99', 'orphan after parent SIGKILL (worker looked at 2 s later)']];
  for (const name of r.sides) {
    const lat = l?.perPeer[name];
    const orphan = o?.[name];
    rows.push([
      name,
      lat === undefined ? 'not measured' : lat.failed !== undefined ? failedCell(lat.failed) : ms(lat.firstCallMs),
      lat === undefined || lat.failed !== undefined ? '' : `${us(lat.p50Us)} / ${us(lat.p99Us)}`,
      orphan === undefined ? 'not measured' : orphan.failed !== undefined ? failedCell(orphan.failed) : orphan.alive ? `ALIVE (state ${orphan.state}, parent pid ${orphan.ppid})` : 'dead',
    ]);
  }
  return [...lines, ...table(rows)];
}

function coldStartTable(c) {
  const variants = [['asIs', 'environment as it is'], ...(c.withoutExtraCaCerts === undefined ? [] : [['withoutExtraCaCerts', 'without NODE_EXTRA_CA_CERTS']])];
  const lines = [
    `Cold start: a fresh process that has imported the library creates a pool of 1 and gets add(1, 2)'s answer; median of ${c.rounds} rounds, a process each, the sides in turn.`,
    '  "over node -e 0" is the figure minus a bare `node -e 0` spawned and exited in the same rounds; the workers get the application\'s environment, explicitly.',
  ];
  const header = ['peer'];
  for (const [, title] of variants) header.push(title, 'over node -e 0', '× best peer');
  const rows = [header];
  for (const name of ['bareNode', ...Object.keys(c.asIs).filter((k) => k !== 'bareNode')]) {
    const row = [name === 'bareNode' ? 'node -e 0' : name];
    for (const [key] of variants) {
      const v = c[key][name];
      const bare = c[key].bareNode?.medianMs;
      if (v.failed !== undefined) row.push(failedCell(v.failed), '', '');
      else if (name === 'bareNode') row.push(ms(v.medianMs), '', '');
      else row.push(ms(v.medianMs), bare === undefined ? '' : `+${ms(v.medianMs - bare)}`, name === SANDBOX ? againstBest(v.medianMs, coldStartFigures(c, key)) : '');
    }
    rows.push(row);
  }
  return [...lines, ...table(rows)];
}

function failuresTable(r) {
  const lines = [
    'Crash: the worker calls process.exit(1); the time from the call\'s error to the next add()\'s result. Timeout: spin() in for(;;){} with a 100 ms per-call timeout;',
    '  from the timeout error to the next result, and to the timed-out process gone from /proc (a zombie counts as gone). Two processes: the peers\' both started',
    '  up front; process-sandbox min 1 / max 2 (one started, the other its spare) and min 2 / max 2. "× best peer": process-sandbox ÷ the fastest peer on as many processes.',
  ];
  const rows = [['pool', 'crash → next result', '× best peer', 'timeout → next result', '× best peer', 'timed-out process dies']];
  const shapes = [...(r.crash ?? []), ...(r.timeout ?? [])]
    .map(({ peer, workers, minWorkers }) => ({ peer, workers, minWorkers }))
    .filter((s, i, all) => all.findIndex((o) => o.peer === s.peer && o.workers === s.workers && o.minWorkers === s.minWorkers) === i)
    .sort((a, b) => a.workers - b.workers);
  const find = (list, s) => list?.find((o) => o.peer === s.peer && o.workers === s.workers && o.minWorkers === s.minWorkers);
  for (const s of shapes) {
    const c = find(r.crash, s);
    const t = find(r.timeout, s);
    const crashCell = c === undefined ? 'not measured' : c.failed !== undefined ? failedCell(c.failed) : ms(c.errorToNextMs);
    let timeoutCell = 'not measured';
    let dies = '';
    if (t !== undefined && !t.supported) timeoutCell = 'no per-call timeout';
    else if (t?.failed !== undefined) timeoutCell = failedCell(t.failed);
    else if (t !== undefined) {
      timeoutCell = ms(t.errorToNextMs);
      dies = t.errorToDeadMs === undefined ? 'pid not known' : t.errorToDeadMs === null ? `still alive after ${t.deathLimitMs} ms` : ms(t.errorToDeadMs);
    }
    rows.push([
      shapeLabel(s),
      crashCell,
      s.peer === SANDBOX && c?.failed === undefined ? againstBest(c?.errorToNextMs, peerFigures(r.crash, s.workers, 'errorToNextMs')) : '',
      timeoutCell,
      s.peer === SANDBOX && t?.supported && t.failed === undefined ? againstBest(t.errorToNextMs, peerFigures(r.timeout, s.workers, 'errorToNextMs')) : '',
      dies,
    ]);
  }
  return [...lines, ...table(rows)];
}

function echoTable(e) {
  const rows = [['echo, pool of 1', 'payload', 'warm MiB/s (size ÷ round trip)', 'warm median round trip', 'first call', 'how the bytes travel', 'reply arrives as']];
  for (const s of e) {
    const label = s.serialization === 'default' ? s.peer : `  ${s.peer}, serialization: '${s.serialization}'`;
    if (s.failed !== undefined) {
      rows.push([label, `${s.sizeMiB} MiB`, failedCell(s.failed), '', '', s.carries, '']);
      continue;
    }
    rows.push([
      label,
      `${s.sizeMiB} MiB`,
      mibPerSecond(s.mibPerSecond),
      `${ms(s.medianMs)} (${s.warmupRounds} warm-up, ${s.rounds} rounds)`,
      ms(s.firstCallMs),
      s.carries,
      s.arrivesAs,
    ]);
  }
  return table(rows);
}

/** "median (worst w)" of a stall summary's field pair. */
const spread = (summary, med, worst) => `${ms(summary[med])} (worst ${ms(summary[worst])})`;

function stallTable(stall) {
  const lines = [
    'Event-loop stall per worker start: the longest gap of a 1 ms timer past its 1 ms, per start (median over the starts, and the worst); "busy" is the part the',
    '  application spent on CPU (the rest it waited for one: a worker booting on a 2-CPU machine takes one). Pools opened while the heap was small, then the heap grown;',
    '  "crash": the worker calls process.exit(1) and the pool replaces it; "recycle": processRecycleThreshold 5; "first pool after": every pool closed, a new one created;',
    '  "idle": windows as long as the crash windows with nothing starting, the floor of this machine\'s noise.',
  ];
  const rows = [['peer', 'heap: used / RSS', 'crash → replacement: max stall', 'busy', 'p99 stall', 'recycle: max stall', 'busy', 'first pool after: stall (busy)', 'idle: max stall (busy)']];
  for (const heap of stall) {
    const crashBest = stallFigures(heap, (v) => v.crash.medianMaxBusyStallMs);
    for (const [name, v] of Object.entries(heap.perPeer)) {
      if (v.failed !== undefined) {
        rows.push([name, heap.label, failedCell(v.failed)]);
        continue;
      }
      rows.push([
        name,
        `${heap.label}: ${Math.round(v.heapUsedMiB)} / ${Math.round(v.rssMiB)} MiB`,
        spread(v.crash, 'medianMaxStallMs', 'worstMaxStallMs'),
        `${spread(v.crash, 'medianMaxBusyStallMs', 'worstMaxBusyStallMs')}${name === SANDBOX ? ` ${againstBest(v.crash.medianMaxBusyStallMs, crashBest)}` : ''}`,
        ms(v.crash.p99StallMs),
        v.recycle === undefined ? '' : spread(v.recycle, 'medianMaxStallMs', 'worstMaxStallMs'),
        v.recycle === undefined ? '' : spread(v.recycle, 'medianMaxBusyStallMs', 'worstMaxBusyStallMs'),
        `${ms(v.lateCreate.maxStallMs)} (${ms(v.lateCreate.maxBusyStallMs)})`,
        `${ms(v.idle.medianMaxStallMs)} (${ms(v.idle.medianMaxBusyStallMs)})`,
      ]);
    }
  }
  return [...lines, ...table(rows)];
}

/** The peers' tables, from measurePeers()'s result. */
export function formatPeers(r) {
  const who = r.sides.length === 1 ? 'process-sandbox\'s side alone (SANDBOX_BENCH_PEERS=0)' : `peers, each in its process (child_process) mode`;
  const lines = [`Comparison, ${who}, measured in this run (${r.seconds.toFixed(0)} s; load average ${r.loadAverage1mAtStart.toFixed(2)} at the start, ${r.loadAverage1mAtEnd.toFixed(2)} at the end)`, ''];
  // Each table, when one of the parts it shows ran.
  const tables = [
    [r.latency ?? r.orphans, () => latencyTable(r)],
    [r.coldStart, () => coldStartTable(r.coldStart)],
    [r.crash ?? r.timeout, () => failuresTable(r)],
    [r.echo, () => echoTable(r.echo)],
    [r.stall, () => stallTable(r.stall)],
  ];
  for (const [ran, format] of tables) if (ran !== undefined) lines.push(...format(), '');
  for (const [key, message] of Object.entries(r.errors)) lines.push(`  peers ${key}: could not run: ${message}`);
  for (const f of r.failures) lines.push(`  ${f.part}, ${f.side}: failed: ${f.reason}`);
  return `${lines.join('\n')}\n`;
}
