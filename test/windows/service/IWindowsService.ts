/** The service the Windows tests run in workers under Wine (or on Windows): Win32 from inside. */
export interface WorkerIdentity {
  platform: string;
  arch: string;
  pid: number;
  /** IsProcessInJob(self, NULL): whether any Job Object holds this process. */
  inJob: boolean;
}

/** What a worker could do that a confined one must not, tried from inside (test/windows/confine.test.ts). */
export interface EscapeAttempts {
  /** child_process.spawnSync of node.exe --version ran. */
  started: boolean;
  /** A new file in the temporary directory (labelled medium) was created. */
  wroteTemp: boolean;
  /** OpenProcess(PROCESS_TERMINATE) of the application succeeded. */
  openedParent: boolean;
}

export interface IWindowsService {
  /** Tries what confinement refuses on Windows; each attempt is undone if it succeeded. */
  tryEscapes(): EscapeAttempts;
  whoami(): WorkerIdentity;
  add(a: number, b: number): number;
  echo(data: Uint8Array): Uint8Array;
  /** Resolves after `ms` milliseconds with the worker's pid. */
  sleep(ms: number): Promise<number>;
  /**
   * Spins forever.
   * @timeout 1s
   */
  hang(): number;
  /** strlen(NULL) through msvcrt: an access violation (Wine starts its debugger first, which takes a second or two). */
  crash(): number;
  /** mallocs `mib` MiB, touches every page, never frees it; returns the worker's pid. */
  leakNative(mib: number): number;
  /** Whether malloc of `mib` MiB succeeds (the block is touched, then freed). */
  tryAllocate(mib: number): boolean;
  /** Creates `count` GDI brushes and keeps them; returns the worker's pid. */
  makeGdiObjects(count: number): number;
  /** Creates `count` USER menus and keeps them; returns the worker's pid. */
  makeUserObjects(count: number): number;
  /** Creates `count` event handles and keeps them; returns the worker's pid. */
  openHandles(count: number): number;
}
