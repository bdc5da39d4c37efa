import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

/** The blocks ConsoleSpanExporter printed, with the "[worker N] " prefix of the worker's lines taken off. */
function printedSpans(output: string, worker: boolean): { name: string; id: string; kind: number; parent: string | undefined }[] {
  const lines = output.split('\n').filter((line) => line.startsWith('[worker ') === worker).map((line) => line.replace(/^\[worker \d+\] /, ''));
  const blocks = lines.join('\n').split(/^\{$/m).slice(1).map((block) => block.slice(0, block.indexOf('\n}')));
  return blocks.filter((b) => /^ {2}id: '/m.test(b) && /^ {2}kind: /m.test(b)).map((block) => ({
    name: /^ {2}name: '(.*)',$/m.exec(block)![1]!,
    id: /^ {2}id: '([0-9a-f]{16})',$/m.exec(block)![1]!,
    kind: Number(/^ {2}kind: (\d+),$/m.exec(block)![1]),
    parent: /^ {2}parentSpanContext: \{[^}]*?spanId: '([0-9a-f]{16})'/m.exec(block)?.[1],
  }));
}

describe('samples/otel', () => {
  it('runs a pool under the OpenTelemetry SDK with console exporters: the worker\'s SERVER span is a child of the CLIENT span, and the metrics are printed', async () => {
    const { stdout } = await run(process.execPath, ['samples/otel/run.mjs'], { cwd: root, timeout: 90_000 });
    expect(stdout).toContain('greet() returned "Hello, OpenTelemetry!"');
    // The raw console exporters' output, in each process.
    const application = printedSpans(stdout, false);
    const worker = printedSpans(stdout, true);
    const request = application.find((s) => s.name === 'handle request')!;
    const callerSpan = application.find((s) => s.name === 'IGreeter/greet')!;
    expect(callerSpan).toMatchObject({ kind: 2, parent: request.id });
    const server = worker.find((s) => s.name === 'IGreeter/greet')!;
    expect(server).toMatchObject({ kind: 1, parent: callerSpan.id });
    expect(worker.find((s) => s.name === 'compose greeting')?.parent).toBe(server.id);
    // The tree the sample prints from them.
    expect(stdout).toContain([
      `handle request (INTERNAL, application) ${request.id}`,
      `  └─ IGreeter/greet (CLIENT, application) ${callerSpan.id}`,
      `    └─ IGreeter/greet (SERVER, worker 1) ${server.id}`,
    ].join('\n'));
    for (const name of ['call.duration', 'queue.wait', 'workers', 'queue.length', 'worker.starts', 'worker.memory.working_set', 'worker.memory.private']) {
      expect(stdout).toContain(`name: 'process_sandbox.${name}'`);
    }
  }, 120_000);
});
