/**
 * What the pool makes of what a starting worker tells it (docs/wire-protocol.md, "The
 * conversation"): its hello (the protocol version and the interface it was generated from, and,
 * confined, what it enforces) and its ready (under `inspect`, the inspector's URL). Decisions
 * only: the worker process (worker-process.ts) refuses, welcomes or kills.
 */
import type { PoolConfinement } from './confine/index.js';
import { isConfinement } from './confine/report.js';
import { lackingFromOutside } from './confine/seen-from-outside.js';
import { shortfall } from './confine/shortfall.js';
import { inspectorPort, type ResolvedInspect } from './inspect.js';
import { PROTOCOL_VERSION } from './protocol/messages.js';
import type { ServiceDescriptor } from './service.js';

/** Why a hello's protocol version or interface is not the pool's (the refusal's message), or undefined. */
export function helloMismatch(label: string, version: unknown, hash: unknown, name: unknown, service: ServiceDescriptor): string | undefined {
  if (version !== PROTOCOL_VERSION) {
    return `${label} speaks protocol version ${String(version)}, this pool speaks ${PROTOCOL_VERSION}: the worker and the client come from different versions of process-sandbox; install one version for both`;
  }
  if (hash !== service.interfaceHash || name !== service.name) {
    return `${label} was generated from ${String(name)} with interface hash ${String(hash)}, but the client was generated from ${service.name} (${service.source}) with interface hash ${service.interfaceHash}: they come from different versions of the interface. Run sandbox-gen again and rebuild, so the client and the worker entry match`;
  }
  return undefined;
}

/** What a worker lacks against its pool's confinement: by its own report, then as seen from outside. */
export async function confinementLacks(report: unknown, pool: PoolConfinement | undefined, pid: number | undefined): Promise<string[]> {
  if (pool?.plan === undefined) return [];
  const lacks = isConfinement(report) ? shortfall(pool.expected, report) : ['it sent no report of what it enforces'];
  if (lacks.length > 0 || pid === undefined) return lacks;
  return lackingFromOutside(pid, pool.expected);
}

/** A ready message's inspector URL, as the pool's `inspect` option reads it. */
export type ReadyInspector =
  /** No URL, and none asked for. */
  | { readonly kind: 'none' }
  /** Asked for (at `inspect`), and absent: the inspector could not listen (a fixed port in use). */
  | { readonly kind: 'missing'; readonly inspect: ResolvedInspect }
  | { readonly kind: 'url'; readonly url: string; readonly port: number }
  /** A protocol violation, with its reason. */
  | { readonly kind: 'violation'; readonly reason: string };

export function readyInspector(url: unknown, inspect: ResolvedInspect | undefined): ReadyInspector {
  if (url === undefined) return inspect === undefined ? { kind: 'none' } : { kind: 'missing', inspect };
  if (inspect === undefined) return { kind: 'violation', reason: 'a ready message with an inspector URL, though the pool has no inspect option' };
  const port = typeof url === 'string' ? inspectorPort(url) : undefined;
  if (typeof url !== 'string' || port === undefined || (inspect.port !== 0 && port !== inspect.port)) {
    return { kind: 'violation', reason: `a ready message whose inspector URL is not a ws: URL on ${inspect.port === 0 ? 'a port' : `port ${inspect.port}`}` };
  }
  return { kind: 'url', url, port };
}
