/**
 * TypeModel → validator functions, as TypeScript source. One function per named type, one per
 * argument or result that is not a plain primitive, and small shared helpers (`$number`) for
 * those that are. Each returns undefined when the value fits and builds an Issue (through the
 * runtime's `issue` and `at`) only when it does not, so the success path allocates nothing.
 * Functions are deduplicated by type, so the same shape is checked by the same function, and
 * named after the path of the type they check (`$Shape_circle`, `$Order_items_item`). The one
 * exception to allocating nothing: a union whose object members no property tells apart tries
 * them in turn, and a member that does not fit leaves its issue on the way to one that does.
 */
import { discriminant, literalCode, objectOf, tagName, type Discriminant } from './discriminant.js';
import { canonicalType } from './hash.js';
import { isSafeIdentifier, jsString, NameScope, commentText, nameFragment } from './identifiers.js';
import { BINARY_CLASSES, type IndexModel, type ObjectModel, type PropertyModel, type ServiceModel, type TypeModel } from './model.js';
import { printType, withUndefined } from './print-type.js';

export interface ServiceValidators {
  /** Every function's source, its doc comment included, in output order. */
  readonly functions: readonly string[];
  /** Per method, in order: the validator of each argument and of the result. */
  readonly methods: readonly { readonly args: readonly string[]; readonly result: string }[];
  /** Runtime values the functions call (`at`, `isRecord`, `issue`), sorted. */
  readonly runtime: readonly string[];
}

/** One test a value can pass: `typeof x === 'string'`, `x === null`, … */
interface Atom {
  readonly key: string;
  pass(x: string): string;
  fail(x: string): string;
}

/** What names a generated function and what its doc comment says. */
interface Hint {
  readonly name: string;
  readonly where: string;
  /** `IFoo.ts:12`: where the type was written. */
  readonly source: string;
}

type Guard = 'array' | 'record' | 'map' | 'set';

const HELPER_ORDER = [
  'string', 'number', 'boolean', 'bigint', 'null', 'undefined', 'void', 'Date',
  'Uint8Array', 'Buffer', 'ArrayBuffer', 'Int8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array',
  'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'unknown',
];

export function buildValidators(service: ServiceModel): ServiceValidators {
  const builder = new ValidatorBuilder(service);
  const methods = service.methods.map((m) => {
    const hint = (name: string, where: string): Hint => ({ name, where, source: `${m.sourceName}:${m.line}` });
    return {
      args: m.params.map((p) => builder.functionFor(p.optional ? withUndefined(p.type) : p.type,
        hint(`arg_${nameFragment(m.name)}_${nameFragment(p.name)}`, `${m.name}(${p.name})`))),
      result: m.stream
        ? builder.functionFor(m.result, hint(`item_${nameFragment(m.name)}`, `${m.name} item`))
        : builder.functionFor(m.result, hint(`result_${nameFragment(m.name)}`, `${m.name} result`)),
    };
  });
  return { functions: builder.output(), methods, runtime: [...builder.uses].sort() };
}

interface Emitted {
  readonly name: string;
  readonly doc: string | undefined;
  /** Parameters and return type; a validator's by default. */
  readonly signature?: string;
  lines: string[];
}

class ValidatorBuilder {
  readonly uses = new Set<string>();
  private readonly scope = new NameScope(['at', 'closest', 'issue', 'isRecord', 'tagIssue', 'defineService', 'Issue']);
  /** Function names of named types, claimed up front so `Point` always gets `$Point`. */
  private readonly namedNames = new Map<string, string>();
  private readonly named = new Map<string, Emitted & { readonly position: number }>();
  private readonly byKey = new Map<string, string>();
  private readonly anonymous: Emitted[] = [];
  private readonly helpers = new Map<string, Emitted>();
  /** Mismatch counters (`$misses_Shape`) by the name of the validator they go with. */
  private readonly misses = new Map<string, string>();
  /** What each validator checks (`Shape (kind "circle")`), by its name, for the counters' comments. */
  private readonly checks = new Map<string, string>();
  private readonly service: ServiceModel;

