// The raw floor, parent side: bare Node children answering the library's frames over a Unix
// socket. What a call costs here is what any process boundary with this framing costs; what the
// client costs beyond it is the library's own overhead. It uses the library's framing the way the
// channel does: large bytes written from their own memory (one writev), reads landing where the
// frame reader says (onread), but no channel, handshake, validation or queue.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { acceptWithReads, readInto } from '../dist/runtime/protocol/direct-reads.js';
import { DEFAULT_MAX_FRAME_BYTES, decodeBody, encodeFrameParts, FrameReader } from '../dist/runtime/protocol/frames.js';

const CHILD = fileURLToPath(new URL('./floor-child.mjs', import.meta.url));
const CONNECT_DEADLINE_MS = 10_000;

/** What Channel.send does: one write, or the header and envelope and the attached bytes in one writev. */
function writeFrame(socket, message) {
  const frame = encodeFrameParts(message);
  if (Buffer.isBuffer(frame)) return socket.write(frame);
  socket.cork();
  for (const part of frame) socket.write(part);
  socket.uncork();
}

/** One bare child: calls are frames out, replies are frames in, matched by id. */
class FloorPeer {
  #socket;
  #pending = new Map();
  #nextId = 0;

  constructor(accepted) {
    const reader = new FrameReader(DEFAULT_MAX_FRAME_BYTES, (body) => {
      const [, id, value] = decodeBody(body);
      const settle = this.#pending.get(id);
      this.#pending.delete(id);
      settle?.resolve(value);
    });
    const fail = (error) => { throw error; };
    const socket = acceptWithReads(accepted, readInto(reader, fail, () => false));
    if (socket === undefined) throw new Error('the floor cannot read an accepted socket through onread on this Node');
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => {
      for (const settle of this.#pending.values()) settle.reject(new Error('the floor child closed its socket'));
      this.#pending.clear();
    });
  }

  add(a, b) {
    return this.#call(0, [a, b]);
  }

  echo(data) {
    return this.#call(1, [data]);
  }

  #call(method, args) {
    const id = ++this.#nextId;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      writeFrame(this.#socket, [4, id, method, args]);
    });
  }

  close() {
    this.#socket.end();
  }
}

/** Spawns `count` bare children and resolves once each has connected. */
export async function startFloor(count) {
  const home = await mkdtemp(join(tmpdir(), 'process-sandbox-bench-'));
  const path = join(home, 'floor.sock');
  const peers = [];
  const children = [];
  const server = createServer({ pauseOnConnect: true });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, resolve);
  });
  const connected = new Promise((resolve, reject) => {
    const deadline = setTimeout(() => reject(new Error(`${count - peers.length} of ${count} floor children did not connect within ${CONNECT_DEADLINE_MS} ms`)), CONNECT_DEADLINE_MS);
    server.on('connection', (socket) => {
      peers.push(new FloorPeer(socket));
      if (peers.length === count) {
        clearTimeout(deadline);
        resolve();
      }
    });
  });
  for (let i = 0; i < count; i++) {
    // Spawned as the pool spawns workers (detached: on POSIX its own session and process group),
    // so the scheduler treats floor children and workers alike: where sessions get their own
    // scheduling group (Linux autogroup), a child in the bench's session would share the bench's
    // CPU share while a worker has its own, and under load the floor would look slower than the pool.
    children.push(spawn(process.execPath, [CHILD, path], { stdio: ['ignore', 'inherit', 'inherit'], detached: process.platform !== 'win32' }));
  }
  try {
    await connected;
  } catch (error) {
    for (const child of children) child.kill('SIGKILL');
    throw error;
  } finally {
    server.close();
  }
  return {
    peers,
    async close() {
      const exited = children.map((child) => (child.exitCode !== null || child.signalCode !== null ? undefined : new Promise((resolve) => child.once('exit', resolve))));
      for (const peer of peers) peer.close();
      await Promise.all(exited);
      await rm(home, { recursive: true, force: true });
    },
  };
}
