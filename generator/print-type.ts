/**
 * A type as a validation message shows it: `number`, `string | null`, `Point[]`. Inline object
 * types print by their shape, abbreviated so a message stays one readable line: at most
 * MAX_PROPERTIES properties (then `…`), and objects nested deeper than one level as `{ … }`
 * (the path in the message already says which property failed).
 */
import { isIdentifier } from './identifiers.js';
import type { ObjectModel, TypeModel } from './model.js';

const MAX_PROPERTIES = 3;
const MAX_OBJECT_DEPTH = 2;

export function printType(t: TypeModel, depth = 0): string {
  switch (t.kind) {
    case 'literal': return typeof t.value === 'string' ? JSON.stringify(t.value) : String(t.value);
    case 'bigint-literal': return `${t.value}n`;
    case 'binary': return t.class;
    case 'date': return 'Date';
    case 'array': return t.element.kind === 'union' ? `(${printType(t.element, depth)})[]` : `${printType(t.element, depth)}[]`;
    case 'tuple': return `[${[
      ...t.elements.map((e, i) => `${printType(e, depth)}${i >= t.required ? '?' : ''}`),
      ...(t.rest === undefined ? [] : [`...${printType(t.rest, depth)}[]`]),
    ].join(', ')}]`;
    case 'map': return `Map<${printType(t.key, depth)}, ${printType(t.value, depth)}>`;
    case 'set': return `Set<${printType(t.element, depth)}>`;
    case 'object': return printObject(t, depth);
    case 'union': return t.members.map((m) => printType(m, depth)).join(' | ');
    case 'ref': return t.name;
    default: return t.kind;
  }
}

/** `{ x: number; y?: string }`, `{ a: string; b: number; c: boolean; … }`, `{ [key: string]: number }`. */
function printObject(t: ObjectModel, depth: number): string {
  if (depth >= MAX_OBJECT_DEPTH) return '{ … }';
  const members = t.properties.map((p) => {
    // `?` already says undefined is accepted.
    const type = p.optional && p.type.kind === 'union' ? withoutUndefined(p.type.members) : p.type;
    return `${isIdentifier(p.name) ? p.name : JSON.stringify(p.name)}${p.optional ? '?' : ''}: ${printType(type, depth + 1)}`;
  });
  if (t.index !== undefined) members.push(`[key: ${t.index.key}]: ${printType(t.index.value, depth + 1)}`);
  if (members.length === 0) return '{}';
  const shown = members.length > MAX_PROPERTIES ? [...members.slice(0, MAX_PROPERTIES), '…'] : members;
  return `{ ${shown.join('; ')} }`;
}

function withoutUndefined(members: readonly TypeModel[]): TypeModel {
  const rest = members.filter((m) => m.kind !== 'undefined');
  return rest.length === 1 ? rest[0]! : { kind: 'union', members: rest };
}

/** `T | undefined`: what an optional parameter or property accepts. */
export function withUndefined(t: TypeModel): TypeModel {
  if (t.kind === 'undefined' || t.kind === 'void') return t;
  if (t.kind !== 'union') return { kind: 'union', members: [t, { kind: 'undefined' }] };
  return t.members.some((m) => m.kind === 'undefined') ? t : { kind: 'union', members: [...t.members, { kind: 'undefined' }] };
}