  constructor(service: ServiceModel) {
    this.service = service;
    for (const t of service.types.values()) this.namedNames.set(t.name, this.scope.claim(`$${typeFragment(t.name)}`));
  }

  output(): string[] {
    const named = [...this.named.values()].sort((a, b) => a.position - b.position);
    const helpers = HELPER_ORDER.flatMap((k) => this.helpers.get(k) ?? []);
    return [...named, ...this.anonymous, ...helpers].map(functionSource);
  }

  /** The name of the function that checks `t`, generating it on first use. */
  functionFor(t: TypeModel, hint: Hint): string {
    if (t.kind === 'ref') return this.namedFunction(t.name);
    if (t.kind === 'unknown') return this.unknownHelper();
    const helper = helperKey(t);
    if (helper !== undefined) return this.helper(helper, t);
    const key = JSON.stringify(canonicalType(t));
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    const name = this.scope.claim(`$${hint.name}`);
    this.byKey.set(key, name);
    this.checks.set(name, hint.where);
    // Registered before its body is built, so a parent precedes the functions it calls.
    const emitted: Emitted = { name, doc: `${hint.where}: ${printType(t)} (${hint.source})`, lines: [] };
    this.anonymous.push(emitted);
    emitted.lines = this.body(t, printType(t), hint);
    return name;
  }

  private namedFunction(typeName: string): string {
    const name = this.namedNames.get(typeName)!;
    if (this.named.has(typeName)) return name;
    const t = this.service.types.get(typeName)!;
    const emitted = { name, doc: `${typeName} (${t.sourceName}:${t.line})`, position: t.position, lines: [] as string[] };
    this.named.set(typeName, emitted);
    this.checks.set(name, typeName);
    emitted.lines = this.body(t.type, typeName, { name: typeFragment(typeName), where: typeName, source: `${t.sourceName}:${t.line}` });
    return name;
  }

  private helper(key: string, t: TypeModel): string {
    const existing = this.helpers.get(key);
    if (existing !== undefined) return existing.name;
    const name = this.scope.claim(`$${key}`);
    this.helpers.set(key, { name, doc: undefined, lines: this.body(t, printType(t), { name, where: name, source: '' }) });
    return name;
  }

  /** The statements of a function that checks `v` against `t`; `text` is what a failure says was expected. */
  private body(t: TypeModel, text: string, hint: Hint): string[] {
    const atoms = this.atoms(t);
    if (atoms !== undefined) return [`if (${fail(atoms, 'v')}) return ${this.issue(text, 'v')};`, 'return undefined;'];
    switch (t.kind) {
      case 'array':
        return [`if (!Array.isArray(v)) return ${this.issue(text, 'v')};`, ...this.elements(t.element, hint), 'return undefined;'];
      case 'tuple':
        return this.tuple(t, text, hint);
      case 'set':
        return [`if (!(v instanceof Set)) return ${this.issue(text, 'v')};`, ...this.setElements(t.element, hint), 'return undefined;'];
      case 'map':
        return [`if (!(v instanceof Map)) return ${this.issue(text, 'v')};`, ...this.entries(t.key, t.value, hint), 'return undefined;'];
      case 'unknown':
        return [`return ${this.unknownHelper()}(v);`];
      case 'object':
        return [
          `if (!${this.guard('record', 'v')}) return ${this.issue(text, 'v')};`,
          ...this.properties(t.properties, hint),
          ...this.otherKeys(t.properties, t.index, text, hint),
          'return undefined;',
        ];
      case 'ref':
        return [`return ${this.namedFunction(t.name)}(v);`];
      case 'union':
        return this.union(t.members, text, hint);
      default:
        throw new Error(`[sandbox-gen] internal error: no validator for ${t.kind}`);
    }
  }

