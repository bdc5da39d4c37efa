import { describe, expect, it } from 'vitest';
import { ConfigurationError, WorkerStartError } from 'process-sandbox';
import { ITestServiceClient } from '../.generated/js/.generated/services/ITestService.client.js';
import { paths, track } from '../helpers.js';

const create = async (config: Parameters<typeof ITestServiceClient.create>[0]) => track(await ITestServiceClient.create({ logger: false, ...config }));

describe('create()', () => {
  it('resolves once minPoolSize workers are ready', async () => {
    const c = await create({ workerModule: paths.testService, minPoolSize: 2 });
    const { workers } = c.pool.stats();
    expect(workers).toHaveLength(2);
    expect(workers.every((w) => w.state === 'idle' && typeof w.pid === 'number')).toBe(true);
  });

  it('rejects when workerModule does not exist, naming it', async () => {
    const error = await create({ workerModule: '/nowhere/impl.js' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as Error).message).toContain('cannot load workerModule "/nowhere/impl.js": it was not found');
  });

  it('rejects when the export is missing, listing the exports there are', async () => {
    const error = await create({ workerModule: paths.broken, workerExport: 'Nope' }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/has no export "Nope"; its exports are: .*incomplete/);
  });

  it('rejects when the export lacks methods of the interface, naming them all', async () => {
    const error = await create({ workerModule: paths.broken, workerExport: 'incomplete' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as Error).message).toContain('lacks methods of ITestService: concat, echo, echoBuffer, describe');
    expect((error as Error).message).toContain('chatter');
  });

  it('rejects when constructing the implementation throws', async () => {
    const error = await create({ workerModule: paths.broken, workerExport: 'ThrowsInConstructor' }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('constructing export "ThrowsInConstructor"');
    expect((error as Error).message).toContain('cannot initialise the native library');
  });

  it('rejects when the module throws at import, quoting its stderr', async () => {
    const error = await create({ workerModule: paths.throwsAtImport }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as Error).message).toContain('libfoo.so could not be loaded');
  });

  it('rejects when workerExecutable cannot be spawned', async () => {
    const error = await create({ workerModule: paths.testService, workerExecutable: '/no/such/node' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as Error).message).toContain('cannot spawn workerExecutable "/no/such/node"');
  });

  it('rejects a worker that is not ready within processStartTimeoutMs', async () => {
    const error = await create({ workerModule: paths.testService, processStartTimeoutMs: 1, minPoolSize: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as Error).message).toContain('was not ready within 1 ms (processStartTimeoutMs)');
  });

  it('throws one ConfigurationError listing every invalid field', async () => {
    const error = await ITestServiceClient.create({
      workerModule: '',
      minPoolSize: 4,
      maxPoolSize: 2,
      methodCallTimeoutMs: -5,
      pipeNamePrefix: 'has space',
      // @ts-expect-error: not an option
      maxPoolSzie: 3,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    const fields = (error as ConfigurationError).issues.map((i) => i.field).sort();
    expect(fields).toEqual(['maxPoolSize', 'maxPoolSzie', 'methodCallTimeoutMs', 'pipeNamePrefix', 'workerModule']);
    expect((error as Error).message).toContain('invalid pool configuration (5 fields)');
    expect((error as Error).message).toContain('maxPoolSize: is 2, below minPoolSize (4)');
  });

  it('a failing worker fails queued calls with the reason instead of leaving them waiting', async () => {
    const c = await create({ workerModule: paths.testService, minPoolSize: 0, maxPoolSize: 1, workerExport: 'Nope' });
    await expect(c.add(1, 2)).rejects.toThrow(/has no export "Nope"/);
  });
});

describe('a client and a worker from different versions of the interface', () => {
  it('refuse each other with a message that says so and how to fix it', async () => {
    const { IVersionedClient } = await import('../.generated/js/.generated/versions/v1/IVersioned.client.js');
    const error = await IVersionedClient.create({ workerModule: paths.versioned, workerEntry: paths.versionedV2Worker, logger: false })
      .then((c) => track(c)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect((error as Error).message).toContain('different versions of the interface');
    expect((error as Error).message).toContain('Run sandbox-gen again');
  });

  it('the matching pair works', async () => {
    const { IVersionedClient } = await import('../.generated/js/.generated/versions/v1/IVersioned.client.js');
    const c = track(await IVersionedClient.create({ workerModule: paths.versioned, logger: false }));
    expect(await c.greet('ada')).toBe('hello ada');
  });
});
