// The honest floor of row 4: the same bytes bounced off a bare child over a Unix socket, raw (no
// header, no msgpack), the child writing back what it reads as it reads it. Nothing a protocol
// could do moves bytes through this pipe faster, so it is what "at least 0.8×" is measured against.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./echo-raw-child.mjs', import.meta.url));
const CONNECT_DEADLINE_MS = 10_000;

/**
 * Starts the child. `echo(data)` writes data and resolves once as many bytes have come back:
 * with `{ contiguous: false }` it only counts them (the bytes are dropped as they arrive); with
 * `{ contiguous: true }` it copies them into one Buffer allocated for the round, as a receiver
 * that hands the bytes on as one value must, and resolves with it.
 */
export async function startRawEcho() {
  const home = await mkdtemp(join(tmpdir(), 'process-sandbox-bench-raw-'));
  const path = join(home, 'raw.sock');
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  // Spawned as floor children and workers are (detached), so the scheduler treats them alike.
  const child = spawn(process.execPath, [CHILD, path], { stdio: ['ignore', 'inherit', 'inherit'], detached: process.platform !== 'win32' });
  let socket;
  try {
    socket = await new Promise((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`the raw echo child did not connect within ${CONNECT_DEADLINE_MS} ms`)), CONNECT_DEADLINE_MS);
      server.once('connection', (s) => { clearTimeout(deadline); resolve(s); });
      child.once('exit', (code) => reject(new Error(`the raw echo child exited with code ${code} before connecting`)));
    });
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    server.close();
  }
  socket.on('error', () => {});
  let round;
  socket.on('data', (chunk) => {
    if (round === undefined) return;
    if (round.into !== undefined) chunk.copy(round.into, round.got);
    round.got += chunk.length;
    if (round.got >= round.size) {
      const done = round;
      round = undefined;
      done.resolve(done.into ?? done.got);
    }
  });
  return {
    echo(data, { contiguous }) {
      return new Promise((resolve) => {
        round = { size: data.length, got: 0, into: contiguous ? Buffer.allocUnsafeSlow(data.length) : undefined, resolve };
        socket.write(data);
      });
    },
    async close() {
      const exited = child.exitCode !== null || child.signalCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve));
      socket.end();
      await exited;
      await rm(home, { recursive: true, force: true });
    },
  };
}
