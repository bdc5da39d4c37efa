/**
 * The pool's `inspect` option (issue 13, "Debugging a worker"), checked with the rest of the
 * configuration (config.ts): each new worker starts with Node's inspector listening on `host:port`,
 * and tells its URL in its ready message. docs/observability.md, "Debugging a worker".
 */

export interface InspectOptions {
  /**
   * The address the inspector listens on. Anyone who can reach it can run any code in the
   * worker, so keep it on loopback unless the network between you and it is yours.
   * @default "127.0.0.1"
   */
  host?: string;
  /** The TCP port; 0 gives each worker a free port of its own. @default 0 */
  port?: number;
}

export interface ResolvedInspect {
  readonly host: string;
  readonly port: number;
}

const FIELDS = ['host', 'port'];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** What the rest of the configuration says that `inspect` must agree with. */
export interface InspectContext {
  readonly maxPoolSize: number;
  readonly overlappedRecycle: boolean;
  /** `confine.network`, when the pool confines its workers. */
  readonly confineNetwork: boolean | undefined;
}

/** Checks `inspect`; reports each problem through `bad` and returns undefined when it is off or has any. */
export function checkInspect(value: unknown, context: InspectContext, bad: (field: string, problem: string) => void): ResolvedInspect | undefined {
  if (value === undefined || value === false) return undefined;
  if (value !== true && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    bad('inspect', `expected true, false or { host?, port? }, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
    return undefined;
  }
  const v = (value === true ? {} : value) as Record<string, unknown>;
  let ok = true;
  const fail = (field: string, problem: string): void => { ok = false; bad(field, problem); };
  for (const key of Object.keys(v)) if (!FIELDS.includes(key)) fail(`inspect.${key}`, `unknown option; the options are ${FIELDS.join(', ')}`);
  const host = v['host'] ?? '127.0.0.1';
  if (typeof host !== 'string' || !/^[A-Za-z0-9.:_-]{1,255}$/.test(host)) {
    fail('inspect.host', `expected a host name or IP address such as "127.0.0.1" (IPv6 without brackets: "::1"), got ${typeof host === 'string' ? JSON.stringify(host) : typeof host}`);
  }
  const port = v['port'] ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
    fail('inspect.port', `expected a whole number from 0 to 65535 (0: a free port for each worker), got ${typeof port === 'number' ? String(port) : typeof port}`);
  } else if (port !== 0 && context.maxPoolSize > 1) {
    fail('inspect.port', `is ${port} while maxPoolSize is ${context.maxPoolSize}: every worker would listen on that one port and all but the first would start without an inspector; use port 0 (a free port for each worker, reported in workerReady and stats()), or maxPoolSize 1`);
  } else if (port !== 0 && context.overlappedRecycle) {
    fail('inspect.port', `is ${port} while overlappedRecycle is on: a worker's replacement starts while it still holds that port, and would start without an inspector; use port 0 (a free port for each worker), or set overlappedRecycle: false`);
  }
  if (context.confineNetwork === false) {
    fail('inspect', 'needs confine.network: true: the inspector listens on a TCP socket, and a confined worker may open no socket but its channel (its seccomp filter refuses socket(), Landlock refuses the bind); set confine.network: true while you debug, or leave inspect off');
  }
  return ok ? { host: host as string, port: port as number } : undefined;
}

/** The worker's command-line option: an IPv6 address goes in brackets, as Node expects it. */
export function inspectArg(inspect: ResolvedInspect): string {
  return `--inspect=${inspect.host.includes(':') ? `[${inspect.host}]` : inspect.host}:${inspect.port}`;
}

/** Whether the inspector listens on loopback only; anything else lets the network run code in the worker. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * The TCP port of the inspector URL a worker sent in its ready message (`ws://host:port/uuid`),
 * or undefined when it is not such a URL: the parent never takes the worker's word for a shape.
 */
export function inspectorPort(url: string): number | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  // ws: URLs leave out their default port, 80.
  const port = parsed.port === '' ? 80 : Number(parsed.port);
  return parsed.protocol === 'ws:' && Number.isInteger(port) && port > 0 && port <= 65_535 ? port : undefined;
}

/** What Node's inspector itself writes to the worker's stderr as it listens, attaches and detaches. */
const NOTICE = /^(Debugger listening on ws:\/\/\S+|For help, see: https:\/\/nodejs\.org\/en\/docs\/inspector|Debugger attached\.|Debugger ending on ws:\/\/\S+|Waiting for the debugger to disconnect\.\.\.)$/;

export function isInspectorNotice(line: string): boolean {
  return NOTICE.test(line);
}
