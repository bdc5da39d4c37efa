/**
 * What an unconfined worker loads as it starts, since every start pays for it before the worker
 * can answer: the worker bundle once (the generated codec's process-sandbox/codec resolves to it
 * under the workers' export condition, runtime/worker-condition.ts), and not the confinement
 * code, which only a confined worker imports (worker-template/bundle.mjs).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { IElasticClient } from '../.generated/js/.generated/services/IElastic.client.js';
import { paths, tempFile, track } from '../helpers.js';

const preload = fileURLToPath(new URL('../workers/report-loaded.mjs', import.meta.url));
const bundle = pathToFileURL(fileURLToPath(new URL('../../dist/worker-template/index.js', import.meta.url))).href;

interface Loaded { builtins: string[]; codec: string; execArgv: string[] }

describe('a worker at start-up', () => {
  it('resolves process-sandbox/codec to the worker bundle, and loads none of the built-in modules only confinement needs', async () => {
    const file = tempFile();
    // A service whose implementation imports node:fs only.
    const client = track(await IElasticClient.create({ workerModule: paths.elastic, logger: false, execArgv: ['--import', preload], env: { ...process.env, SANDBOX_TEST_LOADED_FILE: file } }));
    expect(await client.urgent('x')).toBe('x');
    await client.close();
    const loaded = JSON.parse(readFileSync(file, 'utf8')) as Loaded;
    expect(loaded.execArgv).toContain('--conditions=process-sandbox-worker');
    expect(loaded.codec).toBe(bundle);
    // Imported only by the confinement code (its Windows part). Not os, which it imports too:
    // Node 24's own fs/promises loads it (through readline and the REPL's history).
    for (const name of ['child_process', 'crypto']) expect(loaded.builtins, name).not.toContain(name);
    // The worker does load what it uses: a check that the list is the real one.
    expect(loaded.builtins).toContain('net');
  });
});
