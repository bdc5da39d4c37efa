// The far end of the raw floor: a bare Node process that connects to the socket named in argv and
// answers each frame, with the library's framing code and nothing else (no channel, no
// validation, no dispatch table). `[4, id, 0, [a, b]]` → `[5, id, a + b]`; `[4, id, 1, [bytes]]` →
// `[5, id, bytes]`: the same messages a worker gets and sends for add() and echo().
import { connect } from 'node:net';
import { DEFAULT_MAX_FRAME_BYTES, decodeBody, encodeFrame, FrameReader } from '../dist/runtime/protocol/frames.js';

const socket = connect(process.argv[2]);
socket.setNoDelay(true);
const reader = new FrameReader(DEFAULT_MAX_FRAME_BYTES, (body) => {
  const [, id, method, args] = decodeBody(body);
  const value = method === 0 ? args[0] + args[1] : args[0];
  socket.write(encodeFrame([5, id, value]));
});
socket.on('data', (chunk) => reader.push(chunk));
// The bench is done with us, or gone: either way there is nothing left to answer.
socket.on('close', () => process.exit(0));
socket.on('error', () => process.exit(1));
