/**
 * TypeModel → validator functions, as TypeScript source. One function per named type, one per
 * argument or result that is not a plain primitive, and small shared helpers (`$number`) for
 * those that are. Each returns undefined when the value fits and builds an Issue (through the
 * runtime's `issue` and `at`) only when it does not, so the success path allocates nothing.
 * Functions are deduplicated by type, so the same shape is checked by the same function.
 */
import { canonicalType } from './hash.js';
import { isSafeIdentifier, jsString, NameScope, commentText, nameFragment } from './identifiers.js';
import type { PropertyModel, ServiceModel, TypeModel } from './model.js';
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
  readonly line: number;
}

type Guard = 'array' | 'record';

const HELPER_ORDER = ['string', 'number', 'boolean', 'null', 'undefined', 'void', 'Uint8Array', 'Buffer'];

export function buildValidators(service: ServiceModel): ServiceValidators {
  const builder = new ValidatorBuilder(service);
  const methods = service.methods.map((m) => {
    const hint = (name: string, where: string): Hint => ({ name, where: `${m.name}: ${where}`, line: m.line });
    return {
      args: m.params.map((p) => builder.functionFor(p.optional ? withUndefined(p.type) : p.type,
        hint(`arg_${nameFragment(m.name)}_${nameFragment(p.name)}`, p.name))),
      result: builder.functionFor(m.result, hint(`result_${nameFragment(m.name)}`, 'result')),
    };
  });
  return { functions: builder.output(), methods, runtime: [...builder.uses].sort() };
}

interface Emitted {
  readonly name: string;
  readonly doc: string | undefined;
  lines: string[];
}

class ValidatorBuilder {
  readonly uses = new Set<string>();
  private readonly scope = new NameScope(['at', 'issue', 'isRecord', 'defineService', 'Issue']);
  /** Function names of named types, claimed up front so `Point` always gets `$Point`. */
  private readonly namedNames = new Map<string, string>();
  private readonly named = new Map<string, Emitted & { readonly position: number }>();
  private readonly byKey = new Map<string, string>();
  private readonly anonymous: Emitted[] = [];
  private readonly helpers = new Map<string, Emitted>();

  constructor(private readonly service: ServiceModel) {
    for (const t of service.types.values()) this.namedNames.set(t.name, this.scope.claim(`$${t.name}`));
  }

  output(): string[] {
    const named = [...this.named.values()].sort((a, b) => a.position - b.position);
    const helpers = HELPER_ORDER.flatMap((k) => this.helpers.get(k) ?? []);
    return [...named, ...this.anonymous, ...helpers].map(functionSource);
  }

  /** The name of the function that checks `t`, generating it on first use. */
  functionFor(t: TypeModel, hint: Hint): string {
    if (t.kind === 'ref') return this.namedFunction(t.name);
    const helper = helperKey(t);
    if (helper !== undefined) return this.helper(helper, t);
    const key = JSON.stringify(canonicalType(t));
    const existing = this.byKey.get(key);
    if (existing !== undefined) return existing;
    const name = this.scope.claim(`$${hint.name}`);
    this.byKey.set(key, name);
    // Registered before its body is built, so a parent precedes the functions it calls.
    const emitted: Emitted = { name, doc: `${hint.where} (${this.service.sourceName}:${hint.line})`, lines: [] };
    this.anonymous.push(emitted);
    emitted.lines = this.body(t, printType(t), hint);
    return name;
  }

  private namedFunction(typeName: string): string {
    const name = this.namedNames.get(typeName)!;
    if (this.named.has(typeName)) return name;
    const t = this.service.types.get(typeName)!;
    const emitted = { name, doc: `${typeName} (${this.service.sourceName}:${t.line})`, position: t.position, lines: [] as string[] };
    this.named.set(typeName, emitted);
    emitted.lines = this.body(t.type, typeName, { name: typeName, where: typeName, line: t.line });
    return name;
  }

  private helper(key: string, t: TypeModel): string {
    const existing = this.helpers.get(key);
    if (existing !== undefined) return existing.name;
    const name = this.scope.claim(`$${key}`);
    this.helpers.set(key, { name, doc: undefined, lines: this.body(t, printType(t), { name, where: name, line: 0 }) });
    return name;
  }

