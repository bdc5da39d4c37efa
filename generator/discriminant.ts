/**
 * Discriminated unions: the property whose literal values tell a union's object members apart
 * (`kind: 'circle' | 'rect'`), so a validator can switch on it and check only the member it names.
 */
import { jsString } from './identifiers.js';
import type { NamedTypeModel, ObjectModel, TypeModel } from './model.js';

type Types = ReadonlyMap<string, NamedTypeModel>;

/** Members of a union told apart by one property: each member's own values of it, in member order. */
export interface Discriminant {
  readonly key: string;
  readonly tags: readonly (readonly LiteralModel[])[];
}

export type LiteralModel = Extract<TypeModel, { kind: 'literal' | 'bigint-literal' }>;

/**
 * The first property (in the first member's order) that every member declares, required, as
 * literal types with values no other member has; undefined when there is none.
 */
export function discriminant(group: readonly TypeModel[], types: Types): Discriminant | undefined {
  const objects = group.map((m) => objectOf(m, types));
  const first = objects[0];
  if (first === undefined || objects.some((o) => o === undefined)) return undefined;
  for (const p of first.properties) {
    if (p.optional) continue;
    const seen = new Set<string>();
    const tags: LiteralModel[][] = [];
    for (const o of objects) {
      const q = o!.properties.find((x) => x.name === p.name);
      const values = q === undefined || q.optional ? undefined : literals(q.type, types);
      if (values === undefined || values.some((v) => seen.has(literalCode(v)))) break;
      for (const v of values) seen.add(literalCode(v));
      tags.push(values);
    }
    if (tags.length === objects.length) return { key: p.name, tags };
  }
  return undefined;
}

/** The values of a literal type or a union of them (through named types); undefined for any other type. */
export function literals(t: TypeModel, types: Types, seen: ReadonlySet<string> = new Set()): LiteralModel[] | undefined {
  if (t.kind === 'literal' || t.kind === 'bigint-literal') return [t];
  if (t.kind === 'union') {
    const all: LiteralModel[] = [];
    for (const m of t.members) {
      const values = literals(m, types, seen);
      if (values === undefined) return undefined;
      all.push(...values);
    }
    return all;
  }
  if (t.kind !== 'ref' || seen.has(t.name)) return undefined;
  const target = types.get(t.name);
  return target === undefined ? undefined : literals(target.type, types, new Set([...seen, t.name]));
}

/** The object type a member is, through named types; undefined for any other type. */
export function objectOf(t: TypeModel, types: Types, seen: ReadonlySet<string> = new Set()): ObjectModel | undefined {
  if (t.kind === 'object') return t;
  if (t.kind !== 'ref' || seen.has(t.name)) return undefined;
  const target = types.get(t.name);
  return target === undefined ? undefined : objectOf(target.type, types, new Set([...seen, t.name]));
}

/** A literal as JavaScript source: `'circle'`, `1`, `true`, `10n`. */
export function literalCode(t: LiteralModel): string {
  if (t.kind === 'bigint-literal') return `${t.value}n`;
  return typeof t.value === 'string' ? jsString(t.value) : String(t.value);
}

/** A literal as a name fragment: `circle`, `1`, `true`, `10n`. */
export function tagName(t: LiteralModel): string {
  return t.kind === 'bigint-literal' ? `${t.value}n` : String(t.value);
}
