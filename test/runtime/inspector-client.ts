/**
 * The least of a Chrome DevTools Protocol client, for the `inspect` tests: a WebSocket (RFC 6455)
 * over node:net, since Node 20 has no stable global WebSocket. Text frames only, no fragments
 * (Node's inspector sends each message as one frame), client frames masked as the RFC requires.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

type Message = { id?: number; method?: string; params?: unknown; result?: unknown; error?: { message: string } };

export class InspectorClient {
  readonly #socket: Socket;
  #buffer = Buffer.alloc(0);
  #nextId = 1;
  readonly #replies = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  readonly #waiting: { method: string; resolve: (params: unknown) => void }[] = [];
  /** Events that came with nobody waiting for them, by method. */
  readonly events: { method: string; params: unknown }[] = [];

  private constructor(socket: Socket, rest: Buffer) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    if (rest.length > 0) this.#onData(rest);
  }

  /** Connects to a worker's inspector URL (`ws://host:port/uuid`) and completes the upgrade. */
  static connect(url: string): Promise<InspectorClient> {
    const { hostname, port, pathname } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), hostname.replace(/^\[|\]$/g, ''));
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.off('error', reject);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!/^HTTP\/1\.1 101/.test(status)) {
          socket.destroy();
          reject(new Error(`the inspector refused the upgrade: ${status}`));
          return;
        }
        resolve(new InspectorClient(socket, head.subarray(end + 4)));
      };
      socket.on('data', onData);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.write(`GET ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
          + `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
      });
    });
  }

  /** Sends a command and resolves with its result. */
  call(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#replies.set(id, { resolve, reject });
      this.#write(JSON.stringify({ id, method, params }));
    });
  }

  /** Sends a command whose reply may never come (one that pauses the worker as it runs). */
  send(method: string, params: Record<string, unknown> = {}): void {
    this.#write(JSON.stringify({ id: this.#nextId++, method, params }));
  }

  /** The next event of that name (or the first that came before anyone waited). */
  event(method: string): Promise<unknown> {
    const index = this.events.findIndex((e) => e.method === method);
    if (index >= 0) return Promise.resolve(this.events.splice(index, 1)[0]!.params);
    return new Promise((resolve) => this.#waiting.push({ method, resolve }));
  }

  /** Drops the connection, as a debugger that goes away does. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.#socket.destroyed) { resolve(); return; }
      this.#socket.once('close', () => resolve());
      this.#socket.destroy();
    });
  }

  #write(text: string): void {
    const payload = Buffer.from(text, 'utf8');
    const length = payload.length;
    const header = length < 126 ? Buffer.from([0x81, 0x80 | length])
      : length < 65_536 ? Buffer.from([0x81, 0x80 | 126, length >> 8, length & 0xff])
      : Buffer.concat([Buffer.from([0x81, 0x80 | 127]), bigLength(length)]);
    const mask = randomBytes(4);
    const masked = Buffer.alloc(length);
    for (let i = 0; i < length; i++) masked[i] = payload[i]! ^ mask[i & 3]!;
    this.#socket.write(Buffer.concat([header, mask, masked]));
  }

  #onData(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    for (;;) {
      if (this.#buffer.length < 2) return;
      const opcode = this.#buffer[0]! & 0x0f;
      let length = this.#buffer[1]! & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.#buffer.length < 4) return;
        length = this.#buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.#buffer.length < 10) return;
        length = Number(this.#buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.#buffer.length < offset + length) return;
      const payload = this.#buffer.subarray(offset, offset + length);
      this.#buffer = this.#buffer.subarray(offset + length);
      if (opcode === 1) this.#onMessage(JSON.parse(payload.toString('utf8')) as Message);
    }
  }

  #onMessage(message: Message): void {
    if (message.id !== undefined) {
      const reply = this.#replies.get(message.id);
      this.#replies.delete(message.id);
      if (message.error !== undefined) reply?.reject(new Error(message.error.message));
      else reply?.resolve(message.result);
      return;
    }
    if (message.method === undefined) return;
    const index = this.#waiting.findIndex((w) => w.method === message.method);
    if (index >= 0) this.#waiting.splice(index, 1)[0]!.resolve(message.params);
    else this.events.push({ method: message.method, params: message.params });
  }
}

function bigLength(length: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(length));
  return b;
}
