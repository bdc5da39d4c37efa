import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/otel/${name}`, import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs a fixture script in a Node.js where no @opentelemetry/* package resolves. */
async function withoutOpenTelemetry(script: string): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', fixture('hide-opentelemetry.mjs'), fixture(script)], { cwd: root });
  return stdout;
}

describe('@opentelemetry/api is an optional peer dependency', () => {
  it('the main entry loads and runs a pool (its worker too) with no @opentelemetry package installed', async () => {
    expect(await withoutOpenTelemetry('main-entry.mjs')).toBe('add: 5\n');
  });

  it('process-sandbox/otel without @opentelemetry/api fails with an error naming the package and the fix', async () => {
    expect(await withoutOpenTelemetry('otel-entry.mjs')).toBe('failed: [process-sandbox] process-sandbox/otel needs the package @opentelemetry/api, '
      + 'which is not installed where the application resolves its packages: npm install @opentelemetry/api\n');
  });

  it('with it installed, process-sandbox/otel loads', async () => {
    const { stdout } = await run(process.execPath, [fixture('otel-entry.mjs')], { cwd: root });
    expect(stdout).toBe('loaded\n');
  });
});
