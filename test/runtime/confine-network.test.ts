/**
 * With `network` left false, a confined worker opens no socket but its channel: no TCP connection
 * to a loopback server the test runs (which sees none), no UDP datagram, no connection to another
 * Unix socket; from JavaScript, and from native code on the calling thread and on a new thread.
 * With `network: true` the same connection goes through, which shows the test would see one.
 */
import { createSocket, type Socket as Datagrams } from 'node:dgram';
import { createServer, type Server } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { confinable, confinedClient, EACCES, layout, remoteCode } from './confine-harness.js';

const servers: (Server | Datagrams)[] = [];
afterEach(() => { for (const s of servers.splice(0)) s.close(); });

/** A server that counts what reaches it. */
async function tcpServer(listenOn: { port: number; host: string } | { path: string }): Promise<{ port: number; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket) => { connections++; socket.destroy(); });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(listenOn, resolve));
  const address = server.address();
  return { port: typeof address === 'object' && address !== null ? address.port : 0, connections: () => connections };
}

function environOf(pid: number): Record<string, string> {
  return Object.fromEntries(readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter((e) => e.includes('=')).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 200));

describe.runIf(confinable)('confine: network', () => {
  const at = layout();

  it('a TCP connection to a loopback server fails, and the server sees none', async () => {
    const server = await tcpServer({ port: 0, host: '127.0.0.1' });
    const c = await confinedClient(at);
    expect(await remoteCode(c.connectTcp(server.port))).toBe('EACCES');
    expect(await c.native(at.library, 'tcp', String(server.port), false)).toBe(EACCES);
    expect(await c.native(at.library, 'tcp', String(server.port), true)).toBe(EACCES);
    await settle();
    expect(server.connections()).toBe(0);
  });

  it('a UDP datagram cannot be sent', async () => {
    let received = 0;
    const server = createSocket('udp4', () => { received++; });
    servers.push(server);
    await new Promise<void>((resolve) => server.bind(0, '127.0.0.1', resolve));
    const { port } = server.address();
    const c = await confinedClient(at);
    expect(await remoteCode(c.sendUdp(port))).toBe('EACCES');
    expect(await c.native(at.library, 'udp', String(port), false)).toBe(EACCES);
    expect(await c.native(at.library, 'udp', String(port), true)).toBe(EACCES);
    await settle();
    expect(received).toBe(0);
  });

  it('another Unix socket cannot be connected to (think docker.sock)', async () => {
    const path = join(at.root, 'other.sock');
    const server = await tcpServer({ path });
    const c = await confinedClient(at);
    expect(await remoteCode(c.connectUnix(path))).toBe('EACCES');
    expect(await c.native(at.library, 'unix', path, false)).toBe(EACCES);
    expect(await c.native(at.library, 'unix', path, true)).toBe(EACCES);
    await settle();
    expect(server.connections()).toBe(0);
    // Its channel, a Unix socket too, still carries calls.
    expect(await c.add(2, 3)).toBe(5);
  });

  it('with network: true the same connections go through', async () => {
    const server = await tcpServer({ port: 0, host: '127.0.0.1' });
    const c = await confinedClient(at, { confine: { read: [at.library], network: true } });
    expect(c.pool.confinement).toMatchObject({ network: 'allowed', read: 'enforced' });
    await c.connectTcp(server.port);
    expect(await c.native(at.library, 'tcp', String(server.port), true)).toBe(0);
    await settle();
    expect(server.connections()).toBe(2);
    // TLS is possible: the application's extra CA certificates are back in the serving image.
    expect(environOf(await c.pid())['NODE_EXTRA_CA_CERTS']).toBe(process.env['NODE_EXTRA_CA_CERTS']);
  });

  it('without network, NODE_EXTRA_CA_CERTS is left out (no TLS is possible, and reading them slows each start)', async () => {
    const c = await confinedClient(at, { env: { ...process.env, NODE_EXTRA_CA_CERTS: at.insideFile } });
    expect(environOf(await c.pid())).not.toHaveProperty('NODE_EXTRA_CA_CERTS');
  });
});
