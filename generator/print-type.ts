/**
 * A type as a validation message shows it: `number`, `string | null`, `Point[]`. Inline object
 * types print as `object` (their properties would make the message unreadable; the path in the
 * message already says which property failed).
 */
import type { TypeModel } from './model.js';

export function printType(t: TypeModel): string {
  switch (t.kind) {
    case 'literal': return typeof t.value === 'string' ? JSON.stringify(t.value) : String(t.value);
    case 'bigint-literal': return `${t.value}n`;
    case 'binary': return t.class;
    case 'date': return 'Date';
    case 'array': return t.element.kind === 'union' ? `(${printType(t.element)})[]` : `${printType(t.element)}[]`;
    case 'tuple': return `[${[
      ...t.elements.map((e, i) => `${printType(e)}${i >= t.required ? '?' : ''}`),
      ...(t.rest === undefined ? [] : [`...${printType(t.rest)}[]`]),
    ].join(', ')}]`;
    case 'map': return `Map<${printType(t.key)}, ${printType(t.value)}>`;
    case 'set': return `Set<${printType(t.element)}>`;
    case 'object': return 'object';
    case 'union': return t.members.map(printType).join(' | ');
    case 'ref': return t.name;
    default: return t.kind;
  }
}

/** `T | undefined`: what an optional parameter or property accepts. */
export function withUndefined(t: TypeModel): TypeModel {
  if (t.kind === 'undefined' || t.kind === 'void') return t;
  if (t.kind !== 'union') return { kind: 'union', members: [t, { kind: 'undefined' }] };
  return t.members.some((m) => m.kind === 'undefined') ? t : { kind: 'union', members: [...t.members, { kind: 'undefined' }] };
}
