/**
 * The native-library sample: a C library that segfaults, hangs, leaks and keeps global state,
 * called through the client sandbox-gen generated from INativeLibrary.ts. Each step prints one
 * row (what was called, what came back, which worker process ran it) and checks that the
 * outcome is the one the library promises; any other outcome ends the sample with exit code 1.
 */
import { CallTimeoutError, LeaseLostError, RemoteError, WorkerCrashedError, type ExitReason } from 'process-sandbox';
import { INativeLibraryClient } from './generated/INativeLibrary.client.js';
import { describeError, expect, failure, UnexpectedOutcome } from './checks.js';
import { isRunning, mib, residentBytes, traced } from './pool-facts.js';
import { columns, printCells, row, rule, section } from './table.js';

const RECYCLE_AFTER_CALLS = 5;
const CALL_TIMEOUT_MS = 1000;
const LEAK_KIB = 32 * 1024;

// ---- the sample -----------------------------------------------------------------------------------

async function main(): Promise<void> {
  const client = await INativeLibraryClient.create({
    workerModule: new URL('./native-library.js', import.meta.url),
    minPoolSize: 1,
    maxPoolSize: 2,
    methodCallTimeoutMs: CALL_TIMEOUT_MS,
    processRecycleThreshold: RECYCLE_AFTER_CALLS,
    logger: false,
  });

  // Why each worker process ended, by pid, from the pool's events.
  const exits = new Map<number, { reason: ExitReason; signal: NodeJS.Signals | null }>();
  const recycles: { pid: number | undefined; callsServed: number; residentBytes: number | undefined }[] = [];
  client.pool.on('workerExit', (e) => { if (e.pid !== undefined) exits.set(e.pid, { reason: e.reason, signal: e.signal }); });
  client.pool.on('recycle', (e) => {
    // Emitted before the worker is asked to stop, so it can still be measured.
    recycles.push({ pid: e.pid, callsServed: e.callsServed, residentBytes: e.pid === undefined ? undefined : residentBytes(client, e.pid) });
  });
  const exitOf = async (pid: number): Promise<{ reason: ExitReason; signal: NodeJS.Signals | null } | undefined> => {
    for (let waited = 0; !exits.has(pid) && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    return exits.get(pid);
  };

  // The errors that failing calls received, printed in full after the table.
  const received: unknown[] = [];

  // Each worker process has its own copy of the C library's static counter.
  const counters = new Map<number, number>();
  const counterNext = async (what: string | ((pid: number) => string)): Promise<number> => {
    const c = await traced(client, () => client.counterNext());
    expect(c.pid !== undefined, 'the pool did not say which worker ran counterNext()');
    const expected = (counters.get(c.pid) ?? 0) + 1;
    counters.set(c.pid, c.value);
    row(typeof what === 'string' ? what : what(c.pid), c.value === 1 ? '1 (this process\'s first)' : String(c.value), c.pid);
    expect(c.value === expected, `counterNext() returned ${c.value} on pid ${c.pid}, expected ${expected}: that process has counted ${expected - 1} before`);
    return c.pid;
  };

  try {
    rule('=');
    printCells(columns.map((c) => c.title));
    rule('=');

    section('Normal calls: the C code runs in a worker process and keeps its global state there');
    const e1 = await traced(client, () => client.compute(1, 20));
    row('compute(1, 20): e, by Taylor series', String(e1.value), e1.pid);
    expect(Math.abs(e1.value - Math.E) < 1e-12, `compute(1, 20) returned ${e1.value}, expected about ${Math.E}`);
    for (let i = 0; i < 3; i++) await counterNext('counterNext(): a static counter in C');

    section('A segfault in C kills one worker, not the application');
    const crash = await failure(client.parseLength(''), 'parseLength("")');
    const crashPid = crash instanceof WorkerCrashedError ? crash.pid : undefined;
    received.push(crash);
    row('parseLength(""): strlen(NULL) in C', crash instanceof WorkerCrashedError ? `WorkerCrashedError, signal ${crash.signal}` : describeError(crash), crashPid);
    expect(crash instanceof WorkerCrashedError && crash.signal === 'SIGSEGV', `expected WorkerCrashedError with signal SIGSEGV, got ${describeError(crash)}`);
    expect(crashPid !== undefined, 'WorkerCrashedError did not name the pid of the worker');
    const crashExit = await exitOf(crashPid);
    expect(crashExit?.reason === 'crash' && !isRunning(crashPid), `the crashed worker (pid ${crashPid}) is still running`);
    const p1 = await traced(client, () => client.parseLength('sandbox'));
    row('parseLength("sandbox"): the next call', `${p1.value}, on another worker`, p1.pid);
    expect(p1.value === 7 && p1.pid !== undefined && p1.pid !== crashPid, `expected 7 from another worker, got ${p1.value} from pid ${p1.pid}`);
    const fresh = await counterNext('counterNext(): state lives per process');
    expect(fresh !== crashPid, `counterNext() ran on the crashed worker (pid ${crashPid})`);

    section(`A hang in C is cut off after methodCallTimeoutMs (${CALL_TIMEOUT_MS} ms); other calls go on`);
    const hangStarted = Date.now();
    const hung = failure(client.hang(), 'hang()');
    // The call went to a worker synchronously: the busy one is running it.
    const hangPid = client.pool.stats().workers.find((w) => w.state === 'busy')?.pid;
    row('hang(): spins forever in C', 'running…', hangPid);
    expect(hangPid !== undefined, 'no worker is busy with hang()');
    const e2 = await traced(client, () => client.compute(2, 30));
    row('compute(2, 30) while that worker spins', `${e2.value}, on another worker`, e2.pid);
    expect(Math.abs(e2.value - Math.exp(2)) < 1e-12, `compute(2, 30) returned ${e2.value}, expected about ${Math.exp(2)}`);
    expect(e2.pid !== undefined && e2.pid !== hangPid, `compute(2, 30) ran on pid ${e2.pid}, expected a worker other than the hung one`);
    const timeout = await hung;
    const hangMs = Date.now() - hangStarted;
    const timeoutPid = timeout instanceof CallTimeoutError ? timeout.pid : undefined;
    received.push(timeout);
    row(`hang(), ${hangMs} ms later`, timeout instanceof CallTimeoutError ? `CallTimeoutError after ${timeout.timeoutMs} ms` : describeError(timeout), timeoutPid);
    expect(timeout instanceof CallTimeoutError, `expected CallTimeoutError, got ${describeError(timeout)}`);
    expect(timeoutPid === hangPid, `the timeout was reported for pid ${timeoutPid}, expected ${hangPid}`);
    const hungExit = await exitOf(hangPid);
    row('the hung worker', hungExit === undefined ? 'still running' : `killed (${hungExit.signal ?? `exit code ${hungExit.reason}`})`, hangPid);
    expect(hungExit?.reason === 'timeout' && !isRunning(hangPid), `the hung worker (pid ${hangPid}) did not exit for its timeout: ${JSON.stringify(hungExit)}`);
    const live = client.pool.stats().workers.map((w) => `${w.pid ?? '?'} (${w.state})`);
    row('the pool after the timeout', `workers: ${live.join(', ')}`, undefined);
    expect(live.length > 0, 'the pool has no workers left after the timeout');

    section(`A leak in C grows one worker; recycling after processRecycleThreshold (${RECYCLE_AFTER_CALLS}) calls ends it`);
    // Measured before the first leak on every worker, since any idle one may take the call.
    const rssBefore = new Map(client.pool.stats().workers.flatMap((w) => (w.pid === undefined ? [] : [[w.pid, residentBytes(client, w.pid)] as const])));
    const rssLast = new Map<number, number | undefined>();
    const leaked = new Map<number, number>();
    const recyclesBefore = recycles.length;
    // Leak until the worker that leaks reaches its call limit and the pool retires it.
    for (let i = 0; i < 2 * RECYCLE_AFTER_CALLS && recycles.length === recyclesBefore; i++) {
      const l = await traced(client, () => client.leak(LEAK_KIB));
      expect(l.pid !== undefined, 'the pool did not say which worker ran leak()');
      const calls = client.pool.stats().workers.find((w) => w.pid === l.pid)?.callsServed ?? '?';
      const total = (leaked.get(l.pid) ?? 0) + LEAK_KIB;
      leaked.set(l.pid, total);
      // A worker retired by this call may already be gone: use what the recycle event measured.
      rssLast.set(l.pid, recycles.find((r) => r.pid === l.pid)?.residentBytes ?? residentBytes(client, l.pid));
      row(`leak(${LEAK_KIB}): call ${calls} on this worker`, `${l.value / 1024} MiB leaked, resident ${mib(rssLast.get(l.pid))}`, l.pid);
      expect(l.value === total, `leak() returned ${l.value} on pid ${l.pid}, expected ${total}`);
    }
    const recycled = recycles[recyclesBefore];
    row('"recycle" event', recycled === undefined ? 'none' : `worker retired after ${recycled.callsServed} calls`, recycled?.pid);
    expect(recycled !== undefined && recycled.pid !== undefined, `no worker was recycled in ${2 * RECYCLE_AFTER_CALLS} calls`);
    expect(recycled.callsServed === RECYCLE_AFTER_CALLS, `a worker was recycled after ${recycled.callsServed} calls, expected ${RECYCLE_AFTER_CALLS}`);
    const leaker = recycled.pid;
    const before = rssBefore.get(leaker);
    const last = rssLast.get(leaker);
    row('its resident memory, first → last', `${mib(before)} → ${mib(last)}`, leaker);
    if (before !== undefined && last !== undefined) {
      const expectedKiB = leaked.get(leaker) ?? 0;
      expect((last - before) / 1024 >= expectedKiB * 0.75, `the worker's resident memory grew by ${mib(last - before)}, expected about ${expectedKiB / 1024} MiB`);
    }
    // Its replacement started at 90% of the threshold; the old worker serves on until that one is
    // ready (overlapped recycling: no call waits for a process start), then leaves.
    const leakerExit = await exitOf(leaker);
    const tookLeak = leaked.get(leaker);
    row('the recycled worker', leakerExit === undefined ? 'still running'
      : `exited (${leakerExit.reason})${tookLeak === undefined ? '' : `, freeing its ${tookLeak / 1024} MiB`}`, leaker);
    expect(leakerExit?.reason === 'recycle' && !isRunning(leaker), `the recycled worker (pid ${leaker}) did not exit for recycling: ${JSON.stringify(leakerExit)}`);
    const next = await traced(client, () => client.pid());
    row('pid(): the next call', `${next.value}, another worker`, next.pid);
    expect(next.value === next.pid && next.pid !== leaker, `pid() returned ${next.value}, expected a worker other than the recycled one (${leaker})`);
    row('the new worker\'s resident memory', mib(residentBytes(client, next.value)), next.value);
    row('the application\'s resident memory', mib(process.memoryUsage().rss), process.pid);

    section('A session: a lease keeps a document open in one worker\'s C memory');
    {
      await using session = await client.lease();
      const opened = await traced(client, () => session.openDocument());
      row('lease(), openDocument(): calloc in C', `document ${opened.value}`, opened.pid);
      for (const value of [1.5, 2.5, 3]) {
        const added = await traced(client, () => session.addLine(opened.value, value));
        row(`addLine(${opened.value}, ${value}) on the lease`, `${added.value} line${added.value === 1 ? '' : 's'}`, added.pid);
        expect(added.pid === opened.pid, `addLine ran on pid ${added.pid}, not on the lease's worker (pid ${opened.pid})`);
      }
      const closed = await traced(client, () => session.closeDocument(opened.value));
      row(`closeDocument(${opened.value}): free in C`, `total ${closed.value}`, closed.pid);
      expect(closed.value === 7 && closed.pid === opened.pid, `closeDocument returned ${closed.value} on pid ${closed.pid}, expected 7 on pid ${opened.pid}`);
    }
    row('end of the await using block', 'the lease is released', undefined);
    {
      // Each lease gets an instance of the library of its own: another lease knows no document 1.
      await using other = await client.lease();
      const stranger = await failure(other.closeDocument(1), 'closeDocument(1) on another lease');
      received.push(stranger);
      row('closeDocument(1) on a new lease', stranger instanceof RemoteError ? `RemoteError: ${stranger.remoteMessage.split(':')[0]}` : describeError(stranger), undefined);
      expect(stranger instanceof RemoteError, `expected RemoteError for a document of another lease, got ${describeError(stranger)}`);
      const doc = await other.openDocument();
      await other.addLine(doc, 1);
      const died = await failure(other.parseLength(''), 'parseLength("") on the lease');
      received.push(died);
      const diedPid = died instanceof WorkerCrashedError ? died.pid : undefined;
      row('parseLength("") on the lease: SIGSEGV', died instanceof WorkerCrashedError ? `WorkerCrashedError, signal ${died.signal}` : describeError(died), diedPid);
      expect(died instanceof WorkerCrashedError, `expected WorkerCrashedError, got ${describeError(died)}`);
      const lost = await failure(other.addLine(doc, 2), 'addLine after the crash');
      received.push(lost);
      row(`addLine(${doc}) after the crash`, lost instanceof LeaseLostError ? 'LeaseLostError: the document died with its worker' : describeError(lost), diedPid);
      expect(lost instanceof LeaseLostError, `expected LeaseLostError after the lease's worker died, got ${describeError(lost)}`);
    }
    section('A streamed result: items arrive as the C code computes them, at most 16 ahead of the reader');
    const sums: number[] = [];
    for await (const sum of client.partialSums(1, 12)) sums.push(sum);
    row('partialSums(1, 12): one item per term', `${sums.length} items, last ${sums.at(-1)}`, undefined);
    expect(sums.length === 12 && Math.abs(sums[11]! - Math.E) < 1e-8, `partialSums(1, 12) gave ${sums.length} items ending in ${sums.at(-1)}, expected 12 ending near ${Math.E}`);
    let read = 0;
    for await (const sum of client.partialSums(1, 1_000_000)) {
      if (++read === 3) {
        row('a million terms, read 3, then break', `stopped at ${sum}: the worker stops too`, undefined);
        break;
      }
    }

    const after = await traced(client, () => client.compute(0, 1));
    row('compute(0, 1): the pool goes on', String(after.value), after.pid);
    expect(after.value === 1, `compute(0, 1) returned ${after.value}, expected 1`);

    const totals = client.pool.stats().totals;
    console.log('');
    rule('=');
    console.log('The errors, as the application received them:');
    for (const error of received) console.log(`  ${describeError(error)}`);
    console.log('');
    console.log(`pool totals: ${totals.calls} calls, ${totals.workersStarted} workers started, ${totals.crashes} crash, ${totals.timeouts} timeout, ${totals.recycles} recycle`);
    console.log(`application pid ${process.pid} ran throughout; each failure above cost one worker process.`);
  } finally {
    await client.close();
  }
}

// If the sample stalls (a call the runtime failed to time out), say so instead of hanging.
const deadline = setTimeout(() => {
  console.error('\nUNEXPECTED: the sample did not finish within 60 s');
  process.exit(1);
}, 60_000);

try {
  await main();
  clearTimeout(deadline);
  console.log('\nAll outcomes as expected; client closed.');
  // close() must leave nothing holding the event loop open; this timer does not hold it either.
  setTimeout(() => {
    console.error('UNEXPECTED: something kept the process alive 5 s after client.close()');
    process.exit(1);
  }, 5000).unref();
} catch (error) {
  clearTimeout(deadline);
  console.error(`\nUNEXPECTED: ${error instanceof UnexpectedOutcome ? error.message : describeError(error)}`);
  process.exitCode = 1;
}
