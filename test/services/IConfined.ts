/** What the confinement tests ask a confined worker to try, through JavaScript and native code. */
export interface IConfined {
  /** readFileSync on the worker's main thread. */
  read(path: string): string;
  /** fs.promises.readFile: on libuv's thread pool. */
  readPooled(path: string): Promise<string>;
  write(path: string, text: string): void;
  rename(from: string, to: string): void;
  truncate(path: string): void;
  chmod(path: string, mode: number): void;
  /** Connects to 127.0.0.1:port over TCP and closes again. */
  connectTcp(port: number): Promise<void>;
  /** Sends one datagram to 127.0.0.1:port. */
  sendUdp(port: number): Promise<void>;
  /** Connects to a Unix socket file. */
  connectUnix(path: string): Promise<void>;
  /** Runs a program (execFileSync) and returns its output. */
  run(file: string): string;
  /** process.kill(pid, signal). */
  signal(pid: number, signal: string): void;
  /**
   * Calls probe(op, arg, threaded) in the test's C library at `library`: the operation from the
   * calling thread, or from a thread it creates with pthread_create. 0 when it worked, else errno.
   */
  native(library: string, op: string, arg: string, threaded: boolean): number;
  echo(data: Uint8Array): Uint8Array;
  add(a: number, b: number): number;
  pid(): number;
  parentPid(): number;
  /** Dereferences NULL in native code (strlen through koffi). */
  segfault(): number;
}
