/**
 * Hashes stamped into generated files. The file hash says which bytes the output came from; the
 * interface hash covers only what the wire depends on (method names and order, parameters,
 * types, optionality, results, per-method tags), so a comment edit keeps client and worker
 * compatible and a type change makes them refuse each other at the handshake. `@priority` is
 * left out: it orders only the parent's queue, and the worker never sees it, so a client and a
 * worker that differ only in a priority work together.
 */
import { createHash } from 'node:crypto';
import type { MethodModel, ServiceModel, TypeModel } from './model.js';

/** The first 16 hex digits of the SHA-256 of `data`. */
export function sha256Hex16(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

export function interfaceHash(service: ServiceModel): string {
  return sha256Hex16(canonicalInterface(service));
}

/** The canonical JSON the interface hash is taken of. */
export function canonicalInterface(service: ServiceModel): string {
  const types = [...service.types.values()]
    .sort((a, b) => compare(a.name, b.name))
    .map((t) => [t.name, canonicalType(t.type)]);
  return JSON.stringify({ methods: service.methods.map(canonicalMethod), types });
}

function canonicalMethod(m: MethodModel): unknown {
  return {
    name: m.name,
    params: m.params.map((p) => ({ name: p.name, optional: p.optional, type: canonicalType(p.type) })),
    result: canonicalType(m.result),
    timeoutMs: m.timeoutMs ?? null,
    idempotent: m.idempotent,
    // Only when set, so the hashes of interfaces without streams stay what they were.
    ...(m.stream ? { stream: true } : {}),
  };
}

/** Rebuilt with a fixed key order, so the JSON never depends on how the model was built. */
export function canonicalType(t: TypeModel): unknown {
  switch (t.kind) {
    case 'literal': return { kind: t.kind, value: t.value };
    case 'bigint-literal': return { kind: t.kind, value: t.value };
    case 'binary': return { kind: t.kind, class: t.class };
    case 'array': case 'set': return { kind: t.kind, element: canonicalType(t.element) };
    case 'tuple': return {
      kind: t.kind, elements: t.elements.map(canonicalType), required: t.required, rest: t.rest === undefined ? null : canonicalType(t.rest),
    };
    case 'map': return { kind: t.kind, key: canonicalType(t.key), value: canonicalType(t.value) };
    case 'object': return {
      kind: t.kind,
      properties: t.properties.map((p) => ({ name: p.name, optional: p.optional, type: canonicalType(p.type) })),
      index: t.index === undefined ? null : { key: t.index.key, value: canonicalType(t.index.value) },
    };
    case 'union': return { kind: t.kind, members: t.members.map(canonicalType) };
    case 'ref': return { kind: t.kind, name: t.name };
    default: return { kind: t.kind };
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
