// The far end of the raw floor: a bare Node process that connects to the socket named in argv and
// answers each frame, with the library's framing code and nothing else (no channel, no
// validation, no dispatch table). `[4, id, 0, [a, b]]` → `[5, id, a + b]`; `[4, id, 1, [bytes]]` →
// `[5, id, bytes]`: the same messages a worker gets and sends for add() and echo(), read and
// written the way the channel does (onread into the frame reader; large bytes in one writev).
import { connect } from 'node:net';
import { readInto } from '../dist/runtime/protocol/direct-reads.js';
import { DEFAULT_MAX_FRAME_BYTES, decodeBody, encodeFrameParts, FrameReader } from '../dist/runtime/protocol/frames.js';

const reader = new FrameReader(DEFAULT_MAX_FRAME_BYTES, (body) => {
  const [, id, method, args] = decodeBody(body);
  const value = method === 0 ? args[0] + args[1] : args[0];
  const frame = encodeFrameParts([5, id, value]);
  if (Buffer.isBuffer(frame)) {
    socket.write(frame);
    return;
  }
  socket.cork();
  for (const part of frame) socket.write(part);
  socket.uncork();
});
const socket = connect({ path: process.argv[2], onread: readInto(reader, (error) => { throw error; }, () => false) });
socket.setNoDelay(true);
// The bench is done with us, or gone: either way there is nothing left to answer.
socket.on('close', () => process.exit(0));
socket.on('error', () => process.exit(1));
