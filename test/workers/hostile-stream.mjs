// A worker that breaks the stream protocol on purpose, in the way HOSTILE_MODE names, on its first
// call, in the first process to get one (HOSTILE_ONCE_FILE); otherwise it answers every stream
// with its end and every call with 42. It does the handshake properly first: the parent must
// survive a worker that is its own.
import { writeFileSync } from 'node:fs';
import { connectAsWorker } from './connect-as-worker.mjs';
import { encodeFrame, FrameReader, decodeBody } from '../../dist/runtime/protocol/frames.js';
import { Kind, PROTOCOL_VERSION } from '../../dist/runtime/protocol/messages.js';
import { IStreamsService as service } from '../.generated/js/.generated/services/IStreams.codec.js';

let mode = process.env.HOSTILE_MODE ?? 'none';
const { boot, socket } = await connectAsWorker();
const send = (m) => socket.write(encodeFrame(m));
send([Kind.Hello, boot.secret, process.pid, PROTOCOL_VERSION, service.interfaceHash, service.name, null]);

let calls = 0;
const reader = new FrameReader(boot.maxFrameBytes, (body) => {
  const m = decodeBody(body);
  if (m[0] === Kind.Welcome) { send([Kind.Ready]); return; }
  if (m[0] === Kind.Shutdown) { socket.end(() => process.exit(0)); return; }
  if (m[0] !== Kind.Call) return;
  const id = m[1];
  const stream = service.methods[m[2]].stream === true;
  if (++calls === 1 && mode !== 'none') {
    try {
      writeFileSync(process.env.HOSTILE_ONCE_FILE, String(process.pid), { flag: 'wx' });
    } catch {
      mode = 'none';
    }
  }
  if (calls > 1 || mode === 'none') {
    send(stream ? [Kind.StreamEnd, id] : [Kind.Result, id, 42]);
    return;
  }
  switch (mode) {
    // Items with no regard for the credit it was given (16 at the start).
    case 'no-credit': for (let i = 0; i < 100; i++) send([Kind.StreamItem, id, i]); break;
    case 'result-to-stream': send([Kind.Result, id, 42]); break;
    case 'item-to-call': send([Kind.StreamItem, id, 1]); break;
    case 'end-wrong-id': send([Kind.StreamItem, id, 0]); send([Kind.StreamEnd, id + 1]); break;
    default: send([Kind.Result, id, 42]);
  }
});
socket.on('data', (c) => reader.push(c));