  private elements(element: TypeModel, hint: Hint): string[] {
    const atoms = this.atoms(element);
    const text = printType(element);
    const check = atoms === undefined
      ? [`const f = ${this.functionFor(element, { ...hint, name: `${hint.name}_item`, where: `${hint.where}[]` })}(v[i]);`,
        `if (f !== undefined) return ${this.at('f', 'i')};`]
      : atoms.length === 1
        ? [`if (${fail(atoms, 'v[i]')}) return ${this.at(this.issue(text, 'v[i]'), 'i')};`]
        : ['const e = v[i];', `if (${fail(atoms, 'e')}) return ${this.at(this.issue(text, 'e'), 'i')};`];
    return ['for (let i = 0; i < v.length; i++) {', ...check.map((l) => `  ${l}`), '}'];
  }

  /** Statements that check `x` against `t` and, when it does not fit, return the issue with `key` in front of its path. */
  private check(t: TypeModel, x: string, key: string, hint: Hint, f = 'f'): string[] {
    const atoms = this.atoms(t);
    if (atoms !== undefined) return [`if (${fail(atoms, x)}) return ${this.at(this.issue(printType(t), x), key)};`];
    const fn = this.functionFor(t, hint);
    return [`const ${f} = ${fn}(${x});`, `if (${f} !== undefined) return ${this.at(f, key)};`];
  }

  private setElements(element: TypeModel, hint: Hint): string[] {
    const check = this.check(element, 'e', 'i', { ...hint, name: `${hint.name}_item`, where: `${hint.where}[]` });
    return ['let i = 0;', 'for (const e of v) {', ...[...check, 'i++;'].map((l) => `  ${l}`), '}'];
  }

  private entries(key: TypeModel, value: TypeModel, hint: Hint): string[] {
    const keyAtoms = this.atoms(key);
    const keyCheck = keyAtoms !== undefined
      ? [`if (${fail(keyAtoms, 'k')}) return ${this.at(this.issue(`${printType(key)} (a key)`, 'k'), 'String(k)')};`]
      : this.check(key, 'k', 'String(k)', { ...hint, name: `${hint.name}_key`, where: `${hint.where} key` }, 'fk');
    const valueCheck = this.check(value, 'x', 'String(k)', { ...hint, name: `${hint.name}_value`, where: `${hint.where} value` });
    return ['for (const [k, x] of v) {', ...[...keyCheck, ...valueCheck].map((l) => `  ${l}`), '}'];
  }

  private tuple(t: Extract<TypeModel, { kind: 'tuple' }>, text: string, hint: Hint): string[] {
    const n = t.elements.length;
    const length = t.rest !== undefined
      ? (t.required > 0 ? ` || v.length < ${t.required}` : '')
      : t.required === n ? ` || v.length !== ${n}` : ` || v.length < ${t.required} || v.length > ${n}`;
    const lines = [`if (!Array.isArray(v)${length}) return ${this.issue(text, 'v')};`];
    const locals = new NameScope(['v', 'i', 'at', 'issue']);
    t.elements.forEach((element, i) => {
      const type = i >= t.required ? withUndefined(element) : element;
      lines.push(...this.check(type, `v[${i}]`, String(i), { ...hint, name: `${hint.name}_${i}`, where: `${hint.where}[${i}]` }, locals.claim('f')));
    });
    if (t.rest !== undefined) {
      const check = this.check(t.rest, 'v[i]', 'i', { ...hint, name: `${hint.name}_rest`, where: `${hint.where}[…]` });
      lines.push(`for (let i = ${n}; i < v.length; i++) {`, ...check.map((l) => `  ${l}`), '}');
    }
    return [...lines, 'return undefined;'];
  }

