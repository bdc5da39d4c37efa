// A pipe name someone else holds cannot be shared: libuv creates the first instance of a named
// pipe with FILE_FLAG_FIRST_PIPE_INSTANCE, so a second server on the same name fails instead of
// becoming another instance that clients might reach. The pool's pipes are made the same way.
import { createServer } from 'node:net';
import { randomBytes } from 'node:crypto';
import { library, main } from './common.mjs';

await main(async () => {
  const name = `\\\\.\\pipe\\ProcessSandbox-squat-${randomBytes(8).toString('hex')}`;
  const listen = (server) => new Promise((resolve) => {
    server.once('error', (error) => resolve(error.code));
    server.listen(name, () => resolve('listening'));
  });
  const squatter = createServer();
  const first = await listen(squatter);
  const pool = createServer();
  const second = await listen(pool);
  squatter.close();
  pool.close();
  const { wineVersion } = await library();
  return { first, second, wine: wineVersion() };
});
