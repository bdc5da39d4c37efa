/**
 * What the parent tells a worker to enforce on itself, in the worker's bootstrap
 * (worker-template/bootstrap.ts): the Landlock ABI to restrict with, the paths it may reach and
 * how, and the seccomp rules. The parent builds it (./worker-plan.ts) from the pool's `confine`
 * option and what the kernel supports (./kernel.ts); the worker adds what only it can know (its
 * own shared libraries and /proc/<pid>) and enforces it (worker-template/confine/).
 */

/** A path the worker may reach: a directory with everything beneath it, or one file. */
export interface ConfineRule {
  readonly path: string;
  /**
   * read: read files and list directories; execute: that, and execute (the Node.js binary, and
   * the `read` paths when childProcesses is true); device: read and write a device (/dev/null);
   * write: everything but executing and making device nodes (so writing implies reading).
   */
  readonly access: 'read' | 'execute' | 'device' | 'write';
  /** Leave it out when it does not exist (what Node.js may read, not what the pool was told). */
  readonly optional?: boolean;
}

/**
 * Windows (docs/confinement.md): the parent puts the worker in a Job Object of its own, nested in
 * the pool's, with JOB_OBJECT_LIMIT_ACTIVE_PROCESS 1 (without childProcesses) and every UI
 * restriction, before the worker reads its bootstrap; the worker lowers itself to low integrity
 * once its pipe is connected, then checks each limit with a canary (worker-template/confine/windows.ts).
 */
export interface WindowsConfinePlan {
  /** The application's pid: low integrity must keep the worker from opening it to terminate it. */
  readonly parentPid: number;
  /** Lower the token to low integrity: only with `write` empty, since it refuses every write. */
  readonly lowIntegrity: boolean;
}

export interface WorkerConfinePlan {
  /** Present on Windows, where the Linux fields below are empty (no Landlock, no seccomp). */
  readonly windows?: WindowsConfinePlan;
  /** Restrict with this Landlock ABI (at most the kernel's); 0: no Landlock. */
  readonly landlockAbi: number;
  /** Install the seccomp filter (worker-template/confine/seccomp-filter.ts). */
  readonly seccomp: boolean;
  readonly rules: readonly ConfineRule[];
  readonly network: boolean;
  readonly childProcesses: boolean;
  /**
   * Variables the first image puts back into the environment before it executes the second: the
   * pool starts it without them, as they only slow its start (NODE_EXTRA_CA_CERTS: 35-100 ms) or
   * would run the application's code in it, before confinement (NODE_OPTIONS' preloads).
   */
  readonly secondImageEnv: Readonly<Record<string, string>>;
  /**
   * Set by the worker's first image on the bootstrap it hands to its second (re-executed) one:
   * it is restricted already. The parent never sets it.
   */
  readonly restricted?: boolean;
}