  /**
   * Own keys the type does not declare are refused (unless an index signature takes them): a
   * property the other side does not know of would otherwise be carried, or dropped, unseen.
   */
  private otherKeys(properties: readonly PropertyModel[], index: IndexModel | undefined, text: string, hint: Hint): string[] {
    const declared = properties.map((p) => `case ${jsString(p.name)}:`);
    const unexpected = `return ${this.issue(text, 'v', '`unexpected property ${JSON.stringify(k)}`')};`;
    if (index === undefined) {
      if (declared.length === 0) return [`for (const k in v) ${unexpected}`];
      return ['for (const k in v) {', '  switch (k) {', ...declared.map((c) => `    ${c}`), '      continue;', '    default:', `      ${unexpected}`, '  }', '}'];
    }
    const body = [
      ...(declared.length === 0 ? [] : ['switch (k) {', ...declared.map((c) => `  ${c}`), '    continue;', '}']),
      // Decoding renames an own __proto__ key, so it would not arrive as sent.
      `if (k === '__proto__'${index.key === 'number' ? ' || k === \'\' || Number.isNaN(Number(k))' : ''}) ${unexpected}`,
      ...this.check(index.value, 'v[k]', 'k', { ...hint, name: `${hint.name}_values`, where: `${hint.where}[key]` }),
    ];
    return ['for (const k in v) {', ...body.map((l) => `  ${l}`), '}'];
  }

  /** `unknown` and `any`: any value the codec carries exactly, and nothing else (functions, class instances, RegExp, Error). */
  private unknownHelper(): string {
    const existing = this.helpers.get('unknown');
    if (existing !== undefined) return existing.name;
    const name = this.scope.claim('$unknown');
    const plain = this.issue('plain data', 'v');
    const lines = [
      `if (typeof v !== 'object' || v === null) return typeof v === 'function' || typeof v === 'symbol' ? ${plain} : undefined;`,
      'if (Array.isArray(v)) {',
      '  for (let i = 0; i < v.length; i++) {',
      `    const f = ${name}(v[i]);`,
      `    if (f !== undefined) return ${this.at('f', 'i')};`,
      '  }',
      '  return undefined;',
      '}',
      `if (${this.guard('record', 'v')}) {`,
      '  for (const k in v) {',
      `    if (k === '__proto__') return ${this.issue('plain data', 'v', "'the property \"__proto__\"'")};`,
      `    const f = ${name}(v[k]);`,
      `    if (f !== undefined) return ${this.at('f', 'k')};`,
      '  }',
      '  return undefined;',
      '}',
      'if (v instanceof Map) {',
      '  for (const [k, x] of v) {',
      `    const f = ${name}(k) ?? ${name}(x);`,
      `    if (f !== undefined) return ${this.at('f', 'String(k)')};`,
      '  }',
      '  return undefined;',
      '}',
      'if (v instanceof Set) {',
      '  for (const x of v) {',
      `    const f = ${name}(x);`,
      '    if (f !== undefined) return f;',
      '  }',
      '  return undefined;',
      '}',
      'if (v instanceof Date || v instanceof ArrayBuffer || (ArrayBuffer.isView(v) && !(v instanceof DataView))) return undefined;',
      `return ${plain};`,
    ];
    this.helpers.set('unknown', { name, doc: 'unknown and any: plain data the codec carries exactly', lines });
    return name;
  }

