/**
 * Names and literals in generated code: every user-supplied string that lands in a generated
 * file goes through one of these, so escaping is decided in one place.
 */

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Words that cannot name a variable in a strict-mode module. */
const RESERVED = new Set([
  'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'implements', 'import',
  'in', 'instanceof', 'interface', 'let', 'new', 'null', 'package', 'private', 'protected', 'public',
  'return', 'static', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while',
  'with', 'yield', 'arguments', 'eval', 'undefined', 'NaN', 'Infinity',
]);

export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

/** Usable as a local variable name: an identifier that is not a reserved word. */
export function isSafeIdentifier(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED.has(name);
}

/** A single-quoted JavaScript string literal. */
export function jsString(value: string): string {
  const body = value.replace(/[\\'\n\r\u2028\u2029]/g, (c) => {
    switch (c) {
      case '\\': return '\\\\';
      case "'": return "\\'";
      case '\n': return '\\n';
      case '\r': return '\\r';
      default: return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
    }
  });
  return `'${body}'`;
}

/** `obj.name`, or `obj['odd-name']` when the name is not an identifier. */
export function memberAccess(object: string, name: string): string {
  return `${object}${propertyAccess(name)}`;
}

/** What follows an object to read a property: `.name`, or `['odd-name']` when the name is not an identifier. */
export function propertyAccess(name: string): string {
  return isIdentifier(name) ? `.${name}` : `[${jsString(name)}]`;
}

/** A method or property name as written in a class or type body. */
export function memberName(name: string): string {
  return isIdentifier(name) ? name : jsString(name);
}

/** Text safe inside a block comment. */
export function commentText(text: string): string {
  return text.replace(/\*\//g, '*\\/');
}

/** `centroid` → `centroid`, `my-method` → `my_method`: a fragment for generated names. */
export function nameFragment(name: string): string {
  const cleaned = name.replace(/[^\w$]/g, '_');
  return cleaned.length === 0 ? '_' : cleaned;
}

/**
 * The names one scope of a generated file declares. `claim` returns the preferred name, or
 * the first `name_2`, `name_3`, … that is free, so generated names never shadow user names.
 */
export class NameScope {
  private readonly taken: Set<string>;

  constructor(taken: Iterable<string> = []) {
    this.taken = new Set(taken);
  }

  /** Every name taken so far. */
  claimed(): string[] {
    return [...this.taken];
  }

  claim(preferred: string): string {
    let name = preferred;
    for (let n = 2; this.taken.has(name) || RESERVED.has(name); n++) name = `${preferred}_${n}`;
    this.taken.add(name);
    return name;
  }
}