  /** The statements of a function that checks `v` against `t`; `text` is what a failure says was expected. */
  private body(t: TypeModel, text: string, hint: Hint): string[] {
    const atoms = this.atoms(t);
    if (atoms !== undefined) return [`if (${fail(atoms, 'v')}) return ${this.issue(text, 'v')};`, 'return undefined;'];
    switch (t.kind) {
      case 'array':
        return [`if (!Array.isArray(v)) return ${this.issue(text, 'v')};`, ...this.elements(t.element, hint), 'return undefined;'];
      case 'object':
        return [`if (!${this.guard('record', 'v')}) return ${this.issue(text, 'v')};`, ...this.properties(t.properties, hint), 'return undefined;'];
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

  private properties(properties: readonly PropertyModel[], hint: Hint): string[] {
    const locals = new NameScope(['v', 'f', 'e', 'i', 'at', 'issue', 'isRecord', 'Array', 'Buffer', 'Uint8Array']);
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
   * Primitive members are tested first, in one condition. Then the value's shape (array or
   * record) picks the member that must fit, so its issue (with its path) is the one reported.
   * Members with the same shape are tried in turn; that allocates an issue for each one that
   * does not fit, on the way to the one that does.
   */
  private union(members: readonly TypeModel[], text: string, hint: Hint): string[] {
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
    const fns = complex.map((m, i) => this.functionFor(m, { ...hint, name: `${hint.name}_${i + 1}` }));
    const guards = complex.map((m) => this.guardOf(m));
    if (guards.every((g) => g !== undefined)) {
      const groups = new Map<Guard, string[]>();
      guards.forEach((g, i) => groups.set(g, [...(groups.get(g) ?? []), fns[i]!]));
      for (const [guard, group] of groups) {
        lines.push(group.length === 1
          ? `if (${this.guard(guard, 'v')}) return ${group[0]}(v);`
          : `if (${this.guard(guard, 'v')} && (${group.map((f) => `${f}(v) === undefined`).join(' || ')})) return undefined;`);
      }
    } else {
      fns.forEach((fn, i) => {
        const guard = guards[i];
        lines.push(guard === undefined
          ? `if (${fn}(v) === undefined) return undefined;`
          : `if (${this.guard(guard, 'v')} && ${fn}(v) === undefined) return undefined;`);
      });
    }
    return [...lines, `return ${this.issue(text, 'v')};`];
  }

  /** The tests of a type that needs no nested checks (primitives, literals, binary, unions of them); undefined otherwise. */
  private atoms(t: TypeModel, seen: ReadonlySet<string> = new Set()): Atom[] | undefined {
    switch (t.kind) {
      case 'string':
      case 'number':
      case 'boolean':
        return [typeofAtom(t.kind)];
      case 'null':
      case 'undefined':
        return [equalsAtom(t.kind)];
      case 'void':
        return [equalsAtom('undefined'), equalsAtom('null')];
      case 'literal':
        return [equalsAtom(typeof t.value === 'string' ? jsString(t.value) : String(t.value))];
      case 'binary':
        return [t.buffer
          ? { key: 'Buffer', pass: (x) => `Buffer.isBuffer(${x})`, fail: (x) => `!Buffer.isBuffer(${x})` }
          : { key: 'Uint8Array', pass: (x) => `${x} instanceof Uint8Array`, fail: (x) => `!(${x} instanceof Uint8Array)` }];
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
    if (t.kind === 'array') return 'array';
    if (t.kind === 'object') return 'record';
    if (t.kind !== 'ref' || seen.has(t.name)) return undefined;
    const target = this.service.types.get(t.name);
    return target === undefined ? undefined : this.guardOf(target.type, new Set([...seen, t.name]));
  }

  private guard(guard: Guard, x: string): string {
    if (guard === 'array') return `Array.isArray(${x})`;
    this.uses.add('isRecord');
    return `isRecord(${x})`;
  }

  private issue(text: string, x: string): string {
    this.uses.add('issue');
    return `issue(${jsString(text)}, ${x})`;
  }

  private at(found: string, key: string): string {
    this.uses.add('at');
    return `at(${found}, ${key})`;
  }
}

/** Primitive types a shared helper checks when one is a whole argument or result. */
function helperKey(t: TypeModel): string | undefined {
  switch (t.kind) {
    case 'string': case 'number': case 'boolean': case 'null': case 'undefined': case 'void':
      return t.kind;
    case 'binary':
      return t.buffer ? 'Buffer' : 'Uint8Array';
    default:
      return undefined;
  }
}

function typeofAtom(type: string): Atom {
  return { key: `typeof ${type}`, pass: (x) => `typeof ${x} === '${type}'`, fail: (x) => `typeof ${x} !== '${type}'` };
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
  return `${doc}function ${f.name}(v: unknown): Issue | undefined {\n${f.lines.map((l) => `  ${l}`).join('\n')}\n}`;
}