  private properties(properties: readonly PropertyModel[], hint: Hint): string[] {
    const locals = new NameScope(['v', 'f', 'e', 'i', 'k', 'x', 'at', 'issue', 'isRecord', 'Array', 'Map', 'Set', 'Date', 'Number', 'JSON', 'String', ...BINARY_CLASSES]);
    const types = properties.map((p) => (p.optional ? withUndefined(p.type) : p.type));
    const complex = types.filter((t) => this.atoms(t) === undefined).length;
    let complexSeen = 0;
    const lines: string[] = [];
    properties.forEach((p, index) => {
      const t = types[index]!;
      const key = jsString(p.name);
      const access = `v[${key}]`;
      const atoms = this.atoms(t);
      if (atoms !== undefined && atoms.length === 1) {
        lines.push(`if (${fail(atoms, access)}) return ${this.at(this.issue(printType(t), access), key)};`);
      } else if (atoms !== undefined) {
        // Read once into a local: the condition tests it several times.
        const local = locals.claim(isSafeIdentifier(p.name) && !p.name.startsWith('$') ? p.name : `_${nameFragment(p.name)}`);
        lines.push(`const ${local} = ${access};`, `if (${fail(atoms, local)}) return ${this.at(this.issue(printType(t), local), key)};`);
      } else {
        const fn = this.functionFor(t, { ...hint, name: `${hint.name}_${nameFragment(p.name)}`, where: `${hint.where}.${p.name}` });
        const assign = complexSeen === 0 ? (complex > 1 ? 'let f = ' : 'const f = ') : 'f = ';
        complexSeen++;
        lines.push(`${assign}${fn}(${access});`, `if (f !== undefined) return ${this.at('f', key)};`);
      }
    });
    return lines;
  }

  /**
   * Primitive members are tested first, in one condition. Then the value's shape (array, plain
   * object, Map, Set) picks the members that may fit; one such member is checked directly, so its
   * issue, with its path, is the one reported. Plain-object members that share a property of
   * literal types, each with values of its own (`kind: 'circle'`), are told apart by a switch on
   * it: the chosen member's issue is reported, and an unknown value is reported at that property
   * with the allowed ones. Other members of one shape are tried in turn; when none fits, the
   * issue of the closest one (fewest properties that do not fit) is reported.
   */
  private union(written: readonly TypeModel[], text: string, hint: Hint): string[] {
    const members = written.flatMap((m) => this.spread(m));
    const simple: Atom[] = [];
    const complex: TypeModel[] = [];
    for (const m of members) {
      const atoms = this.atoms(m);
      if (atoms === undefined) complex.push(m);
      else simple.push(...atoms);
    }
    const lines = simple.length > 0 ? [`if (${pass(orderAtoms(simple), 'v')}) return undefined;`] : [];
    if (complex.length === 1) {
      const only = complex[0]!;
      if (only.kind !== 'ref') return [...lines, ...this.body(only, text, hint)];
      const guard = this.guardOf(only);
      if (guard !== undefined) lines.push(`if (!${this.guard(guard, 'v')}) return ${this.issue(text, 'v')};`);
      return [...lines, `return ${this.namedFunction(only.name)}(v);`];
    }
    const guards = complex.map((m) => this.guardOf(m));
    if (!guards.every((g) => g !== undefined)) {
      // A member whose shape is not known in advance (a named union, unknown): each is tried.
      complex.forEach((m, i) => {
        const fn = this.functionFor(m, this.memberHint(hint, m, members));
        const guard = guards[i];
        lines.push(guard === undefined
          ? `if (${fn}(v) === undefined) return undefined;`
          : `if (${this.guard(guard, 'v')} && ${fn}(v) === undefined) return undefined;`);
      });
      return [...lines, `return ${this.issue(text, 'v')};`];
    }
    const groups = new Map<Guard, TypeModel[]>();
    complex.forEach((m, i) => groups.set(guards[i]!, [...(groups.get(guards[i]!) ?? []), m]));
    for (const [guard, group] of groups) {
      const test = this.guard(guard, 'v');
      if (group.length === 1) {
        lines.push(`if (${test}) return ${this.functionFor(group[0]!, this.memberHint(hint, group[0]!, members))}(v);`);
        continue;
      }
      const tagged = guard === 'record' ? discriminant(group, this.service.types) : undefined;
      const body = tagged === undefined ? this.closestOf(group, members, hint) : this.switchOn(tagged, group, hint);
      lines.push(`if (${test}) {`, ...body.map((l) => `  ${l}`), '}');
    }
    return [...lines, `return ${this.issue(text, 'v')};`];
  }

