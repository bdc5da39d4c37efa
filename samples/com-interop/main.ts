/**
 * The COM-interop sample: a 64-bit application uses a COM object through a worker process,
 * which may be 32-bit (the seed's reason for 32-bit workers: many COM servers and native DLLs
 * exist only as 32-bit code). The COM object is created and called in the worker; the
 * application only sees the generated client. Each step prints what was called and what came
 * back, and checks it; an unexpected outcome ends the sample with exit code 1.
 *
 *   node dist/main.js [--worker-node <path to node.exe>]
 */
import { RemoteError, type HealthReport } from 'process-sandbox';
import { IComDictionaryClient } from './generated/IComDictionary.client.js';

class UnexpectedOutcome extends Error {
  override readonly name = 'UnexpectedOutcome';
}

function expect(condition: boolean, why: string): asserts condition {
  if (!condition) throw new UnexpectedOutcome(why);
}

function show(what: string, value: unknown): void {
  console.log(`${what.padEnd(44)} ${typeof value === 'string' ? value : JSON.stringify(value)}`);
}

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--worker-node');
  const workerNode = flag > 0 ? process.argv[flag + 1] : undefined;
  const client = await IComDictionaryClient.create({
    workerModule: new URL('./com-dictionary.js', import.meta.url),
    minPoolSize: 1,
    maxPoolSize: 1,
    spareWorkers: 0,
    monitorIntervalMs: 200,
    logger: false,
    ...(workerNode === undefined ? {} : { workerExecutable: workerNode }),
  });
  try {
    const host = await client.host();
    show('application', `${process.arch} node ${process.version}, pid ${process.pid}`);
    show('worker holding the COM object', `${host.arch}, pid ${host.pid}, ${host.progId}`);
    expect(host.pid !== process.pid, 'the COM object is in the application process');
    expect(workerNode === undefined || host.arch === 'ia32' || host.arch === 'x64', `unexpected worker architecture ${host.arch}`);

    show('add("alpha", "first")  -> count', await client.add('alpha', 'first'));
    show('add("beta", 2.5)       -> count', await client.add('beta', 2.5));
    show('set("alpha", "again")  -> count', await client.set('alpha', 'again'));
    const alpha = await client.get('alpha');
    const beta = await client.get('beta');
    show('get("alpha")', alpha);
    show('get("beta")', beta);
    expect(alpha === 'again' && beta === 2.5, `get returned ${JSON.stringify([alpha, beta])}, expected ["again", 2.5]`);
    show('exists("gamma")', await client.exists('gamma'));
    show('get("gamma")', await client.get('gamma'));

    // A failing HRESULT in the worker reaches the caller as a RemoteError carrying the COM code.
    let duplicate: unknown;
    try {
      await client.add('alpha', 'twice');
    } catch (error) {
      duplicate = error;
    }
    expect(duplicate instanceof RemoteError, `adding a key twice should fail with RemoteError, got ${String(duplicate)}`);
    show('add("alpha", ...) again', `${duplicate.remoteName}: ${duplicate.message} (code ${String(duplicate.remoteCode)})`);
    expect(duplicate.remoteCode === '0x800A01C9', `expected the COM error 0x800A01C9 (key already exists), got ${String(duplicate.remoteCode)}`);

    show('remove("beta")         -> count', await client.remove('beta'));
    const count = await client.count();
    show('count()', count);
    expect(count === 1, `count() is ${count}, expected 1`);

    // The application measures the worker from outside (K32GetProcessMemoryInfo on Windows).
    // (The pool's timers do not keep the process alive; this wait's own timer does.)
    const health = await new Promise<HealthReport>((resolve, reject) => {
      const timer = setTimeout(() => reject(new UnexpectedOutcome('no health report within 5 s')), 5000);
      client.pool.once('health', (report) => { clearTimeout(timer); resolve(report); });
    });
    const workingSet = health.workingSetBytes === null ? 'not measured' : `${(health.workingSetBytes / 1024 / 1024).toFixed(1)} MiB`;
    show('the worker, measured by the application', `${health.callCount} calls, working set ${workingSet}`);
    console.log('\ncom-interop: every outcome was the expected one');
  } finally {
    await client.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UnexpectedOutcome ? `com-interop: ${error.message}` : error);
  process.exitCode = 1;
});
