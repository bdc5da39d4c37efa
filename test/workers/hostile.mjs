// A worker that breaks the protocol on purpose, in the way HOSTILE_MODE names, when it gets its
// first call. It does the handshake properly first (it knows the secret: the pool gave it one),
// because the parent must survive a worker that is its own, not only strangers.
import { connectAsWorker } from './connect-as-worker.mjs';
import { randomBytes } from 'node:crypto';
import { encodeFrame, decodeBody, FrameReader } from '../../dist/runtime/protocol/frames.js';
import { PROTOCOL_VERSION } from '../../dist/runtime/protocol/messages.js';
import { ITestServiceService as service } from '../.generated/js/.generated/services/ITestService.codec.js';

import { existsSync, writeFileSync } from 'node:fs';

// Misbehaves in one process only (the first to get a call), so the replacement serves.
const once = process.env.HOSTILE_ONCE_FILE;
// The ready message to answer the welcome with, as JSON (`[2, 42]`: an inspector URL that is no string).
const ready = process.env.HOSTILE_READY === undefined ? [2] : JSON.parse(process.env.HOSTILE_READY);
let mode = process.env.HOSTILE_MODE ?? 'none';
const { boot, socket } = await connectAsWorker();

const header = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0, 0); return b; };
const frameOf = (bytes) => Buffer.concat([header(bytes.length), bytes]);
const send = (m) => socket.write(encodeFrame(m));

if (mode === 'stdout-ready') process.stdout.write('ready\nREADY\n{"t":2}\n');
send([0, boot.secret, process.pid, PROTOCOL_VERSION, service.interfaceHash, service.name]);

let calls = 0;
const reader = new FrameReader(boot.maxFrameBytes, (body) => {
  const m = decodeBody(body);
  if (m[0] === 1) { send(ready); return; }
  if (m[0] === 8) { socket.end(() => process.exit(0)); return; }
  if (m[0] !== 4) return;
  calls++;
  const id = m[1];
  if (calls === 1 && once !== undefined) {
    if (existsSync(once)) mode = 'none';
    else writeFileSync(once, String(process.pid));
  }
  // After the first call, behave: the replacement worker is a fresh process anyway.
  if (calls > 1 || mode === 'none') { send([5, id, 42]); return; }
  switch (mode) {
    case 'oversize': socket.write(header(boot.maxFrameBytes + 1)); break;
    case 'ffffffff': socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff])); break;
    case 'half-then-exit': socket.write(Buffer.concat([header(100), Buffer.alloc(10)]), () => process.exit(0)); break;
    case 'random': socket.write(Buffer.concat([header(1000), randomBytes(1000)])); break;
    case 'wrong-shape': socket.write(frameOf(Buffer.from([0xa5, 0x68, 0x65, 0x6c, 0x6c, 0x6f]))); break; // "hello"
    case 'unknown-kind': send([99, id]); break;
    case 'unknown-id': send([5, id + 1000, 42]); break;
    case 'duplicate-id': send([5, id, 42]); send([5, id, 43]); break;
    case 'proto-keys': {
      // {"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}
      const polluted = [0x81, 0xa8, ...Buffer.from('polluted'), 0xc3];
      const body = [0x93, 0x05, id, 0x82, 0xa9, ...Buffer.from('__proto__'), ...polluted,
        0xab, ...Buffer.from('constructor'), 0x81, 0xa9, ...Buffer.from('prototype'), ...polluted];
      socket.write(frameOf(Buffer.from(body)));
      break;
    }
    case 'unknown-ext': socket.write(frameOf(Buffer.from([0x93, 0x05, id, 0xd4, 0x10, 0x01]))); break;
    case 'deep': { const b = Buffer.alloc(100_001, 0x91); b[100_000] = 0xc0; socket.write(frameOf(b)); break; }
    case 'huge-array': socket.write(frameOf(Buffer.from([0x93, 0x05, id, 0xdd, 0x3b, 0x9a, 0xca, 0x00]))); break;
    case 'stderr-flood': process.stderr.write('x'.repeat(10 * 1024 * 1024), () => send([5, id, 42])); break;
    case 'stdout-ready': send([5, id, 42]); break;
    case 'hello-again': send([0, boot.secret, process.pid, PROTOCOL_VERSION, service.interfaceHash, service.name]); break;
    default: send([5, id, 42]);
  }
});
socket.on('data', (c) => reader.push(c));