  /** `switch (v['kind'])`, one case per value, each member's validator; an unknown value fails at the property. */
  private switchOn({ key, tags }: Discriminant, group: readonly TypeModel[], hint: Hint): string[] {
    const access = `v[${jsString(key)}]`;
    const lines = [`switch (${access}) {`];
    group.forEach((m, i) => {
      const values = tags[i]!;
      const first = values[0]!;
      const fn = this.functionFor(m, { ...hint, name: `${hint.name}_${nameFragment(tagName(first))}`, where: `${hint.where} (${key} ${printType(first)})` });
      if (values.length === 1) lines.push(`  case ${literalCode(first)}: return ${fn}(v);`);
      else lines.push(...values.map((t) => `  case ${literalCode(t)}:`), `    return ${fn}(v);`);
    });
    const allowed = tags.flat().map((t) => printType(t)).join(' | ');
    this.uses.add('tagIssue');
    lines.push(`  default: return ${this.at(`tagIssue(${jsString(allowed)}, ${access})`, jsString(key))};`, '}');
    return lines;
  }

  /** Each member in turn; when none fits, the issue of the one with the fewest mismatches. */
  private closestOf(group: readonly TypeModel[], members: readonly TypeModel[], hint: Hint): string[] {
    const lines: string[] = [];
    const found: string[] = [];
    const misses: string[] = [];
    group.forEach((m, i) => {
      const memberHint = this.memberHint(hint, m, members);
      const fn = this.functionFor(m, memberHint);
      const f = `f${i + 1}`;
      lines.push(`const ${f} = ${fn}(v);`, `if (${f} === undefined) return undefined;`);
      found.push(f);
      misses.push(this.missesOf(m, fn, memberHint));
    });
    this.uses.add('closest');
    return [...lines, `return closest([${found.join(', ')}], [${misses.join(', ')}]);`];
  }

  /**
   * How many mismatches a member has, as an expression: its counter for an object type, the
   * fewest of its members' for a named union of object types, 1 for anything else.
   */
  private missesOf(m: TypeModel, fn: string, hint: Hint, seen: ReadonlySet<string> = new Set()): string {
    const object = objectOf(m, this.service.types);
    if (object !== undefined) return `${this.missesFunction(object, fn, m.kind === 'ref' ? this.namedHint(m.name) : hint)}(v)`;
    if (m.kind !== 'ref' || seen.has(m.name)) return '1';
    const target = this.service.types.get(m.name)!.type;
    if (target.kind !== 'union' || !target.members.every((x) => objectOf(x, this.service.types) !== undefined)) return '1';
    const inner = new Set([...seen, m.name]);
    const all = target.members.map((x) => this.missesOf(x, this.functionFor(x, this.memberHint(this.namedHint(m.name), x, target.members)), hint, inner));
    return `Math.min(${all.join(', ')})`;
  }

  /**
   * A named union whose members have different shapes (`Group = Shape[] | Shape`) is checked
   * through its members, so the value's shape still picks the one to report; any other member
   * stays itself (and keeps its name in messages).
   */
  private spread(m: TypeModel, seen: ReadonlySet<string> = new Set()): TypeModel[] {
    if (m.kind !== 'ref' || seen.has(m.name)) return [m];
    const target = this.service.types.get(m.name)?.type;
    if (target?.kind !== 'union' || this.atoms(m) !== undefined || this.guardOf(m) !== undefined) return [m];
    return target.members.flatMap((x) => this.spread(x, new Set([...seen, m.name])));
  }

