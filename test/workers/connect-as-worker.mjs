// For hand-written worker entries in tests: reads the bootstrap line the pool writes on stdin,
// connects to the pipe it names, and exits when the pool closes it. The handshake is the caller's.
import { connect } from 'node:net';

export async function connectAsWorker() {
  let input = '';
  process.stdin.on('data', (c) => { input += c; });
  await new Promise((r) => process.stdin.on('end', r));
  const boot = JSON.parse(input);
  const socket = connect(boot.pipe);
  await new Promise((r) => socket.on('connect', r));
  socket.on('close', () => process.exit(0));
  socket.on('error', () => {});
  return { boot, socket };
}
