/** The implementation of IConfined: each method tries one thing and lets the OS error propagate. */
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { chmodSync, readFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';
import koffi from 'koffi';
import type { IConfined } from '../services/IConfined.js';

const probes = new Map<string, (op: string, arg: string, threaded: number) => number>();

function connected(options: { port: number; host: string } | { path: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(options, () => { socket.end(); resolve(); });
    socket.once('error', reject);
  });
}

export default class Confined implements IConfined {
  read(path: string): string { return readFileSync(path, 'utf8'); }
  readPooled(path: string): Promise<string> { return readFile(path, 'utf8'); }
  write(path: string, text: string): void { writeFileSync(path, text); }
  rename(from: string, to: string): void { renameSync(from, to); }
  truncate(path: string): void { truncateSync(path, 0); }
  chmod(path: string, mode: number): void { chmodSync(path, mode); }
  connectTcp(port: number): Promise<void> { return connected({ port, host: '127.0.0.1' }); }
  sendUdp(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = createSocket('udp4');
      socket.once('error', (error) => { socket.close(); reject(error); });
      socket.send('leak', port, '127.0.0.1', (error) => {
        socket.close();
        if (error) reject(error); else resolve();
      });
    });
  }
  connectUnix(path: string): Promise<void> { return connected({ path }); }
  run(file: string): string { return execFileSync(file, { encoding: 'utf8' }); }
  signal(pid: number, signal: string): void { process.kill(pid, signal); }
  native(library: string, op: string, arg: string, threaded: boolean): number {
    let probe = probes.get(library);
    if (probe === undefined) {
      probe = koffi.load(library).func('int probe(const char *op, const char *arg, int threaded)') as (op: string, arg: string, threaded: number) => number;
      probes.set(library, probe);
    }
    return probe(op, arg, threaded ? 1 : 0);
  }
  echo(data: Uint8Array): Uint8Array { return data; }
  add(a: number, b: number): number { return a + b; }
  pid(): number { return process.pid; }
  parentPid(): number { return process.ppid; }
  segfault(): number {
    (koffi.load('libc.so.6').func('size_t strlen(const char *s)') as (s: string | null) => number)(null);
    throw new Error('strlen(NULL) returned');
  }
}