  /**
   * A function that counts how many of an object type's properties do not fit and how many keys
   * it does not declare: how close a value came to a union member none of whose members fits.
   */
  private missesFunction(t: ObjectModel, validator: string, hint: Hint): string {
    const existing = this.misses.get(validator);
    if (existing !== undefined) return existing;
    const name = this.scope.claim(`$misses_${validator.slice(1)}`);
    this.misses.set(validator, name);
    const emitted: Emitted = {
      name,
      doc: `How many properties of ${this.checks.get(validator) ?? hint.where} do not fit, and keys it does not declare: picks a union's closest member`,
      signature: 'v: Record<string, unknown>): number',
      lines: [],
    };
    this.anonymous.push(emitted);
    const test = (type: TypeModel, x: string, child: Hint): string => {
      const atoms = this.atoms(type);
      return atoms === undefined ? `${this.functionFor(type, child)}(${x}) !== undefined` : fail(atoms, x);
    };
    const lines = ['let n = 0;'];
    for (const p of t.properties) {
      const type = p.optional ? withUndefined(p.type) : p.type;
      lines.push(`if (${test(type, `v[${jsString(p.name)}]`, { ...hint, name: `${hint.name}_${nameFragment(p.name)}`, where: `${hint.where}.${p.name}` })}) n++;`);
    }
    const declared = t.properties.map((p) => `case ${jsString(p.name)}:`);
    if (t.index === undefined) {
      if (declared.length === 0) lines.push('n += Object.keys(v).length;');
      else lines.push('for (const k in v) {', '  switch (k) {', ...declared.map((c) => `    ${c}`), '      continue;', '    default:', '      n++;', '  }', '}');
    } else {
      const odd = `k === '__proto__'${t.index.key === 'number' ? ' || k === \'\' || Number.isNaN(Number(k))' : ''}`;
      const value = test(t.index.value, 'v[k]', { ...hint, name: `${hint.name}_values`, where: `${hint.where}[key]` });
      lines.push('for (const k in v) {',
        ...(declared.length === 0 ? [] : ['  switch (k) {', ...declared.map((c) => `    ${c}`), '      continue;', '  }']),
        `  if (${odd} || ${value}) n++;`, '}');
    }
    emitted.lines = [...lines, 'return n;'];
    return name;
  }

  /** What names a union member's function (by its shape: `$Group_array`) and what its comment says. */
  private memberHint(hint: Hint, m: TypeModel, members: readonly TypeModel[]): Hint {
    return { ...hint, name: `${hint.name}_${m.kind}`, where: `${hint.where}, member ${members.indexOf(m) + 1}` };
  }

  private namedHint(typeName: string): Hint {
    const t = this.service.types.get(typeName)!;
    return { name: typeFragment(typeName), where: typeName, source: `${t.sourceName}:${t.line}` };
  }

  /** The tests of a type that needs no nested checks (primitives, literals, binary, unions of them); undefined otherwise. */
  private atoms(t: TypeModel, seen: ReadonlySet<string> = new Set()): Atom[] | undefined {
    switch (t.kind) {
      case 'string':
      case 'number':
      case 'boolean':
      case 'bigint':
        return [typeofAtom(t.kind)];
      case 'bigint-literal':
        return [equalsAtom(`${t.value}n`)];
      case 'date':
        return [instanceAtom('Date')];
      case 'null':
      case 'undefined':
        return [equalsAtom(t.kind)];
      case 'void':
        return [equalsAtom('undefined'), equalsAtom('null')];
      case 'literal':
        return [equalsAtom(typeof t.value === 'string' ? jsString(t.value) : String(t.value))];
      case 'binary':
        // A Buffer is a Uint8Array: where the interface says Uint8Array, a Buffer fits (and arrives as a Buffer).
        return [t.class === 'Buffer'
          ? { key: 'Buffer', pass: (x) => `Buffer.isBuffer(${x})`, fail: (x) => `!Buffer.isBuffer(${x})` }
          : instanceAtom(t.class)];
      case 'union': {
        const all: Atom[] = [];
        for (const m of t.members) {
          const atoms = this.atoms(m, seen);
          if (atoms === undefined) return undefined;
          all.push(...atoms);
        }
        return orderAtoms(all);
      }
      case 'ref': {
        const target = this.service.types.get(t.name);
        if (target === undefined || seen.has(t.name)) return undefined;
        return this.atoms(target.type, new Set([...seen, t.name]));
      }
      default:
        return undefined;
    }
  }

