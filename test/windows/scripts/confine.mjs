// confine on Windows (under Wine here): args are the worker's arch (x64 or ia32) and a case.
// - fail: confine {} rejects with ConfinementUnsupportedError, naming each knob;
// - write: a non-empty confine.write is refused on Windows whatever onUnsupported says;
// - warn: onUnsupported 'warn' logs, starts, reports what holds, and the workers really can do
//   what is unenforced (Wine enforces none of it);
// - allow: childProcesses and network allowed are reported 'allowed';
// - trust: SANDBOX_TEST_TRUST_WINE=1 makes the pool expect what Windows enforces; each worker's
//   self-check finds Wine does not, and the parent refuses it.
import { tmpdir } from 'node:os';
import { args, clientClass, failure, main, nodeIa32, workerModule } from './common.mjs';

await main(async () => {
  const [arch, which] = args;
  const Client = await clientClass();
  const warnings = [];
  const logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
  const options = (confine) => ({
    workerModule, minPoolSize: 1, maxPoolSize: 1, spareWorkers: 0, logger, confine,
    ...(arch === 'ia32' ? { workerExecutable: nodeIa32 } : {}),
  });
  const rejected = async (confine) => {
    try {
      const client = await Client.create(options(confine));
      await client.pool.close();
      return { name: 'NoError' };
    } catch (error) {
      return { name: error.name, code: error.code ?? null, message: error.message, unsupported: error.unsupported ?? null };
    }
  };
  if (which === 'fail') return rejected({});
  if (which === 'write') return { fail: await rejected({ write: [tmpdir()] }), warn: await rejected({ write: [tmpdir()], onUnsupported: 'warn' }) };
  if (which === 'trust') {
    process.env.SANDBOX_TEST_TRUST_WINE = '1';
    return rejected({ onUnsupported: 'warn' });
  }
  const client = await Client.create(options(which === 'allow' ? { onUnsupported: 'warn', childProcesses: true, network: true } : { onUnsupported: 'warn' }));
  try {
    return {
      confinement: client.pool.confinement,
      stats: client.pool.stats().confinement,
      warnings,
      identity: await client.whoami(),
      escapes: await client.tryEscapes(),
      sum: await client.add(2, 3),
      crash: await failure(client.crash()),
      afterCrash: await client.whoami(),
    };
  } finally {
    await client.pool.close();
  }
});
