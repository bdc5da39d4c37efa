// The far end of the bare-socket echo: connects to the socket named in argv and writes back every
// chunk as it reads it. No framing, no decoding, no copy of its own: what the pipe and Node's
// socket cost for these bytes, and nothing else.
import { connect } from 'node:net';

const socket = connect(process.argv[2]);
socket.on('data', (chunk) => {
  // Backpressure: stop reading while the way back is full, as any echo that keeps memory flat must.
  if (!socket.write(chunk)) {
    socket.pause();
    socket.once('drain', () => socket.resume());
  }
});
// The bench is done with us, or gone: either way there is nothing left to answer.
socket.on('close', () => process.exit(0));
socket.on('error', () => process.exit(1));