  private guardOf(t: TypeModel, seen: ReadonlySet<string> = new Set()): Guard | undefined {
    if (t.kind === 'array' || t.kind === 'tuple') return 'array';
    if (t.kind === 'object') return 'record';
    if (t.kind === 'map') return 'map';
    if (t.kind === 'set') return 'set';
    if (t.kind === 'union') {
      // A named union whose members all have one shape (`Contact` of two object types) has it too.
      const guards = new Set(t.members.map((m) => this.guardOf(m, seen)));
      return guards.size === 1 ? [...guards][0] : undefined;
    }
    if (t.kind !== 'ref' || seen.has(t.name)) return undefined;
    const target = this.service.types.get(t.name);
    return target === undefined ? undefined : this.guardOf(target.type, new Set([...seen, t.name]));
  }

  private guard(guard: Guard, x: string): string {
    if (guard === 'array') return `Array.isArray(${x})`;
    if (guard === 'map') return `${x} instanceof Map`;
    if (guard === 'set') return `${x} instanceof Set`;
    this.uses.add('isRecord');
    return `isRecord(${x})`;
  }

  /** `received`, when given, is an expression that says what was found instead of the value's kind. */
  private issue(text: string, x: string, received?: string): string {
    this.uses.add('issue');
    return `issue(${jsString(text)}, ${x}${received === undefined ? '' : `, ${received}`})`;
  }

  private at(found: string, key: string): string {
    this.uses.add('at');
    return `at(${found}, ${key})`;
  }
}

/** Primitive types a shared helper checks when one is a whole argument or result. */
function helperKey(t: TypeModel): string | undefined {
  switch (t.kind) {
    case 'string': case 'number': case 'boolean': case 'bigint': case 'null': case 'undefined': case 'void':
      return t.kind;
    case 'date':
      return 'Date';
    case 'binary':
      return t.class;
    default:
      return undefined;
  }
}

function typeofAtom(type: string): Atom {
  return { key: `typeof ${type}`, pass: (x) => `typeof ${x} === '${type}'`, fail: (x) => `typeof ${x} !== '${type}'` };
}

/** `Pick<Person, "name" | "role">` → `Pick_Person_name_role`. */
function typeFragment(name: string): string {
  return name.replace(/[^\w$]+/g, '_').replace(/^_+|_+$/g, '') || '_';
}

function instanceAtom(cls: string): Atom {
  return { key: cls, pass: (x) => `${x} instanceof ${cls}`, fail: (x) => `!(${x} instanceof ${cls})` };
}

function equalsAtom(value: string): Atom {
  return { key: value, pass: (x) => `${x} === ${value}`, fail: (x) => `${x} !== ${value}` };
}

/** Cheap identity tests (undefined, null) first; duplicates dropped; otherwise declaration order. */
function orderAtoms(atoms: readonly Atom[]): Atom[] {
  const rank = (a: Atom): number => (a.key === 'undefined' ? 0 : a.key === 'null' ? 1 : 2);
  const unique = [...new Map(atoms.map((a) => [a.key, a])).values()];
  return unique.map((a, i) => ({ a, i })).sort((x, y) => rank(x.a) - rank(y.a) || x.i - y.i).map(({ a }) => a);
}

function fail(atoms: readonly Atom[], x: string): string {
  return atoms.map((a) => a.fail(x)).join(' && ');
}

function pass(atoms: readonly Atom[], x: string): string {
  return atoms.map((a) => a.pass(x)).join(' || ');
}

function functionSource(f: Emitted): string {
  const doc = f.doc === undefined ? '' : `/** ${commentText(f.doc)} */\n`;
  return `${doc}function ${f.name}(${f.signature ?? 'v: unknown): Issue | undefined'} {\n${f.lines.map((l) => `  ${l}`).join('\n')}\n}`;
}
