import { existsSync, readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Logger } from 'process-sandbox';
import { testClient, workerPids } from '../helpers.js';
import { encodeFrame } from '../../dist/runtime/protocol/frames.js';

function recordingLogger(lines: string[]): Logger {
  const push = (m: string): void => { lines.push(m); };
  return { debug: push, info: push, warn: push, error: push };
}

/** Waits for the first worker socket to appear in the pool's directory. */
async function socketOf(prefix: string, timeoutMs = 5000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    for (const d of readdirSync(tmpdir()).filter((n) => n.startsWith(`${prefix}-`))) {
      const home = join(tmpdir(), d);
      const sock = existsSync(home) ? readdirSync(home).find((f) => f.endsWith('.sock')) : undefined;
      if (sock !== undefined) return join(home, sock);
    }
    await new Promise((r) => setTimeout(r, 1));
  }
  throw new Error('no worker socket appeared');
}

function intrude(path: string, payload: Buffer): Promise<{ received: Buffer; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(path);
    const chunks: Buffer[] = [];
    socket.on('connect', () => socket.write(payload));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve({ received: Buffer.concat(chunks), closed: true }));
  });
}

describe('the worker pipe', () => {
  for (const [name, payload] of [
    ['garbage bytes', Buffer.from('GET / HTTP/1.1\r\n\r\n')],
    ['a hello with the wrong secret', encodeFrame([0, 'ab'.repeat(32), 1, 1, 'x', 'y'])],
  ] as const) {
    it(`refuses a foreign process that sends ${name}, and the worker still serves`, async () => {
      const prefix = `Intruder${process.pid}${Math.floor(Math.random() * 1e6)}`;
      const lines: string[] = [];
      const c = await testClient({ minPoolSize: 0, pipeNamePrefix: prefix, logger: recordingLogger(lines) });
      const call = c.add(40, 2);
      const intrusion = intrude(await socketOf(prefix), payload);
      const { closed } = await intrusion;
      expect(closed).toBe(true);
      expect(await call).toBe(42);
      expect(lines.some((l) => l.includes('refused a connection to worker 1'))).toBe(true);
      expect(await c.add(1, 1)).toBe(2);
    });
  }

  it('refuses a foreign process that connects twice, and the worker still serves', async () => {
    const prefix = `Twice${process.pid}${Math.floor(Math.random() * 1e6)}`;
    const lines: string[] = [];
    const c = await testClient({ minPoolSize: 0, pipeNamePrefix: prefix, logger: recordingLogger(lines) });
    const call = c.add(20, 22);
    const path = await socketOf(prefix);
    const wrongSecret = encodeFrame([0, 'cd'.repeat(32), 1, 2, 'x', 'y']);
    const both = await Promise.all([intrude(path, wrongSecret), intrude(path, Buffer.from('garbage'))]);
    expect(both.every((r) => r.closed)).toBe(true);
    expect(await call).toBe(42);
    expect(lines.filter((l) => l.includes('refused a connection to worker 1')).length).toBe(2);
  });

  it('is gone once the worker has connected', async () => {
    const prefix = `Closed${process.pid}${Math.floor(Math.random() * 1e6)}`;
    const c = await testClient({ pipeNamePrefix: prefix });
    expect(workerPids(c)).toHaveLength(1);
    const homes = readdirSync(tmpdir()).filter((n) => n.startsWith(`${prefix}-`));
    expect(homes).toHaveLength(1);
    expect(readdirSync(join(tmpdir(), homes[0]!))).toEqual([]);
  });

  it('the secret is in neither the worker\'s command line nor its environment', async () => {
    const { readFileSync } = await import('node:fs');
    const c = await testClient();
    const pid = workerPids(c)[0]!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    expect(cmdline).not.toMatch(/[0-9a-f]{64}/);
    expect(environ).not.toMatch(/[0-9a-f]{64}/);
  });
});
